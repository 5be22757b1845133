/**
 * The shipped stock flow end to end: Fortnox sandbox → pipelines/stock-to-woocommerce.yaml → WooCommerce
 * sandbox, run by the real runtime (run lease, cursor, effects ledger, dead letters) on the provisioned
 * database. Without Lager the articles' stock, with Lager the chosen stock points' balances.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import {
  DEFAULT_CLIENT,
  startFortnoxSandbox,
  type SandboxSeed,
} from '../../../connectors/fortnox/sandbox/index.ts';
import type { StockStreamOptions } from '../../../connectors/fortnox/warehouse/index.ts';
import { createRuntimeContainer } from '../../../runtime/container/create-container.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import type { DeadLetterStore } from '../../../runtime/dead-letter/dead-letter-store.ts';
import { PipelineRunner, type RunOutcome } from '../../../runtime/executor/pipeline-runner.ts';
import { serviceConnectors } from '../../../runtime/registry/builtin-connectors.ts';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import type { CursorStore } from '../../../runtime/store/index.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

process.env.KOPPLA_LOG_LEVEL ??= 'error';
const mongo = useTestDatabase(import.meta.filename);
const PIPELINE = fileURLToPath(new URL('../../../pipelines/stock-to-woocommerce.yaml', import.meta.url));
const demoShop = JSON.parse(
  readFileSync(new URL('../../../scripts/demo/seed/woocommerce-store.json', import.meta.url), 'utf8'),
) as { products: Record<string, unknown>[]; variations: Record<string, unknown>[] };

// The demo shop's T-shirt (simple, 50 in stock) and cap (variable, stock per size S 5 / M 0 / L 12),
// and a poster whose stock the shop does not manage.
const tee = demoShop.products.find((p) => p.sku === 'PUB-TEE') as Record<string, unknown>;
const SHOP = {
  products: [
    ...demoShop.products,
    { ...tee, id: 52, sku: 'PUB-POSTER', name: 'Affisch', manage_stock: false, stock_quantity: null },
  ],
  variations: demoShop.variations,
};

const article = (ArticleNumber: string, QuantityInStock: number) => ({
  ArticleNumber,
  Description: ArticleNumber,
  QuantityInStock,
  StockGoods: true,
});
const ARTICLES = [
  article('PUB-TEE', 40),
  article('PUB-CAP-S', 7),
  article('PUB-CAP-M', 3),
  article('PUB-CAP-L', 12),
  article('PUB-POSTER', 9),
  article('FORTNOX-ONLY', 5),
];

interface Flow {
  run(tenant: string): Promise<RunOutcome>;
  replay(tenant: string): Promise<string[]>;
  /** Makes the shop answer the next `count` batch writes with a 500. */
  failWrites(count: number): Promise<void>;
  /** Stock quantities in the shop, by SKU. */
  shopStock(): Record<string, unknown>;
  /** `POST …/batch` calls the shop received so far. */
  shopWrites(): number;
  fortnoxUrl: string;
  resetCursor(tenant: string): Promise<void>;
  deadLetters(tenant: string): Promise<number>;
  stop(): Promise<void>;
}

const running: Flow[] = [];
afterEach(async () => {
  for (const flow of running.splice(0)) await flow.stop();
});

/** Both sandboxes and the runtime; one tenant per entry of `stock` (its Fortnox `streams.stock`). */
async function flow(fortnoxSeed: SandboxSeed, stock: Record<string, StockStreamOptions>): Promise<Flow> {
  const shop = await startWooSandbox({ seed: SHOP });
  const names = Object.keys(stock);
  const fortnox = await startFortnoxSandbox({
    seed: {
      ...fortnoxSeed,
      customers: [{ CustomerNumber: '1', Name: 'Butikskund' }],
      articles: ARTICLES,
      refreshTokens: names.map((name) => ({ token: `refresh-${name}`, clientId: DEFAULT_CLIENT.clientId })),
    },
  });
  const suffix = randomBytes(3).toString('hex');
  const tenants: Tenant[] = names.map((name) => ({
    id: `${name}-${suffix}`,
    name,
    enabled: true,
    pipelines: [{ file: PIPELINE, enabled: true, everyMs: 300_000 }],
    toggles: { packs: {}, rules: {} },
    params: {},
    connections: {
      shop: {
        settings: {
          url: shop.url,
          auth: 'basic',
          currency: 'SEK',
          pricesIncludeTax: true,
          weightUnit: 'kg',
          retries: 0,
        },
        secrets: { consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET },
      },
      ledger: {
        settings: {
          clientId: DEFAULT_CLIENT.clientId,
          apiUrl: fortnox.url,
          authUrl: fortnox.url,
          streams: { stock: stock[name] },
        },
        secrets: { clientSecret: DEFAULT_CLIENT.clientSecret, refreshToken: `refresh-${name}` },
      },
    },
  }));
  const db = mongo.db();
  const box = new SecretBox([{ id: 'test', key: randomBytes(32) }]);
  const container = await createRuntimeContainer({
    db,
    connectors: serviceConnectors(db, box, 'stock-test'),
    tenants,
    workerName: 'stock-test',
  });
  const id = (name: string) => `${name}-${suffix}`;
  const made: Flow = {
    run: (name) =>
      container.createChildContainer().resolve(PipelineRunner).run(id(name), 'stock-to-woocommerce'),
    replay: async (name) => {
      const runner = container.createChildContainer().resolve(PipelineRunner);
      const open = await container
        .resolve<DeadLetterStore>(TOKENS.DeadLetters)
        .list({ tenant: id(name), status: 'open' });
      const results = [];
      for (const dead of open) results.push((await runner.replay(dead.id)).status);
      return results;
    },
    failWrites: async (count) => {
      const response = await fetch(`${shop.url}/__admin/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kind: '500', count, path: '/products/batch' }),
      });
      expect(response.status).toBe(200);
    },
    shopStock: () =>
      Object.fromEntries(
        [...shop.state.products.values(), ...shop.state.variations.values()].map((doc) => [
          doc.sku,
          doc.manage_stock === true ? doc.stock_quantity : 'unmanaged',
        ]),
      ),
    shopWrites: () => shop.state.calls.filter((call) => call.route.endsWith('/batch')).length,
    fortnoxUrl: fortnox.url,
    resetCursor: (name) =>
      container.resolve<CursorStore>(TOKENS.Cursors).reset(id(name), 'stock-to-woocommerce', undefined),
    deadLetters: async (name) =>
      (await container.resolve<DeadLetterStore>(TOKENS.DeadLetters).list({ tenant: id(name) })).length,
    stop: async () => {
      await shop.stop();
      await fortnox.stop();
    },
  };
  running.push(made);
  return made;
}

/** Writes to Fortnox as another app would (a service account of tenant 1). */
async function fortnoxWrite(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const token = await fetch(`${url}/oauth-v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${DEFAULT_CLIENT.clientId}:${DEFAULT_CLIENT.clientSecret}`).toString('base64')}`,
      tenantid: '1',
    },
    body: 'grant_type=client_credentials',
  });
  const { access_token: accessToken } = (await token.json()) as { access_token: string };
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as Record<string, unknown>;
}

describe('stock-to-woocommerce on both sandboxes', () => {
  it('without Lager: sets products and variations that differ, reports the rest once, writes nothing when nothing changed', async () => {
    const f = await flow({}, { shop: {} });
    const first = await f.run('shop');
    expect(first).toMatchObject({
      status: 'succeeded',
      summary: { read: 6, processed: 6, failed: 0, batches: 1 },
    });
    expect(f.shopStock()).toMatchObject({
      'PUB-TEE': 40,
      'PUB-CAP': 'unmanaged', // the variable parent keeps no stock itself: its variations do
      'PUB-CAP-S': 7,
      'PUB-CAP-M': 3,
      'PUB-CAP-L': 12,
      'PUB-POSTER': 'unmanaged', // reported, not switched to managed
    });
    // one batch request for the simple product, one for the cap's variations (L was right already)
    expect(f.shopWrites()).toBe(2);
    if (first.status === 'skipped') throw new Error(first.reason);
    expect(first.summary.report).toEqual({
      notInShop: { count: 1, values: ['FORTNOX-ONLY'] },
      stockNotManaged: { count: 1, values: ['PUB-POSTER'] },
    });
    expect(await f.deadLetters('shop')).toBe(0);

    // the same articles again (Fortnox's lastmodified overlap), then all of them from the start
    const again = await f.run('shop');
    await f.resetCursor('shop');
    const full = await f.run('shop');
    for (const outcome of [again, full]) expect(outcome).toMatchObject({ status: 'succeeded' });
    expect(f.shopWrites()).toBe(2);
    expect(full).toMatchObject({ summary: { report: { notInShop: { count: 1 } } } });
  });

  it('without Lager: a Fortnox invoice takes stock, and the next run brings the shop to it', async () => {
    const f = await flow({}, { shop: {} });
    await f.run('shop');
    await fortnoxWrite(f.fortnoxUrl, '/3/invoices', {
      Invoice: {
        CustomerNumber: '1',
        InvoiceRows: [
          { ArticleNumber: 'PUB-TEE', DeliveredQuantity: 2, Price: 199 },
          { ArticleNumber: 'PUB-CAP-M', DeliveredQuantity: 3, Price: 149 },
        ],
      },
    });
    const writes = f.shopWrites();
    await f.run('shop');
    expect(f.shopStock()).toMatchObject({ 'PUB-TEE': 38, 'PUB-CAP-M': 0, 'PUB-CAP-S': 7 });
    expect(f.shopWrites()).toBe(writes + 2);
  });

  it('retries a batch the shop keeps refusing, dead-letters it after retry.maxAttempts, and replays it', async () => {
    const f = await flow({}, { shop: {} });
    await f.failWrites(6);
    const outcomes: RunOutcome[] = [];
    for (let run = 0; run < 6; run++) outcomes.push(await f.run('shop'));
    // five runs stop at the batch and leave the cursor; the sixth attempt's failure is dead-lettered
    expect(outcomes.map((o) => o.status)).toEqual([
      'partial',
      'partial',
      'partial',
      'partial',
      'partial',
      'partial',
    ]);
    expect(outcomes[4]).toMatchObject({ summary: { retryLater: { step: 'write' } } });
    expect(outcomes[5]).toMatchObject({ summary: { failed: 6 } });
    expect(await f.deadLetters('shop')).toBe(1);
    expect(f.shopStock()).toMatchObject({ 'PUB-TEE': 50, 'PUB-CAP-S': 5 });
    expect(await f.replay('shop')).toEqual(['resolved']);
    expect(f.shopStock()).toMatchObject({ 'PUB-TEE': 40, 'PUB-CAP-S': 7, 'PUB-CAP-M': 3 });
  });

  it('with Lager: the sum of the chosen stock points, or the primary one alone', async () => {
    const lager: SandboxSeed['warehouse'] = {
      activated: true,
      stockPoints: [
        { code: 'HUV', name: 'Huvudlager' },
        { code: 'BUTIK', name: 'Butiken' },
        { code: 'RETUR', name: 'Returer' },
      ],
      balances: [
        { itemId: 'PUB-TEE', stockPointCode: 'HUV', inStock: 30 },
        { itemId: 'PUB-TEE', stockPointCode: 'BUTIK', inStock: 8, reserved: 2 },
        { itemId: 'PUB-TEE', stockPointCode: 'RETUR', inStock: 4 },
        { itemId: 'PUB-CAP-S', stockPointCode: 'HUV', inStock: 1 },
        { itemId: 'PUB-CAP-S', stockPointCode: 'BUTIK', inStock: 2 },
      ],
    };
    const f = await flow(
      { warehouse: lager },
      { summed: { stockPoints: ['HUV', 'BUTIK'] }, primary: { stockPoints: ['HUV'], quantity: 'inStock' } },
    );
    await f.run('summed');
    // available: 30 + (8 − 2); the returns stock point is not sold from
    expect(f.shopStock()).toMatchObject({ 'PUB-TEE': 36, 'PUB-CAP-S': 3 });
    await f.run('primary');
    expect(f.shopStock()).toMatchObject({ 'PUB-TEE': 30, 'PUB-CAP-S': 1 });

    // an order delivered from the main stock point leaves it at once
    await fortnoxWrite(f.fortnoxUrl, '/3/orders', {
      Order: {
        CustomerNumber: '1',
        StockPointCode: 'HUV',
        OrderRows: [{ ArticleNumber: 'PUB-TEE', OrderedQuantity: 5, DeliveredQuantity: 5, Price: 199 }],
      },
    });
    await f.run('primary');
    expect(f.shopStock()).toMatchObject({ 'PUB-TEE': 25 });
    expect(await f.deadLetters('primary')).toBe(0);
  });
});
