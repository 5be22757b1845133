/**
 * Flow 4 end to end: Fortnox articles and price-list prices → pipelines/products-to-woocommerce.yaml
 * → WooCommerce products and variations, on both sandboxes and the real runtime (batches of 100).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { demoStore, startFlow, type FlowHarness } from './flow-harness.ts';

const mongo = useTestDatabase(import.meta.filename);

const tee = demoStore.products.find((p) => p.sku === 'PUB-TEE')!;
const simple = (id: number, sku: string, name: string, price: string, weight: string, taxClass = '') => ({
  ...tee,
  id,
  sku,
  name,
  slug: sku.toLowerCase(),
  regular_price: price,
  price,
  weight,
  tax_class: taxClass,
});
const wooSeed = {
  products: [
    tee, // PUB-TEE 199.00, 0.4 kg, standard
    demoStore.products.find((p) => p.sku === 'PUB-CAP')!, // variable: PUB-CAP-S/M/L 149.00, 0.1 kg
    simple(51, 'PUB-LUNCH', 'Lunchlåda', '224.00', '1.2', 'reduced-rate'),
    simple(52, 'PUB-ODD', 'Udda vara', '10.00', '0.1'),
  ],
  variations: demoStore.variations,
  taxClasses: demoStore.taxClasses,
  taxes: demoStore.taxes,
};
const fortnoxSeed = {
  // SalesPrice is the base price in price list A (excl. VAT)
  articles: [
    { ArticleNumber: 'PUB-TEE', Description: 'Tröja', VAT: 25, Weight: 400, SalesPrice: 159.2 },
    { ArticleNumber: 'PUB-CAP-S', Description: 'Keps S', VAT: 25, Weight: 100, SalesPrice: 119.2 },
    { ArticleNumber: 'PUB-CAP-M', Description: 'Keps M', VAT: 25, Weight: 120, SalesPrice: 127.2 },
    { ArticleNumber: 'PUB-CAP-L', Description: 'Keps L', VAT: 25, Weight: 100, SalesPrice: 119.2 },
    { ArticleNumber: 'PUB-LUNCH', Description: 'Lunchlåda', VAT: 12, Weight: 1250, SalesPrice: 200 },
    { ArticleNumber: 'PUB-ODD', Description: 'Udda vara', VAT: 7, Weight: 100, SalesPrice: 20 },
    { ArticleNumber: 'PUB-ONLY', Description: 'Bara i Fortnox', VAT: 25, Weight: 10, SalesPrice: 1 },
  ],
};

let flow: FlowHarness | undefined;
afterEach(async () => {
  await flow?.stop();
  flow = undefined;
});

const product = (f: FlowHarness, id: number) => {
  const doc = f.shop.state.products.get(id) ?? f.shop.state.variations.get(id);
  return doc && { name: doc.name, price: doc.regular_price, weight: doc.weight, taxClass: doc.tax_class };
};

describe('product data: Fortnox → WooCommerce', () => {
  it('writes what differs (a variation’s price and weight), notices a price change alone, and nothing on a re-run', async () => {
    flow = await startFlow({
      db: mongo.db(),
      pipeline: 'products-to-woocommerce.yaml',
      wooSeed,
      fortnoxSeed,
      shopSettings: { currency: 'SEK', pricesIncludeTax: true, weightUnit: 'kg' },
    });
    const first = await flow.run();
    expect(first).toMatchObject({
      status: 'succeeded',
      summary: { read: 7, processed: 7, failed: 0, batches: 1 },
    });
    // 127.20 + 25 % = 159.00; 120 g = 0.12 kg; the others already agreed
    expect(product(flow, 57)).toMatchObject({ price: '159.00', weight: '0.12' });
    expect(product(flow, 58)).toMatchObject({ price: '149.00', weight: '0.1' });
    expect(product(flow, 51)).toMatchObject({ price: '224.00', weight: '1.25', taxClass: 'reduced-rate' });
    expect(product(flow, 50)).toEqual({ name: 'Tröja', price: '199.00', weight: '0.4', taxClass: '' });
    // unknown VAT rate (7 %): nothing written for that product, and said so
    expect(product(flow, 52)).toEqual({ name: 'Udda vara', price: '10.00', weight: '0.1', taxClass: '' });
    const report = first.status === 'skipped' ? undefined : first.summary.report;
    expect(report?.unknownVatRate?.values).toEqual([
      'PUB-ODD: Fortnox VAT 7 % has no WooCommerce tax class (woo-tax-classes params); nothing written',
    ]);
    expect(report?.notInShop?.values).toEqual(['PUB-ONLY']);
    // one SKU look-up, one read of the current values per parent, one batch write per parent
    expect(flow.takeShopWrites()).toEqual(['POST /products/batch', 'POST /products/55/variations/batch']);

    // a new price in Fortnox's price list; the article itself is not touched
    await flow.fortnoxApi('PUT', '/3/prices/A/PUB-TEE/0', { Price: { Price: 175.2 } });
    const second = await flow.run();
    expect(second).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    expect(product(flow, 50)).toMatchObject({ price: '219.00' });
    expect(flow.takeShopWrites()).toEqual(['POST /products/batch']);

    // everything read again (inside the stream's overlap), nothing changed: nothing written
    const third = await flow.run();
    expect(third).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    expect(flow.takeShopWrites()).toEqual([]);
    expect(await flow.deadLetters()).toEqual([]);
  });

  it('a shop with prices excl. VAT and weights in grams', async () => {
    flow = await startFlow({
      db: mongo.db(),
      pipeline: 'products-to-woocommerce.yaml',
      wooSeed,
      fortnoxSeed,
      shopSettings: { currency: 'SEK', pricesIncludeTax: false, weightUnit: 'g' },
      params: { 'products-to-woocommerce': { weightUnit: 'g' } },
    });
    const first = await flow.run();
    expect(first).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    expect(product(flow, 50)).toMatchObject({ price: '159.20', weight: '400' });
    expect(product(flow, 57)).toMatchObject({ price: '127.20', weight: '120' });
    expect(product(flow, 51)).toMatchObject({ price: '200.00', weight: '1250' });

    await flow.fortnoxApi('PUT', '/3/prices/A/PUB-TEE/0', { Price: { Price: 175.2 } });
    await flow.run();
    expect(product(flow, 50)).toMatchObject({ price: '175.20' });
    flow.takeShopWrites();
    await flow.run();
    expect(flow.takeShopWrites()).toEqual([]);
  });
});
