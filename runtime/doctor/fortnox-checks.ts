/**
 * The Fortnox side of `koppla doctor`: token and scopes, company settings, every account, VAT code
 * and mode of payment the packs can emit, currencies the shop uses, Lager and stock points, and the
 * codes the tenant's params map shipping and payment terms to.
 */
import { Decimal } from 'decimal.js';
import type { Answer, DoctorConnection } from './connection.ts';
import type { CheckOutcome } from './types.ts';
import { valuesOf, type Emitted } from './emittable.ts';
import type { StoreDiagnostics } from '../../connectors/woocommerce/operations/store-diagnostics.ts';

type Obj = Record<string, unknown>;

/** The scope each Fortnox operation or stream needs (developer guide "Scopes"; fortnox-api.md §1.5). */
export function scopeOfOperation(name: string): string | undefined {
  const head = name.split('.')[0] ?? '';
  const scopes: Record<string, string> = {
    customers: 'customer',
    orders: 'order',
    invoices: 'invoice',
    invoicePayments: 'payment',
    articles: 'article',
    prices: 'price',
    currencies: 'currency',
    modesOfPayment: 'settings',
    termsOfPayment: 'settings',
    waysOfDelivery: 'settings',
    termsOfDelivery: 'settings',
    predefinedAccounts: 'settings',
    companySettings: 'settings',
    accounts: 'bookkeeping',
    vatCodes: 'bookkeeping',
    warehouse: 'warehouse',
    stock: 'article',
  };
  return scopes[head];
}

/** A cheap read per scope: refused with 403 when the app lacks it. */
const SCOPE_PROBES: Readonly<Record<string, readonly [string, unknown]>> = {
  order: ['orders.list', { maxItems: 1 }],
  invoice: ['invoices.list', { maxItems: 1 }],
  payment: ['invoicePayments.list', { maxItems: 1 }],
  article: ['articles.list', { since: new Date(Date.UTC(2100, 0, 1)).toISOString() }],
  price: ['prices.list', { PriceList: 'A', ArticleNumber: 'koppla-doctor-probe' }],
  settings: ['companySettings.get', {}],
  bookkeeping: ['accounts.list', {}],
  currency: ['currencies.list', {}],
  warehouse: ['warehouse.status', {}],
};

const MISSING_SCOPE_CODE = '2000663';
const NO_LICENCE_CODE = '2001101';

const refusedForScope = (answer: Answer<unknown>) =>
  !answer.ok &&
  (answer.status === 403 || answer.code === MISSING_SCOPE_CODE || answer.code === NO_LICENCE_CODE);

/** Swedish VAT rates and the Fortnox VAT codes that carry them (EasyVat table of the OpenAPI document). */
const SWEDISH_VAT_CODES: Readonly<Record<string, string>> = {
  '25': 'MP1',
  '12': 'MP2',
  '6': 'MP3',
  '0': 'MF',
};

export interface FortnoxCheckInput {
  readonly ledger: DoctorConnection;
  readonly tenantId: string;
  /** Scopes the tenant's pipelines need on this connection (from their operations and streams). */
  readonly requiredScopes: ReadonlySet<string>;
  readonly emitted: Emitted;
  /** Resolved params of the packs in use, by pack id (defaults filled in). */
  readonly packParams: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** The tenant's params of every pack and pipeline, as written (for code mappings). */
  readonly tenantParams: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly shop: StoreDiagnostics | undefined;
}

export type CheckFn = () => Promise<CheckOutcome>;

const list = <T>(answer: Answer<unknown>, key: string): T[] | undefined =>
  answer.ok ? (((answer.value as Obj)[key] as T[] | undefined) ?? []) : undefined;

const unreadable = (what: string, answer: Answer<unknown>): CheckOutcome => ({
  skipped: true,
  detail: `${what} could not be read: ${answer.ok ? '' : answer.message}`,
});

/** The checks in order; the token check first: nothing else can run without it. */
export function fortnoxChecks(input: FortnoxCheckInput): { id: string; title: string; run: CheckFn }[] {
  const { ledger, tenantId } = input;
  const connect = `koppla connect fortnox --tenant ${tenantId}`;
  const emittedSources = (kind: 'account' | 'vatRate' | 'modeOfPayment', value: string) =>
    input.emitted.get(kind)?.get(value) ?? [];

  return [
    {
      id: 'fortnox.token',
      title: 'Fortnox connection: token valid',
      run: async () => {
        const answer = await ledger.checkConnection();
        if (answer.ok || refusedForScope(answer)) return { detail: 'the stored token is accepted' };
        if (answer.kind === 'auth')
          return {
            detail: answer.message,
            findings: [
              {
                severity: 'error',
                what: `Fortnox refuses the stored token of connection "${ledger.name}" (${answer.message})`,
                why: 'Every run stops at its first Fortnox call: no customer, order or invoice is created until the connection is renewed.',
                fix: `Renew the consent: run \`${connect}\` as a Fortnox user with administrator rights (a revoked integration must be approved again under Fortnox → Integrationer).`,
              },
            ],
          };
        return {
          detail: answer.message,
          findings: [
            {
              severity: 'error',
              what: `Fortnox cannot be reached through connection "${ledger.name}": ${answer.message}`,
              why: 'Runs cannot send anything to Fortnox.',
              fix: 'Check the connection settings (apiUrl, authUrl), the network, and status.fortnox.se; then run koppla doctor again.',
            },
          ],
        };
      },
    },
    {
      id: 'fortnox.scopes',
      title: 'Fortnox scopes and licences',
      run: async () => {
        const needed = new Set([...input.requiredScopes, 'settings', 'bookkeeping', 'currency']);
        const missing: string[] = [];
        const unlicensed: string[] = [];
        for (const scope of [...needed].sort()) {
          const probe = SCOPE_PROBES[scope];
          // customers: the connector's own connection check reads them
          if (!probe && scope !== 'customer') continue;
          const answer = probe ? await ledger.call(probe[0], probe[1]) : await ledger.checkConnection();
          if (!refusedForScope(answer)) continue;
          if (!answer.ok && answer.code === NO_LICENCE_CODE) unlicensed.push(scope);
          else missing.push(scope);
        }
        const findings: NonNullable<CheckOutcome['findings']>[number][] = [];
        if (missing.length > 0)
          findings.push({
            severity: 'error',
            what: `the Fortnox app lacks the scope(s) ${missing.join(', ')}`,
            why: 'Fortnox answers 403 to every call outside the granted scopes: the steps that need them fail and their records land in the dead letters.',
            fix: `Add the scopes to the app in the Fortnox developer portal, then run \`${connect}\` again (a new scope needs a new consent).`,
            items: missing,
          });
        if (unlicensed.length > 0)
          findings.push({
            severity: 'error',
            what: `the Fortnox company has no licence for ${unlicensed.join(', ')} (error 2001101)`,
            why: 'Without the module licence Fortnox refuses those calls whatever the scopes.',
            fix: 'Order the module in Fortnox (Inställningar → Mina tjänster / Licenser), or switch off the pipelines that need it.',
            items: unlicensed,
          });
        return {
          detail: `needed: ${[...needed].sort().join(', ')}`,
          findings,
        };
      },
    },
    {
      id: 'fortnox.company',
      title: 'Fortnox company settings',
      run: async () => {
        const answer = await ledger.call<Obj>('companySettings.get');
        if (!answer.ok) return unreadable('the company settings', answer);
        const company = answer.value;
        const findings: NonNullable<CheckOutcome['findings']>[number][] = [];
        if (company.TaxEnabled === false)
          findings.push({
            severity: 'error',
            what: 'the Fortnox company is not set up for VAT (TaxEnabled is false)',
            why: 'Invoices would be created without VAT although the packs book output VAT on every Swedish sale.',
            fix: 'Register the company for VAT in Fortnox (Inställningar → Företagsuppgifter → Momsregistrerad) or stop using the se-vat pack.',
          });
        if (String(company.VATNumber ?? '').trim() === '')
          findings.push({
            severity: 'error',
            what: 'the Fortnox company has no VAT number (Momsregistreringsnummer)',
            why: 'Reverse-charge invoices to EU businesses must show the seller’s VAT number, and the EU sales list (periodisk sammanställning) needs it.',
            fix: 'Fill in Momsregistreringsnummer under Fortnox → Inställningar → Företagsuppgifter (SE + organisation number + 01).',
          });
        if (company.CountryCode !== undefined && company.CountryCode !== 'SE')
          findings.push({
            severity: 'warning',
            what: `the Fortnox company's country is ${String(company.CountryCode)}, the shipped packs book Swedish VAT`,
            why: 'se-vat and bas-accounts follow Swedish VAT law and the BAS chart.',
            fix: 'Use packs written for the company’s country, or correct the country in Fortnox.',
          });
        return {
          detail: `${String(company.Name ?? '?')} (${String(company.OrganizationNumber ?? '?')}); documents set VATIncluded per order, so Fortnox's incl./excl. VAT default does not apply; whole-krona rounding (öresavrundning) is not readable through the API: the round-off is written off on the document-kind pack's roundOffAccount`,
          findings,
        };
      },
    },
    {
      id: 'fortnox.accounts',
      title: 'Accounts the rule packs can emit exist and are active',
      run: async () => {
        const answer = await ledger.call('accounts.list');
        const accounts = list<Obj>(answer, 'Accounts');
        if (!accounts) return unreadable('the chart of accounts', answer);
        const byNumber = new Map(accounts.map((a) => [String(a.Number), a]));
        const wanted = valuesOf(input.emitted, 'account');
        const missing = wanted.filter((n) => !byNumber.has(n));
        const inactive = wanted.filter((n) => byNumber.get(n)?.Active === false);
        const describe = (n: string) => `${n} (${emittedSources('account', n).join(', ')})`;
        const findings: NonNullable<CheckOutcome['findings']>[number][] = [];
        if (missing.length > 0)
          findings.push({
            severity: 'error',
            what: `${missing.length} account(s) the rule packs can book on are missing from Fortnox's chart of accounts: ${missing.join(', ')}`,
            why: 'Fortnox refuses a document row with an unknown account (error 2001304): the order fails and lands in the dead letters.',
            fix: 'Add the accounts under Fortnox → Bokföring → Kontoplan, or point the pack params named below at accounts you have.',
            items: missing.map(describe),
          });
        if (inactive.length > 0)
          findings.push({
            severity: 'error',
            what: `${inactive.length} account(s) the rule packs can book on are inactive in Fortnox: ${inactive.join(', ')}`,
            why: 'Fortnox refuses rows on an inactive account, as on a missing one.',
            fix: 'Activate them under Fortnox → Bokföring → Kontoplan (Aktiv), or change the pack params named below.',
            items: inactive.map(describe),
          });
        return { detail: `${wanted.length} accounts the packs can emit: ${wanted.join(' ')}`, findings };
      },
    },
    {
      id: 'fortnox.vatCodes',
      title: 'VAT rates the rule packs can emit have a VAT code',
      run: async () => {
        const answer = await ledger.call('vatCodes.list');
        const codes = list<{ VATCode: string }>(answer, 'VATCodes');
        if (!codes) return unreadable('the VAT codes', answer);
        const present = new Set(codes.map((c) => c.VATCode));
        const swedish = valuesOf(input.emitted, 'vatRate').filter((rate) => SWEDISH_VAT_CODES[rate]);
        const missing = swedish.filter((rate) => !present.has(SWEDISH_VAT_CODES[rate] ?? ''));
        return {
          detail: `Swedish rates the packs can emit: ${swedish.map((r) => `${r} % (${SWEDISH_VAT_CODES[r]})`).join(', ')}; codes on active accounts: ${[...present].sort().join(' ') || 'none'}`,
          findings:
            missing.length === 0
              ? []
              : [
                  {
                    severity: 'error',
                    what: `no active sales account carries the VAT code for ${missing.map((r) => `${r} % (${SWEDISH_VAT_CODES[r]})`).join(', ')}`,
                    why: 'A row at that rate cannot be booked with the right VAT code: Fortnox falls back to its own account choice or refuses the rate.',
                    fix: 'In Fortnox → Bokföring → Kontoplan give the sales account of that rate (3001 MP1, 3002 MP2, 3003 MP3, 3004 MF) its Momskod and keep it active.',
                    items: missing.map((r) => `${r} % → ${SWEDISH_VAT_CODES[r]}`),
                  },
                ],
        };
      },
    },
    {
      id: 'fortnox.oss',
      title: 'OSS rates: a per-country account with a VAT code',
      run: async () => {
        const vat = input.packParams.get('se-vat');
        const accountsParams = input.packParams.get('bas-accounts');
        if (!vat || !accountsParams) return { skipped: true, detail: 'se-vat or bas-accounts not in use' };
        const threshold = new Decimal(String(vat.ossThresholdSek ?? '99680'));
        const sales = (vat.euDistanceSales ?? {}) as { previousYear?: string; currentYear?: string };
        const crossed = [sales.previousYear, sales.currentYear].some((v) =>
          new Decimal(v ?? '0').greaterThan(threshold),
        );
        if (vat.oss !== 'registered' && !crossed)
          return {
            skipped: true,
            detail:
              'not in use: se-vat.oss is none and the EU distance sales are below the threshold (EU consumers pay Swedish VAT)',
          };
        const answer = await ledger.call('accounts.list');
        const accounts = list<Obj>(answer, 'Accounts');
        if (!accounts) return unreadable('the chart of accounts', answer);
        const byNumber = new Map(accounts.map((a) => [String(a.Number), a]));
        const ossRates = (vat.ossRates ?? {}) as Record<string, string>;
        const ossAccounts = (accountsParams.ossAccounts ?? {}) as Record<string, string>;
        const problems: string[] = [];
        for (const [key, rate] of Object.entries(ossRates).sort()) {
          const country = key.split(':')[0] ?? key;
          const account = ossAccounts[`${country}-${rate}`] ?? ossAccounts[country];
          const found = account === undefined ? undefined : byNumber.get(account);
          if (account === undefined)
            problems.push(`${country} ${rate} %: no account in bas-accounts.ossAccounts`);
          else if (!found) problems.push(`${country} ${rate} %: account ${account} missing`);
          else if (found.Active === false) problems.push(`${country} ${rate} %: account ${account} inactive`);
          else if (String(found.VATCode ?? '') === '')
            problems.push(`${country} ${rate} %: account ${account} has no VAT code`);
        }
        return {
          detail: `${Object.keys(ossRates).length} OSS rates (se-vat.ossRates)`,
          findings:
            problems.length === 0
              ? []
              : [
                  {
                    severity: 'error',
                    what: `${problems.length} OSS rate(s) have no usable per-country account`,
                    why: 'Under OSS every EU consumer sale carries the destination rate and must be booked on its own country account linked to its own VAT code (Fortnox’s (M)OSS guide); without it the line is flagged for review and the order is held back.',
                    fix: 'Per country: create a sales account (3106 family, e.g. 3107 "Försäljning varor OSS DE 19 %") with its own VAT code in Fortnox, then set bas-accounts.ossAccounts { "DE-19": "3107", … } (koppla tenants set --param).',
                    items: problems,
                  },
                ],
        };
      },
    },
    {
      id: 'fortnox.currencies',
      title: 'Currencies the shop uses exist in Fortnox',
      run: async () => {
        const used = new Set<string>(
          [input.shop?.settings?.currency ?? undefined, ...(input.shop?.recentOrders?.currencies ?? [])]
            .filter((c): c is string => typeof c === 'string' && c !== '')
            .map((c) => c.toUpperCase()),
        );
        if (used.size === 0) return { skipped: true, detail: 'the shop’s currencies could not be read' };
        const answer = await ledger.call('currencies.list');
        const currencies = list<Obj>(answer, 'Currencies');
        if (!currencies) return unreadable('the currencies', answer);
        const known = new Set(currencies.map((c) => String(c.Code)));
        // SEK is the company's own currency: Fortnox has it whether listed or not
        const missing = [...used].filter((c) => c !== 'SEK' && !known.has(c)).sort();
        return {
          detail: `the shop uses ${[...used].sort().join(', ')}`,
          findings:
            missing.length === 0
              ? []
              : [
                  {
                    severity: 'error',
                    what: `currencies the shop sells in are missing in Fortnox: ${missing.join(', ')}`,
                    why: 'An order in a currency Fortnox does not know cannot become an order or invoice in that currency: it fails.',
                    fix: 'Add the currencies under Fortnox → Inställningar → Bokföring → Valutor (with automatic rates).',
                    items: missing,
                  },
                ],
        };
      },
    },
    {
      id: 'fortnox.modesOfPayment',
      title: 'Modes of payment the packs can send exist',
      run: async () => {
        const wanted = valuesOf(input.emitted, 'modeOfPayment');
        if (wanted.length === 0) return { detail: 'the packs send no mode of payment' };
        const answer = await ledger.call('modesOfPayment.list');
        const modes = list<Obj>(answer, 'ModesOfPayments');
        if (!modes) return unreadable('the modes of payment', answer);
        const known = new Set(modes.map((m) => String(m.Code)));
        const missing = wanted.filter((m) => !known.has(m));
        return {
          detail: `${wanted.join(', ')}`,
          findings:
            missing.length === 0
              ? []
              : [
                  {
                    severity: 'error',
                    what: `modes of payment the packs can send are missing in Fortnox: ${missing.join(', ')}`,
                    why: 'Registering the payment of an invoice fails for an unknown mode of payment: the invoice stays unpaid in Fortnox.',
                    fix: 'Add them under Fortnox → Inställningar → Bokföring → Betalningssätt, or map the gateways to existing codes in document-kind.paymentModes.',
                    items: missing.map((m) => `${m} (${emittedSources('modeOfPayment', m).join(', ')})`),
                  },
                ],
        };
      },
    },
    {
      id: 'fortnox.waysOfDelivery',
      title: 'Ways of delivery mapped to codes that exist',
      run: () =>
        mappedCodes(input, 'waysOfDelivery.list', 'WayOfDeliveries', /wa(y|ys)OfDelivery/i, {
          noun: 'ways of delivery',
          why: 'Fortnox refuses an order or invoice naming an unknown way of delivery.',
          fix: 'Add the codes under Fortnox → Inställningar → Order/Faktura → Leveranssätt, or correct the tenant param orders-to-fortnox.waysOfDelivery.',
        }),
    },
    {
      id: 'fortnox.termsOfPayment',
      title: 'Terms of payment mapped to codes that exist',
      run: () =>
        mappedCodes(input, 'termsOfPayment.list', 'TermsOfPayments', /termsOfPayment/i, {
          noun: 'terms of payment',
          why: 'Fortnox refuses a document naming unknown terms of payment.',
          fix: 'Add the codes under Fortnox → Inställningar → Bokföring → Betalningsvillkor, or correct the tenant param.',
        }),
    },
    {
      id: 'fortnox.lager',
      title: 'Fortnox Lager matches the tenant’s choice; stock points exist',
      run: async () => {
        const stock = ((ledger.settings.streams as Obj | undefined)?.stock ?? {}) as {
          warehouse?: string;
          stockPoints?: string[];
        };
        const choice = stock.warehouse ?? 'auto';
        const wantsLager = choice === 'on' || (stock.stockPoints ?? []).length > 0;
        if (!wantsLager && choice !== 'off')
          return {
            detail: 'the tenant leaves it to Fortnox (streams.stock.warehouse auto, no stock points named)',
          };
        const answer = await ledger.call<{ activated?: boolean }>('warehouse.status');
        if (!answer.ok) return unreadable('the Lager status', answer);
        const activated = answer.value.activated === true;
        if (wantsLager && !activated)
          return {
            detail: 'Lager is off in Fortnox',
            findings: [
              {
                severity: 'error',
                what: `the tenant expects Fortnox Lager (${choice === 'on' ? 'streams.stock.warehouse: on' : `stock points ${(stock.stockPoints ?? []).join(', ')}`}) but Lager is not activated in Fortnox`,
                why: 'Stock would be read from stock points that do not exist, and orders would not reserve or deliver stock the way the shop expects.',
                fix: 'Activate Fortnox Lager (Inställningar → Lager), or set the Fortnox connection’s streams.stock.warehouse to off and remove stockPoints.',
              },
            ],
          };
        if (choice === 'off' && activated)
          return {
            detail: 'Lager is on in Fortnox',
            findings: [
              {
                severity: 'error',
                what: 'the tenant says streams.stock.warehouse: off, but Fortnox Lager is activated',
                why: 'With Lager on, stock lives per stock point and article stock fields are not what the shop should show: the stock flow would publish wrong quantities.',
                fix: 'Set streams.stock.warehouse to on (or auto) and name the stock points the shop sells from.',
              },
            ],
          };
        const wantedPoints = stock.stockPoints ?? [];
        if (wantedPoints.length === 0) return { detail: `Lager ${activated ? 'on' : 'off'}, as chosen` };
        const points = await ledger.call<{ stockPoints: { code: string }[] }>('warehouse.stockPoints.list', {
          state: 'ACTIVE',
        });
        if (!points.ok) return unreadable('the stock points', points);
        const known = new Set(points.value.stockPoints.map((p) => p.code));
        const missing = wantedPoints.filter((p) => !known.has(p));
        return {
          detail: `Lager on; stock points ${wantedPoints.join(', ')}`,
          findings:
            missing.length === 0
              ? []
              : [
                  {
                    severity: 'error',
                    what: `stock points named in the tenant's settings do not exist (or are inactive) in Fortnox: ${missing.join(', ')}`,
                    why: 'The stock flow sums the named stock points: a missing one makes the shop’s stock wrong or the run fail.',
                    fix: 'Create the stock points under Fortnox → Lager → Lagerställen, or correct streams.stock.stockPoints of the Fortnox connection.',
                    items: missing,
                  },
                ],
        };
      },
    },
  ];
}

/** Every string under a param key matching `key` in any of the tenant's params. */
function mappedValues(params: FortnoxCheckInput['tenantParams'], key: RegExp): string[] {
  const found = new Set<string>();
  const visit = (value: unknown, under: boolean) => {
    if (typeof value === 'string') {
      if (under && value !== '') found.add(value);
    } else if (Array.isArray(value)) for (const item of value) visit(item, under);
    else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) visit(v, under || key.test(k));
  };
  visit(params, false);
  return [...found].sort();
}

async function mappedCodes(
  input: FortnoxCheckInput,
  operation: string,
  listKey: string,
  key: RegExp,
  text: { noun: string; why: string; fix: string },
): Promise<CheckOutcome> {
  const wanted = mappedValues(input.tenantParams, key);
  if (wanted.length === 0)
    return {
      detail: `no ${text.noun} mapped in the tenant's params: documents leave them to Fortnox's defaults`,
    };
  const answer = await input.ledger.call(operation);
  const codes = list<Obj>(answer, listKey);
  if (!codes) return unreadable(`the ${text.noun}`, answer);
  const known = new Set(codes.map((c) => String(c.Code)));
  const missing = wanted.filter((c) => !known.has(c));
  return {
    detail: `mapped: ${wanted.join(', ')}`,
    findings:
      missing.length === 0
        ? []
        : [
            {
              severity: 'error',
              what: `${text.noun} codes mapped in the tenant's params are missing in Fortnox: ${missing.join(', ')}`,
              why: text.why,
              fix: text.fix,
              items: missing,
            },
          ],
  };
}
