/**
 * The `products` stream against the sandbox: products and variations changed since the cursor, as
 * canonical Products, with the requests it costs counted by the sandbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_SCHEMA_IDS, type Product } from '../../../core/model/index.ts';
import type { StreamPage } from '../../../core/plugin-api/index.ts';
import connector from '../../../connectors/woocommerce/connector.ts';
import { wooRequest } from '../../../connectors/woocommerce/client/index.ts';
import type { WooSettings } from '../../../connectors/woocommerce/settings.ts';
import { modelAjv } from '../../unit/model/support.ts';
import { referenceJson, referenceSeed } from '../../fixtures/woocommerce/reference.ts';
import { contextFor, sandboxTarget } from './support.ts';

type Target = Awaited<ReturnType<typeof sandboxTarget>>;
type Counts = { callCounts: Record<string, number> };

let target: Target;
// One settings object per store, as the runtime holds it: the store settings are read once per object.
let settings: WooSettings;

async function readAll(params: { cursor?: string; since?: string; pageSize?: number } = {}) {
  const pages: StreamPage<Product>[] = [];
  for await (const page of connector.streams.products.read(contextFor(settings), params)) pages.push(page);
  return pages;
}
const counts = async () => (await target.admin<Counts>('state')).callCounts;

/** `count` simple products like the recorded one, one modified per minute from 2026-11-28 00:00 UTC. */
function manyProducts(count: number) {
  const template = referenceJson<Record<string, unknown>>('products', 'simple.json');
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(Date.UTC(2026, 10, 28, 0, i)).toISOString().slice(0, 19);
    return { ...template, id: 7000 + i, sku: `BULK-${i}`, date_modified_gmt: at };
  });
}

beforeAll(async () => {
  target = await sandboxTarget({ seed: { ...referenceSeed(), orders: [] } });
  settings = { ...target.settings };
});
afterAll(() => target.running.stop());

describe('products stream', () => {
  it('reads products and variations as valid canonical Products, then nothing new from the cursor', async () => {
    await target.admin('reset', { callsOnly: true });
    const pages = await readAll();
    const products = pages.flatMap((p) => p.records);
    expect(products.map((p) => [p.sku, p.type, p.parentId, p.price, p.stockQuantity])).toEqual([
      ['PUB-TEE', 'simple', undefined, '199.00', '50'],
      ['PUB-CAP', 'variable', undefined, undefined, undefined],
      ['PUB-CAP-S', 'variation', '55', '149.00', '5'],
      ['PUB-CAP-M', 'variation', '55', '149.00', '0'],
      ['PUB-CAP-L', 'variation', '55', '149.00', '12'],
    ]);
    const validate = modelAjv().getSchema(MODEL_SCHEMA_IDS.product)!;
    for (const product of products) expect(validate(product), JSON.stringify(validate.errors)).toBe(true);
    expect(products[0]).toMatchObject({ currency: 'SEK', pricesIncludeTax: true, weight: '0.4' });
    // Store settings once (3), products once, the variable products once, each one's variations once.
    expect(await counts()).toEqual({
      'GET /settings/:group/:id': 3,
      'GET /products': 2,
      'GET /products/:id/variations': 1,
    });

    await target.admin('reset', { callsOnly: true });
    const again = await readAll({ cursor: pages.at(-1)!.cursor });
    expect(again.flatMap((p) => p.records)).toEqual([]);
    expect(await counts()).toEqual({ 'GET /products': 2, 'GET /products/:id/variations': 1 });
  });

  it('after a change to a variation and to a product, reads exactly those two', async () => {
    const start = (await readAll()).at(-1)!.cursor;
    await wooRequest(target.ctx, {
      method: 'PUT',
      path: '/products/55/variations/57',
      body: { stock_quantity: 8 },
    });
    await wooRequest(target.ctx, { method: 'PUT', path: '/products/50', body: { regular_price: '219' } });
    const changed = (await readAll({ cursor: start })).flatMap((p) => p.records);
    expect(changed.map((p) => [p.sku, p.stockQuantity, p.price])).toEqual([
      ['PUB-TEE', '50', '219'],
      ['PUB-CAP-M', '8', '149.00'],
    ]);
  });

  it('pages 250 changed products 100 at a time (3 requests) with a cursor after every page', async () => {
    await target.admin('reset', {});
    await target.admin('seed', { products: manyProducts(250) });
    settings = { ...target.settings };
    const pages = await readAll({ since: '2026-11-27T00:00:00Z' });
    const products = pages.flatMap((p) => p.records);
    expect(products).toHaveLength(250);
    expect(new Set(products.map((p) => p.sku)).size).toBe(250);
    expect(products.map((p) => p.modifiedAt)).toEqual([...products.map((p) => p.modifiedAt!)].sort());
    // 3 pages of products, then one (empty) list of variable products.
    expect((await counts())['GET /products']).toBe(4);
    // Resuming from the cursor of the first page reads the remaining 150.
    const rest = (await readAll({ cursor: pages[0]!.cursor })).flatMap((p) => p.records);
    expect(rest.map((p) => p.sku)).toEqual(products.slice(100).map((p) => p.sku));
  });

  it('a product whose price is not a number is rejected on its own', async () => {
    await target.admin('reset', {});
    const [good, bad] = manyProducts(2);
    await target.admin('seed', { products: [good, { ...bad, price: 'gratis', regular_price: 'gratis' }] });
    settings = { ...target.settings };
    const pages = await readAll();
    expect(pages.flatMap((p) => p.records).map((p) => p.sku)).toEqual(['BULK-0']);
    expect(pages.flatMap((p) => p.rejected ?? []).map((r) => [r.key, r.error.kind, r.error.code])).toEqual([
      ['product:7001', 'validation', 'koppla_invalid_amount'],
    ]);
  });
});
