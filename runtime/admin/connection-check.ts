import { isConnectorError, type ConnectorDefinition, type Logger } from '../../core/plugin-api/index.ts';
import type { TenantPackRefs } from './ui-activity.ts';

/** A finding of a connection check: a stable code the page words in the reader's language. */
export interface Notice {
  readonly code: string;
  /** English, for the API and the logs. */
  readonly message: string;
  readonly values?: Readonly<Record<string, string>>;
}

export interface CheckOutcome {
  readonly ok: boolean;
  /** The store's address, the Fortnox company's name. */
  readonly account: string | null;
  readonly problems: Notice[];
  readonly warnings: Notice[];
  /** Settings the check found to work (the WooCommerce auth mode), to store with the others. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

export interface CheckContext {
  readonly connector: ConnectorDefinition;
  readonly tenantId: string;
  /** Settings and secrets together, as a connector reads them. */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly logger: Logger;
  readonly fetch?: typeof fetch;
  /** What the tenant's rules and pipelines need of Fortnox (accounts, Lager). */
  readonly needs?: TenantPackRefs;
}

const notice = (code: string, message: string, values?: Record<string, string>): Notice => ({
  code,
  message,
  ...(values ? { values } : {}),
});

const CHECK_TIMEOUT_MS = 15_000;

/** What the service says about these credentials, checked with real calls. */
export function checkConnectionLive(context: CheckContext): Promise<CheckOutcome> {
  switch (context.connector.meta.id) {
    case 'woocommerce':
      return checkWooCommerce(context);
    case 'fortnox':
      return checkFortnox(context);
    default:
      return checkGeneric(context);
  }
}

async function checkGeneric(context: CheckContext): Promise<CheckOutcome> {
  if (!context.connector.checkConnection)
    return {
      ok: true,
      account: null,
      problems: [],
      warnings: [notice('no_check', 'this connector has no check')],
    };
  try {
    await context.connector.checkConnection({
      tenantId: context.tenantId,
      settings: context.settings,
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      logger: context.logger,
    });
    return { ok: true, account: null, problems: [], warnings: [] };
  } catch (error) {
    return { ok: false, account: null, problems: [failure(error)], warnings: [] };
  }
}

function failure(error: unknown): Notice {
  const message = error instanceof Error ? error.message : String(error);
  return notice('failed', message, { reason: message });
}

/** Is the WordPress REST API at `/wp-json/`, and is WooCommerce's `wc/v3` in it? */
async function probeRestApi(
  url: string,
  fetchFn: typeof fetch,
): Promise<'ok' | 'unreachable' | 'permalinks_off' | 'not_wordpress' | 'no_woocommerce'> {
  const json = async (address: string) => {
    const response = await fetchFn(address, { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) as Record<string, unknown> };
    } catch {
      return { status: response.status, body: undefined };
    }
  };
  const base = url.replace(/\/+$/, '');
  let pretty: Awaited<ReturnType<typeof json>>;
  try {
    pretty = await json(`${base}/wp-json/wc/v3`);
  } catch {
    return 'unreachable';
  }
  if (pretty.body && typeof pretty.body === 'object') {
    // an index answer, or WooCommerce's own error for a missing key: either way the API is there
    if (pretty.body.code !== 'rest_no_route') return 'ok';
    // the REST API answers; WooCommerce is missing only when the index lists no wc/v3
    try {
      const index = await json(`${base}/wp-json/`);
      const namespaces = index.body?.namespaces;
      if (Array.isArray(namespaces) && !namespaces.includes('wc/v3')) return 'no_woocommerce';
    } catch {
      // the connector's own call below says what is wrong
    }
    return 'ok';
  }
  // no JSON under /wp-json: plain permalinks leave the REST API only at ?rest_route=
  try {
    const plain = await json(`${base}/?rest_route=/`);
    if (plain.body && Array.isArray(plain.body.namespaces))
      return (plain.body.namespaces as unknown[]).includes('wc/v3') ? 'permalinks_off' : 'no_woocommerce';
  } catch {
    // fall through: whatever answers is not WordPress
  }
  return 'not_wordpress';
}

type WooAuth = 'basic' | 'query' | 'oauth1';

async function checkWooCommerce(context: CheckContext): Promise<CheckOutcome> {
  const { settings } = context;
  const url = typeof settings.url === 'string' ? settings.url.trim() : '';
  const problems: Notice[] = [];
  if (!/^https?:\/\/[^/]+/i.test(url))
    problems.push(notice('missing_url', "give the store's address, e.g. https://shop.example.se"));
  if (typeof settings.consumerKey !== 'string' || settings.consumerKey === '')
    problems.push(notice('missing_key', 'give the consumer key (ck_…)'));
  else if (!settings.consumerKey.startsWith('ck_'))
    problems.push(notice('key_format', 'a consumer key starts with ck_'));
  if (typeof settings.consumerSecret !== 'string' || settings.consumerSecret === '')
    problems.push(notice('missing_secret', 'give the consumer secret (cs_…)'));
  if (problems.length > 0) return { ok: false, account: url || null, problems, warnings: [] };

  const probe = await probeRestApi(url, context.fetch ?? fetch);
  const probeNotices: Record<Exclude<typeof probe, 'ok'>, Notice> = {
    unreachable: notice('unreachable', `nothing answers at ${url}`, { url }),
    permalinks_off: notice(
      'permalinks_off',
      'the store answers only at ?rest_route=: WordPress permalinks are "Plain". Choose any other setting under Settings → Permalinks',
    ),
    not_wordpress: notice('not_wordpress', `${url} does not answer like a WordPress site`, { url }),
    no_woocommerce: notice(
      'no_woocommerce',
      "WordPress answers, but WooCommerce's REST API (wc/v3) is not there",
    ),
  };
  if (probe !== 'ok') return { ok: false, account: url, problems: [probeNotices[probe]], warnings: [] };

  const http = url.toLowerCase().startsWith('http:');
  const explicit = settings.auth as WooAuth | undefined;
  // WooCommerce accepts Basic and query keys only over HTTPS, OAuth 1.0a only over plain HTTP
  const modes: WooAuth[] = explicit ? [explicit] : http ? ['oauth1', 'basic'] : ['basic'];
  if (explicit && http && explicit !== 'oauth1') modes.push('oauth1');
  const errors: { mode: WooAuth; error: unknown }[] = [];
  for (const mode of modes) {
    try {
      await context.connector.checkConnection?.({
        tenantId: context.tenantId,
        settings: { ...settings, auth: mode, retries: 0, timeoutMs: CHECK_TIMEOUT_MS },
        signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        logger: context.logger,
      });
      const warnings: Notice[] = [];
      if (http && mode === 'oauth1')
        warnings.push(
          notice(
            'http_oauth1',
            'the store is on plain HTTP, where WooCommerce accepts keys only as OAuth 1.0a signatures: Koppla signs its requests that way. Use HTTPS if you can',
          ),
        );
      if (http && mode !== 'oauth1')
        warnings.push(notice('http_plain', 'the keys travel unencrypted over plain HTTP: use HTTPS'));
      return { ok: true, account: url, problems: [], warnings, settings: { auth: mode } };
    } catch (error) {
      errors.push({ mode, error });
    }
  }
  return { ok: false, account: url, problems: [wooProblem(errors, http)], warnings: [] };
}

/** The most telling of the failures, in plain words. */
function wooProblem(errors: readonly { mode: WooAuth; error: unknown }[], http: boolean): Notice {
  const codes = errors.map(({ error }) => (isConnectorError(error) ? (error.code ?? error.kind) : 'failed'));
  const messages = errors.map(({ error }) => (error instanceof Error ? error.message : String(error)));
  if (messages.some((m) => /Consumer secret is invalid|signature does not match/i.test(m)))
    return notice('wrong_secret', 'WooCommerce knows the consumer key, but the secret does not belong to it');
  if (
    messages.some((m) => /Consumer key is invalid/i.test(m)) ||
    codes.some((c) => c === 'woocommerce_rest_cannot_view')
  )
    return http
      ? notice(
          'wrong_key_http',
          'WooCommerce did not accept the key. The store is on plain HTTP, where only OAuth 1.0a signatures work: check the key, or put the store on HTTPS',
        )
      : notice(
          'wrong_key',
          'WooCommerce does not know this consumer key: copy it again from WooCommerce → Settings → Advanced → REST API',
        );
  if (messages.some((m) => /does not have read permissions/i.test(m)))
    return notice('no_read', 'the key may not read: give it Read/Write permissions in WooCommerce');
  return failure(errors.at(-1)?.error);
}

interface FortnoxOperationOutput {
  readonly [key: string]: unknown;
}

async function checkFortnox(context: CheckContext): Promise<CheckOutcome> {
  const { connector, settings } = context;
  const problems: Notice[] = [];
  if (typeof settings.clientId !== 'string' || settings.clientId === '')
    problems.push(notice('missing_client', "set the Fortnox app's client id"));
  if (typeof settings.clientSecret !== 'string' || settings.clientSecret === '')
    problems.push(notice('missing_client_secret', "set the Fortnox app's client secret"));
  if (problems.length > 0) return { ok: false, account: null, problems, warnings: [] };
  const run = async (operation: string): Promise<FortnoxOperationOutput> => {
    const found = connector.operations[operation];
    if (!found) throw new Error(`the Fortnox connector has no ${operation}`);
    return (await found.run(
      {
        tenantId: context.tenantId,
        settings,
        signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        logger: context.logger,
        idempotencyKey: `check:${operation}`,
      },
      {},
    )) as FortnoxOperationOutput;
  };
  let company: FortnoxOperationOutput;
  try {
    company = await run('companySettings.get');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/refresh token|authorization code|no tokens|not connected|invalid_grant|consent/i.test(message))
      return {
        ok: false,
        account: null,
        problems: [notice('not_connected', 'Koppla is not connected to a Fortnox company yet: connect it')],
        warnings: [],
      };
    return { ok: false, account: null, problems: [failure(error)], warnings: [] };
  }
  const name = typeof company.Name === 'string' ? company.Name : null;
  const warnings: Notice[] = [];
  const needs = context.needs;
  // each look-up is worth a warning of its own; one that fails does not stop the others
  const [warehouse, accounts, currencies, vatCodes] = await Promise.allSettled([
    run('warehouse.status'),
    run('accounts.list'),
    run('currencies.list'),
    run('vatCodes.list'),
  ]);
  if (warehouse.status === 'fulfilled') {
    const on = lagerOn(warehouse.value);
    if (on === true)
      warnings.push(
        needs?.stockFlow
          ? notice(
              'lager_on',
              'Fortnox Lager is on: stock comes from Fortnox, and orders reserve and deliver stock there',
            )
          : notice(
              'lager_on_no_stock_flow',
              'Fortnox Lager is on, but the stock flow is off: stock in the shop is not kept in step',
            ),
      );
    if (on === false)
      warnings.push(
        needs?.stockFlow
          ? notice(
              'lager_off_stock_flow',
              'Fortnox Lager is off: the stock flow cannot read stock; turn Lager on in Fortnox or the flow off',
            )
          : notice('lager_off', 'Fortnox Lager is off: orders do not reserve stock in Fortnox'),
      );
  }
  if (accounts.status === 'fulfilled' && needs && needs.accounts.length > 0) {
    const have = new Set(numbersOf(accounts.value, 'Accounts', 'Number'));
    const missing = needs.accounts.filter((a) => !have.has(a));
    if (missing.length > 0)
      warnings.push(
        notice('missing_accounts', `the rules book on accounts Fortnox lacks: ${missing.join(', ')}`, {
          list: missing.join(', '),
        }),
      );
  }
  if (currencies.status === 'fulfilled' && needs && needs.currencies.length > 0) {
    const have = new Set(numbersOf(currencies.value, 'Currencies', 'Code').map((c) => c.toUpperCase()));
    have.add('SEK');
    const missing = needs.currencies.filter((c) => !have.has(c));
    if (missing.length > 0)
      warnings.push(
        notice(
          'missing_currencies',
          `currencies the shop sells in that Fortnox lacks: ${missing.join(', ')}`,
          {
            list: missing.join(', '),
          },
        ),
      );
  }
  if (vatCodes.status === 'fulfilled' && needs && needs.vatAccounts.length > 0) {
    const linked = new Set(
      ((vatCodes.value.VATCodes as { Accounts?: number[] }[] | undefined) ?? []).flatMap((v) =>
        (v.Accounts ?? []).map(String),
      ),
    );
    const missing = needs.vatAccounts.filter((a) => !linked.has(a));
    if (missing.length > 0)
      warnings.push(
        notice(
          'missing_vat_codes',
          `VAT accounts the rules use that have no VAT code in Fortnox: ${missing.join(', ')}`,
          { list: missing.join(', ') },
        ),
      );
  }
  return { ok: true, account: name, problems: [], warnings };
}

function lagerOn(status: FortnoxOperationOutput): boolean | undefined {
  for (const key of ['activated', 'Activated', 'active', 'enabled', 'on']) {
    const value = status[key];
    if (typeof value === 'boolean') return value;
  }
  return undefined;
}

function numbersOf(output: FortnoxOperationOutput, listKey: string, field: string): string[] {
  const list = (Array.isArray(output) ? output : (output[listKey] ?? output.items ?? [])) as unknown[];
  return list
    .map((item) =>
      typeof item === 'object' && item !== null ? (item as Record<string, unknown>)[field] : item,
    )
    .filter((v) => v !== undefined && v !== null)
    .map(String);
}
