/**
 * `koppla doctor` against the sandboxes: the demo company (with its webhooks registered) passes; a
 * tenant whose every prerequisite is broken on purpose gets one finding per broken thing.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { SlidingWindowRateLimiter } from '../../../connectors/fortnox/client/index.ts';
import { createFortnoxConnector } from '../../../connectors/fortnox/connector.ts';
import woocommerce from '../../../connectors/woocommerce/connector.ts';
import { ConnectorRegistry } from '../../../runtime/registry/connector-registry.ts';
import { Workspace } from '../../../runtime/project/workspace.ts';
import { createLogger } from '../../../runtime/logging/logger.ts';
import { formatDoctorReport, runDoctor, type DoctorReport } from '../../../runtime/doctor/index.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { demoCompany, STOCK_POINTS } from '../../../scripts/demo/demo-company.ts';

type WooSandbox = Awaited<ReturnType<typeof startWooSandbox>>;

const FLOWS = [
  'orders-to-fortnox',
  'order-status-to-woocommerce',
  'stock-to-woocommerce',
  'products-to-woocommerce',
];
const pipelineFile = (id: string) => fileURLToPath(new URL(`../../../pipelines/${id}.yaml`, import.meta.url));

// one registry per test file; a roomy Fortnox budget so the checks never wait out 25 / 5 s
const registry = new ConnectorRegistry();
registry.register(
  createFortnoxConnector({ rateLimiter: new SlidingWindowRateLimiter({ requests: 1000, windowMs: 1000 }) }),
);
registry.register(woocommerce);
const workspace = new Workspace(registry);

const ORDER_WEBHOOKS = [
  { topic: 'order.created', delivery_url: 'https://koppla.example/webhooks/t/shop', secret: 's' },
  { topic: 'order.updated', delivery_url: 'https://koppla.example/webhooks/t/shop', secret: 's' },
];

function tenantFor(
  id: string,
  shop: WooSandbox,
  fortnox: RunningFortnoxSandbox,
  overrides: {
    params?: Tenant['params'];
    shop?: Record<string, unknown>;
    ledger?: Record<string, unknown>;
    refreshToken?: string;
  } = {},
): Tenant {
  return {
    id,
    name: 'Demobutiken AB',
    enabled: true,
    pipelines: FLOWS.map((flow) => ({ file: pipelineFile(flow), enabled: true, everyMs: 300_000 })),
    toggles: { packs: {}, rules: {} },
    params: {
      'woo-tax-classes': { sixPercentClass: 'reduced-6' },
      'products-to-woocommerce': { keepTaxClasses: { '6': ['food'] } },
      ...overrides.params,
    },
    connections: {
      shop: {
        settings: {
          url: shop.url,
          auth: 'basic',
          currency: 'SEK',
          pricesIncludeTax: true,
          weightUnit: 'kg',
          ...overrides.shop,
        },
        secrets: { consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET },
      },
      ledger: {
        settings: {
          clientId: DEFAULT_CLIENT.clientId,
          apiUrl: fortnox.url,
          authUrl: fortnox.url,
          streams: {
            stock: { stockPoints: STOCK_POINTS.map((p) => p.code), quantity: 'availableStock' },
            orders: { invoices: true },
          },
          ...overrides.ledger,
        },
        secrets: {
          clientSecret: DEFAULT_CLIENT.clientSecret,
          refreshToken: overrides.refreshToken ?? DEFAULT_REFRESH_TOKEN,
        },
      },
    },
  };
}

function doctor(tenant: Tenant): Promise<DoctorReport> {
  return runDoctor({
    tenant,
    pipelines: tenant.pipelines.map((p) => {
      const loaded = workspace.pipeline(p.file);
      if (!loaded.value) throw new Error(`${p.file} does not compile`);
      return loaded.value;
    }),
    connectors: registry,
    logger: createLogger(),
  });
}

const findingOf = (report: DoctorReport, check: string) => report.findings.filter((f) => f.check === check);

describe('koppla doctor on the demo company', () => {
  let shop: WooSandbox;
  let fortnox: RunningFortnoxSandbox;
  let report: DoctorReport;

  beforeAll(async () => {
    const company = demoCompany({ orders: 30 });
    shop = await startWooSandbox({ seed: { ...company.woo, webhooks: ORDER_WEBHOOKS } });
    fortnox = await startFortnoxSandbox({ seed: company.fortnox });
    report = await doctor(tenantFor('demo-shop', shop, fortnox));
  });
  afterAll(async () => {
    await shop?.stop();
    await fortnox?.stop();
  });

  it('passes every check: exit code 0, no finding', () => {
    expect(report.findings, formatDoctorReport(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.status === 'failed')).toEqual([]);
  });

  it('checked every account the packs can emit, from their params (bas-accounts, document-kind)', () => {
    const accounts = report.checks.find((c) => c.id === 'fortnox.accounts');
    expect(accounts?.status).toBe('passed');
    for (const account of [
      '3001',
      '3002',
      '3003',
      '3004',
      '3106',
      '3108',
      '3105',
      '3520',
      '2611',
      '2421',
      '1580',
    ])
      expect(accounts?.detail).toContain(account);
  });
});

describe('koppla doctor on a tenant with every prerequisite broken', () => {
  let shop: WooSandbox;
  let fortnox: RunningFortnoxSandbox;
  let report: DoctorReport;
  let text: string;

  beforeAll(async () => {
    const company = demoCompany({ orders: 10 });
    const products = [
      ...(company.woo.products ?? []),
      // no SKU, and one SKU twice
      { id: 90001, name: 'Presentpapper', type: 'simple', status: 'publish', sku: '' },
      { id: 90002, name: 'Mugg blå', type: 'simple', status: 'publish', sku: 'MUGG-1' },
      { id: 90003, name: 'Mugg blå (kopia)', type: 'simple', status: 'publish', sku: 'MUGG-1' },
    ];
    const gbpOrder = { ...(company.woo.orders?.[0] as Record<string, unknown>), id: 99001, currency: 'GBP' };
    shop = await startWooSandbox({
      seed: {
        ...company.woo,
        products,
        orders: [...(company.woo.orders ?? []), gbpOrder],
        settingsGeneral: [
          ...((company.woo.settingsGeneral ?? []) as Record<string, unknown>[]).filter(
            (o) => o.id !== 'woocommerce_calc_taxes',
          ),
          { id: 'woocommerce_calc_taxes', value: 'no' },
        ],
        // order.created paused after failed deliveries, order.updated missing
        webhooks: [{ ...ORDER_WEBHOOKS[0], status: 'paused' }],
      },
      keys: [
        { consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, permissions: 'read' },
      ],
    });
    fortnox = await startFortnoxSandbox({
      seed: {
        ...company.fortnox,
        accounts: [
          { Number: 3106, Description: 'Försäljning varor till annat EU-land, momspliktig', Active: false },
          // MP3 no longer on an active account
          { Number: 3003, Description: 'Försäljning inom Sverige, 6 % moms', Active: true, VATCode: null },
          { Number: 3107, Description: 'Försäljning OSS DE 19 %', Active: true, VATCode: null },
        ],
        companySettings: { VATNumber: '' },
        // Lager off while the tenant names stock points
        warehouse: { ...company.fortnox.warehouse, activated: false },
      },
      // the app was approved without the payment scope
      config: {
        grantedScopes: [
          'article',
          'bookkeeping',
          'currency',
          'customer',
          'invoice',
          'order',
          'price',
          'settings',
          'warehouse',
        ],
      },
    });
    report = await doctor(
      tenantFor('broken-shop', shop, fortnox, {
        params: {
          'se-vat': { oss: 'registered' },
          'bas-accounts': {
            freightAccounts: { domestic: '3525', eu: '3521', export: '3522' },
            ossAccounts: { DE: '3107' },
          },
          'document-kind': {
            paymentModes: { stripe: { modeOfPayment: 'STRIPE', account: '1580' } },
          },
          'orders-to-fortnox': { waysOfDelivery: { flat_rate: 'ZEPPELIN' } },
        },
        shop: { pricesIncludeTax: false, weightUnit: 'g' },
      }),
    );
    text = formatDoctorReport(report);
  });
  afterAll(async () => {
    await shop?.stop();
    await fortnox?.stop();
  });

  it('fails (exit code 1) and says what, why and how to fix for every finding', () => {
    expect(report.ok).toBe(false);
    for (const finding of report.findings) {
      expect(finding.what.length, text).toBeGreaterThan(10);
      expect(finding.why.length).toBeGreaterThan(10);
      expect(finding.fix.length).toBeGreaterThan(10);
    }
  });

  it('finds every broken Fortnox prerequisite', () => {
    expect(findingOf(report, 'fortnox.scopes')[0]?.items, text).toEqual(['payment']);
    expect(
      findingOf(report, 'fortnox.company')
        .map((f) => f.what)
        .join(),
    ).toMatch(/no VAT number/);
    const accounts = findingOf(report, 'fortnox.accounts');
    expect(accounts.find((f) => /missing/.test(f.what))?.items?.join()).toMatch(
      /^3525 \(bas-accounts\/freight/,
    );
    expect(accounts.find((f) => /inactive/.test(f.what))?.what).toMatch(/3106/);
    expect(findingOf(report, 'fortnox.vatCodes')[0]?.items).toEqual(['6 % → MP3']);
    const oss = findingOf(report, 'fortnox.oss')[0]?.items ?? [];
    expect(oss).toContain('DE 19 %: account 3107 has no VAT code');
    expect(oss).toContain('FI 25.5 %: no account in bas-accounts.ossAccounts');
    expect(findingOf(report, 'fortnox.currencies')[0]?.items).toEqual(['GBP']);
    expect(findingOf(report, 'fortnox.modesOfPayment')[0]?.items?.join()).toMatch(/^STRIPE/);
    expect(findingOf(report, 'fortnox.waysOfDelivery')[0]?.items).toEqual(['ZEPPELIN']);
    expect(findingOf(report, 'fortnox.lager')[0]?.what).toMatch(/not activated/);
  });

  it('finds every broken WooCommerce prerequisite', () => {
    expect(findingOf(report, 'woocommerce.keys')[0]?.what, text).toMatch(/read-only/);
    expect(findingOf(report, 'woocommerce.taxes')).toHaveLength(1);
    const prices = findingOf(report, 'woocommerce.prices').map((f) => f.what);
    expect(prices.join('\n')).toMatch(/pricesIncludeTax: false/);
    expect(prices.join('\n')).toMatch(/weightUnit: g/);
    const webhooks = findingOf(report, 'woocommerce.webhooks');
    expect(webhooks.find((f) => /no webhook/.test(f.what))?.items).toEqual(['order.updated']);
    expect(webhooks.find((f) => /not active/.test(f.what))?.items).toEqual(['order.created']);
    const skus = findingOf(report, 'woocommerce.skus');
    expect(skus.find((f) => /no SKU/.test(f.what))?.items).toContain('#90001 Presentpapper (simple)');
    expect(skus.find((f) => /more than one/.test(f.what))?.items).toContain('MUGG-1: products 90002, 90003');
  });

  it('counts the findings (the figure the report quotes)', () => {
    // scopes, VAT number, accounts ×2, VAT codes, OSS, currencies, modes, ways of delivery, Lager,
    // keys, taxes, prices ×2, webhooks ×2, SKUs ×2
    expect(
      report.findings.filter((f) => f.severity === 'error'),
      text,
    ).toHaveLength(18);
  });
});

describe('koppla doctor when the basics are missing', () => {
  it('reports a revoked Fortnox consent and plain permalinks, and skips what depends on them', async () => {
    const company = demoCompany({ orders: 5 });
    const shop = await startWooSandbox({ seed: company.woo, permalinks: 'plain' });
    const fortnox = await startFortnoxSandbox({ seed: company.fortnox });
    try {
      const report = await doctor(
        tenantFor('revoked-shop', shop, fortnox, { refreshToken: 'revoked-token' }),
      );
      const text = formatDoctorReport(report);
      expect(report.ok).toBe(false);
      expect(findingOf(report, 'fortnox.token')[0]?.what, text).toMatch(/refuses the stored token/);
      expect(findingOf(report, 'fortnox.token')[0]?.fix).toMatch(
        /koppla connect fortnox --tenant revoked-shop/,
      );
      expect(findingOf(report, 'woocommerce.permalinks')[0]?.what).toMatch(/plain permalinks/);
      expect(report.checks.find((c) => c.id === 'fortnox.accounts')?.status).toBe('skipped');
      expect(report.checks.find((c) => c.id === 'woocommerce.skus')?.status).toBe('skipped');
      expect(text).not.toContain(DEFAULT_CLIENT.clientSecret);
      expect(text).not.toContain(SANDBOX_CONSUMER_SECRET);
    } finally {
      await shop.stop();
      await fortnox.stop();
    }
  });
});
