/**
 * The stock flow's SKU look-ups are cached between runs (per tenant, in MongoDB) and the cache heals
 * itself: an id that no longer holds the SKU, or a product whose stock the shop stopped managing, is
 * not written and its entry is dropped. A SKU only Fortnox has is one finding per run, however many
 * batches carry it — never a failure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../../connectors/fortnox/sandbox/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { demoStore, startFlow, type FlowHarness } from './flow-harness.ts';

process.env.KOPPLA_LOG_LEVEL ??= 'error';
const mongo = useTestDatabase(import.meta.filename);

const article = (ArticleNumber: string, QuantityInStock: number) => ({
  ArticleNumber,
  Description: ArticleNumber,
  QuantityInStock,
  StockGoods: true,
});

const running: FlowHarness[] = [];
afterEach(async () => {
  for (const flow of running.splice(0)) await flow.stop();
});

async function stockFlow(articles: ReturnType<typeof article>[]): Promise<FlowHarness> {
  const flow = await startFlow({
    db: mongo.db(),
    pipeline: 'stock-to-woocommerce.yaml',
    wooSeed: { products: demoStore.products, variations: demoStore.variations },
    fortnoxSeed: { ...DEFAULT_SEED, customers: [{ CustomerNumber: '1', Name: 'Butikskund' }], articles },
  });
  running.push(flow);
  return flow;
}

/** SKU look-ups the shop answered since `from` (`GET /products?sku=…`). */
const skuLookups = (flow: FlowHarness, from = 0) =>
  flow.shop.state.calls.slice(from).filter((c) => c.method === 'GET' && /(^|&)sku=/.test(c.query ?? ''))
    .length;

const shopDoc = (flow: FlowHarness, sku: string) =>
  [...flow.shop.state.products.values(), ...flow.shop.state.variations.values()].find((d) => d.sku === sku);

const sell = (flow: FlowHarness, rows: { ArticleNumber: string; DeliveredQuantity: number }[]) =>
  flow.fortnoxApi('POST', '/3/invoices', {
    Invoice: { CustomerNumber: '1', InvoiceRows: rows.map((row) => ({ ...row, Price: 100 })) },
  });

describe('stock-to-woocommerce: SKU look-ups cached between runs', () => {
  it('a second run asks the shop for no SKU it knows, and still writes what changed', async () => {
    const f = await stockFlow([
      article('PUB-TEE', 40),
      article('PUB-CAP-S', 7),
      article('PUB-CAP-M', 3),
      article('PUB-CAP-L', 12),
    ]);
    const first = await f.run();
    expect(first).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    expect(skuLookups(f)).toBeGreaterThan(0);

    await sell(f, [{ ArticleNumber: 'PUB-TEE', DeliveredQuantity: 2 }]);
    const before = f.shop.state.calls.length;
    f.takeShopWrites();
    const second = await f.run();
    expect(second).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    // every SKU came from the cache; the write read the current quantities itself
    expect(skuLookups(f, before)).toBe(0);
    expect(shopDoc(f, 'PUB-TEE')?.stock_quantity).toBe(38);
    expect(f.takeShopWrites()).toEqual(['POST /products/batch']);
    // kept in MongoDB, one entry per SKU and tenant
    expect(
      await mongo
        .db()
        .collection('koppla_connector_values')
        .countDocuments({ _id: { $regex: `^woocommerce:sku:${f.tenant.id}:` } as never }),
    ).toBe(4);
  });

  it('an id that no longer holds the SKU is not written: the entry goes and the next attempt looks it up', async () => {
    const f = await stockFlow([article('PUB-TEE', 40), article('PUB-CAP-S', 7)]);
    await f.run();
    // the shop owner gives the T-shirt another SKU and stops managing the cap's S variation
    const tee = shopDoc(f, 'PUB-TEE')!;
    tee.sku = 'PUB-TEE-2025';
    const capS = shopDoc(f, 'PUB-CAP-S')!;
    capS.manage_stock = false;
    await sell(f, [
      { ArticleNumber: 'PUB-TEE', DeliveredQuantity: 1 },
      { ArticleNumber: 'PUB-CAP-S', DeliveredQuantity: 1 },
    ]);
    f.takeShopWrites();

    const stale = await f.run();
    // the write found the cached id holding another SKU: a retry, not a dead letter
    expect(stale).toMatchObject({ status: 'partial', summary: { retryLater: { step: 'write' } } });
    expect(f.takeShopWrites()).toEqual([]);
    expect(tee.stock_quantity).toBe(40);
    // never switched stock management on
    expect(capS.manage_stock).toBe(false);

    const before = f.shop.state.calls.length;
    const healed = await f.run();
    expect(healed, JSON.stringify(healed)).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    expect(skuLookups(f, before)).toBeGreaterThan(0);
    if (healed.status === 'skipped') throw new Error(healed.reason);
    // looked up again: the shop has no PUB-TEE now, and does not manage PUB-CAP-S's stock
    expect(healed.summary.report).toMatchObject({
      notInShop: { values: ['PUB-TEE'] },
      stockNotManaged: { values: ['PUB-CAP-S'] },
    });
    expect(capS.manage_stock).toBe(false);
    expect(await f.deadLetters()).toEqual([]);
  });
});

describe('stock-to-woocommerce: a SKU only one system has', () => {
  it('is one finding per run across batches, not a failure per batch', async () => {
    const onlyInFortnox = Array.from({ length: 250 }, (_, i) => article(`FX-${1000 + i}`, 1));
    const f = await stockFlow([article('PUB-TEE', 40), ...onlyInFortnox]);
    const outcome = await f.run();
    if (outcome.status === 'skipped') throw new Error(outcome.reason);
    expect(outcome).toMatchObject({
      status: 'succeeded',
      summary: { read: 251, failed: 0, batches: 3 },
    });
    // 250 SKUs over three batches: counted once each, the first 100 named
    expect(outcome.summary.report?.notInShop?.count).toBe(250);
    expect(outcome.summary.report?.notInShop?.values).toHaveLength(100);
    expect(new Set(outcome.summary.report?.notInShop?.values).size).toBe(100);
    expect(await f.deadLetters()).toEqual([]);
    // read again (Fortnox's overlap): still one finding each, per run
    const again = await f.run();
    if (again.status === 'skipped') throw new Error(again.reason);
    expect(again.summary.report?.notInShop?.count).toBe(250);
  });
});
