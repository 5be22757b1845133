import { describe, expect, it } from 'vitest';
import { generateShop } from '../../../scripts/demo/seed/shop-generator.ts';
import { normalizeCheckedOrder, normalizeRefund } from '../../../connectors/woocommerce/normalize/index.ts';
import type { WcOrder, WcRefund } from '../../../connectors/woocommerce/wc-types.ts';
const source = { connector: 'woocommerce', storeId: 'demo.koppla.test' } as const;

describe('the demo shop generator', () => {
  const shop = generateShop();

  it('makes a realistic catalogue: ≥ 50 products, variable ones with variations, several tax classes', () => {
    expect(shop.woo.products.length).toBeGreaterThanOrEqual(50);
    expect(shop.woo.products.filter((p) => p.type === 'variable').length).toBeGreaterThanOrEqual(5);
    expect(shop.woo.variations.length).toBeGreaterThanOrEqual(20);
    expect(new Set(shop.woo.products.map((p) => p.tax_class))).toEqual(new Set(['', 'food', 'reduced-6']));
    // one Fortnox article per SKU a shop order can contain
    expect(shop.fortnox.articles.map((a) => a.ArticleNumber).sort()).toEqual([...shop.skus].sort());
    expect(new Set(shop.skus).size).toBe(shop.skus.length);
  });

  it('makes ≥ 100 orders of every kind, with coupons and refunds, each adding up to the öre', () => {
    expect(shop.woo.orders.length).toBeGreaterThanOrEqual(100);
    const kinds = new Set(shop.orders.map((o) => o.kind));
    expect(kinds).toEqual(new Set(['se-consumer', 'se-company', 'eu-b2b', 'eu-consumer', 'export']));
    expect(shop.orders.filter((o) => o.coupon).length).toBeGreaterThan(5);
    expect(shop.woo.refunds.length).toBe(2);
    for (const order of shop.woo.orders) {
      const normalized = normalizeCheckedOrder(order as unknown as WcOrder, { source });
      expect(normalized.totals.total).toBe(order.total);
    }
    for (const { orderId, refund } of shop.woo.refunds) {
      const order = normalizeCheckedOrder(
        shop.woo.orders.find((o) => o.id === orderId) as unknown as WcOrder,
        { source },
      );
      const normalized = normalizeRefund(refund as unknown as WcRefund, { order, source });
      expect(normalized.lines.length).toBe(1);
    }
  });

  it('is deterministic: the same seed gives the same shop', () => {
    expect(generateShop({ orders: 20 }).woo.orders).toEqual(generateShop({ orders: 20 }).woo.orders);
    expect(generateShop({ orders: 20, seed: 2 }).woo.orders).not.toEqual(
      generateShop({ orders: 20 }).woo.orders,
    );
  });
});
