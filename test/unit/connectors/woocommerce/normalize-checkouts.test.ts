/**
 * Checkouts the recordings do not cover, written out as WooCommerce 10 stores them (line totals
 * rounded to the öre, `taxes[]` unrounded): a coupon over two VAT rates, a store with prices
 * excluding VAT with shipping and a taxed fee, and refunds of item, shipping and fee rows. The
 * canonical totals must equal WooCommerce's to the öre.
 */
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { MODEL_SCHEMA_IDS, checkOrderTotals, type SalesOrder } from '../../../../core/model/index.ts';
import {
  normalizeCheckedOrder,
  normalizeRefund,
} from '../../../../connectors/woocommerce/normalize/index.ts';
import type { WcOrder, WcRefund } from '../../../../connectors/woocommerce/wc-types.ts';
import { referenceJson } from '../../../fixtures/woocommerce/reference.ts';
import { modelAjv } from '../../model/support.ts';

const source = { connector: 'woocommerce', storeId: 'shop.example.se' };
const ajv = modelAjv();
const validateOrder = ajv.getSchema(MODEL_SCHEMA_IDS.salesOrder)!;
const validateRefund = ajv.getSchema(MODEL_SCHEMA_IDS.refund)!;
const base = referenceJson<WcOrder>('orders', 'b-se-mixed-25-12-shipping.json');

const taxLine = (id: number, rateId: number, percent: number, tax: string, shippingTax: string) => ({
  id,
  rate_code: `SE-MOMS ${percent}%-1`,
  rate_id: rateId,
  label: `Moms ${percent}%`,
  compound: false,
  tax_total: tax,
  shipping_tax_total: shippingTax,
  rate_percent: percent,
});

function expectAddsUp(order: WcOrder): SalesOrder {
  const normalized = normalizeCheckedOrder(order, { source });
  expect(validateOrder(normalized), JSON.stringify(validateOrder.errors)).toBe(true);
  expect(checkOrderTotals(normalized)).toMatchObject({ ok: true, actual: order.total });
  const t = normalized.totals;
  const equation = new Decimal(t.subtotal).minus(t.discount).plus(t.shipping).plus(t.fees).plus(t.tax);
  expect(equation.toFixed(2)).toBe(order.total);
  return normalized;
}

/** 500 @ 25 % and 2 × 112 @ 12 % (prices incl. VAT), coupon `tio` 10 %, shipping 59 incl. VAT. */
const couponOverMixedRates: WcOrder = {
  ...base,
  id: 8001,
  number: '8001',
  discount_total: '60.00',
  discount_tax: '12.40',
  shipping_total: '47.20',
  shipping_tax: '11.80',
  cart_tax: '111.60',
  total: '710.60',
  total_tax: '123.40',
  line_items: [
    {
      ...base.line_items[0]!,
      total: '360.00',
      total_tax: '90.00',
      taxes: [{ id: 1, total: '90', subtotal: '100' }],
    },
    {
      ...base.line_items[1]!,
      total: '180.00',
      total_tax: '21.60',
      taxes: [{ id: 2, total: '21.6', subtotal: '24' }],
    },
  ],
  tax_lines: [taxLine(62, 1, 25, '90.00', '11.80'), taxLine(63, 2, 12, '21.60', '0.00')],
  coupon_lines: [{ id: 8002, code: 'tio', discount: '60.00', discount_tax: '12.40' }],
};

/** A store with prices excl. VAT: 3 × 79.90, shipping 49, an invoice fee of 29, all at 25 %. */
const exclTaxWithFee: WcOrder = {
  ...base,
  id: 8101,
  number: '8101',
  prices_include_tax: false,
  discount_total: '0.00',
  discount_tax: '0.00',
  shipping_total: '49.00',
  shipping_tax: '12.25',
  cart_tax: '59.93',
  total: '397.13',
  total_tax: '79.43',
  line_items: [
    {
      ...base.line_items[0]!,
      id: 8102,
      sku: 'PUB-MUG',
      name: 'Mugg',
      product_id: 70,
      quantity: 3,
      subtotal: '239.70',
      subtotal_tax: '59.93',
      total: '239.70',
      total_tax: '59.93',
      taxes: [{ id: 1, total: '59.925', subtotal: '59.925' }],
    },
  ],
  shipping_lines: [
    {
      ...base.shipping_lines[0]!,
      id: 8103,
      total: '49.00',
      total_tax: '12.25',
      taxes: [{ id: 1, total: '12.25', subtotal: '' }],
    },
  ],
  fee_lines: [
    {
      id: 8104,
      name: 'Fakturaavgift',
      tax_class: '',
      tax_status: 'taxable',
      total: '29.00',
      total_tax: '7.25',
      taxes: [{ id: 1, total: '7.25', subtotal: '' }],
    },
  ],
  tax_lines: [taxLine(8105, 1, 25, '67.18', '12.25')],
  coupon_lines: [],
};

describe('checkouts normalize to totals equal to WooCommerce’s', () => {
  it('a coupon over 25 % and 12 % rows: each row keeps its rate, the discount is split by rate', () => {
    const o = expectAddsUp(couponOverMixedRates);
    expect(
      o.lines.map((l) => [
        l.kind,
        l.taxRate,
        l.unitPrice,
        l.unitPriceInclTax,
        l.discount,
        l.discountTax,
        l.total,
        l.totalTax,
      ]),
    ).toEqual([
      ['item', '25', '400.00', '500.00', '40.00', '10.00', '360.00', '90.00'],
      ['item', '12', '100.00', '112.00', '20.00', '2.40', '180.00', '21.60'],
      ['shipping', '25', '47.20', undefined, undefined, undefined, '47.20', '11.80'],
    ]);
    expect(o.totals).toEqual({
      subtotal: '600.00',
      discount: '60.00',
      shipping: '47.20',
      fees: '0.00',
      tax: '123.40',
      total: '710.60',
    });
    expect(o.couponCodes).toEqual(['tio']);
    // Per rate, the VAT of the rows equals WooCommerce's tax lines (items + shipping).
    const vatAt = (rate: string) =>
      o.lines
        .filter((l) => l.taxRate === rate)
        .reduce((acc, l) => acc.plus(l.totalTax), new Decimal(0))
        .toFixed(2);
    expect([vatAt('25'), vatAt('12')]).toEqual(['101.80', '21.60']);
  });

  it('prices excl. VAT with shipping and a taxed fee: no incl.-VAT unit price, the fee at 25 %', () => {
    const o = expectAddsUp(exclTaxWithFee);
    expect(o.pricesIncludeTax).toBe(false);
    expect(o.lines.map((l) => [l.kind, l.quantity, l.unitPrice, l.total, l.totalTax, l.taxRate])).toEqual([
      ['item', '3', '79.90', '239.70', '59.93', '25'],
      ['shipping', '1', '49.00', '49.00', '12.25', '25'],
      ['fee', '1', '29.00', '29.00', '7.25', '25'],
    ]);
    expect(o.lines[0]).not.toHaveProperty('unitPriceInclTax');
    expect(o.totals).toMatchObject({ fees: '29.00', tax: '79.43', total: '397.13' });
  });

  it('a variation line keeps product, variation and its attribute, and adds up', () => {
    const o = expectAddsUp(referenceJson<WcOrder>('orders', 'f-variable-product.json'));
    expect(o.lines[0]).toMatchObject({ kind: 'item', productId: '55', variationId: '58', sku: 'PUB-CAP-L' });
  });
});

describe('refunds normalize with the rate of the row they credit, adding up to the amount', () => {
  it('item, shipping and fee rows of the excl.-VAT order', () => {
    const order = normalizeCheckedOrder(exclTaxWithFee, { source });
    const refund: WcRefund = {
      id: 8110,
      date_created_gmt: '2026-11-28T12:00:00',
      amount: '136.13',
      reason: 'Retur av en mugg',
      refunded_payment: true,
      line_items: [
        {
          ...exclTaxWithFee.line_items[0]!,
          id: 8111,
          quantity: -1,
          subtotal: '-79.90',
          subtotal_tax: '-19.98',
          total: '-79.90',
          total_tax: '-19.98',
          taxes: [{ id: 1, total: '-19.98', subtotal: '-19.98' }],
          meta_data: [{ key: '_refunded_item_id', value: '8102' }],
        },
      ],
      fee_lines: [
        {
          ...exclTaxWithFee.fee_lines[0]!,
          id: 8112,
          total: '-29.00',
          total_tax: '-7.25',
          taxes: [{ id: 1, total: '-7.25', subtotal: '' }],
          meta_data: [{ key: '_refunded_item_id', value: '8104' }],
        },
      ],
    };
    const normalized = normalizeRefund(refund, { order, source });
    expect(validateRefund(normalized), JSON.stringify(validateRefund.errors)).toBe(true);
    expect(
      normalized.lines.map((l) => [l.kind, l.orderLineId, l.quantity, l.total, l.totalTax, l.taxRate]),
    ).toEqual([
      ['item', '8102', '1', '79.90', '19.98', '25'],
      ['fee', '8104', '0', '29.00', '7.25', '25'],
    ]);
    expect(normalized).toMatchObject({
      amount: '136.13',
      refundedPayment: true,
      shipping: { total: '0.00', tax: '0.00' },
    });
    const sum = normalized.lines.reduce((acc, l) => acc.plus(l.total).plus(l.totalTax), new Decimal(0));
    expect(sum.toFixed(2)).toBe(normalized.amount);
  });

  it('a refund row without rate information keeps the rate of its order row (12 %), not a derived one', () => {
    const order = normalizeCheckedOrder(couponOverMixedRates, { source });
    const refund: WcRefund = {
      id: 8120,
      date_created_gmt: '2026-11-28T12:00:00',
      amount: '100.80',
      line_items: [
        {
          ...couponOverMixedRates.line_items[1]!,
          id: 8121,
          quantity: -1,
          subtotal: '-90.00',
          subtotal_tax: '-10.80',
          total: '-90.00',
          total_tax: '-10.80',
          taxes: [],
          meta_data: [{ key: '_refunded_item_id', value: '60' }],
        },
      ],
    };
    expect(normalizeRefund(refund, { order, source }).lines).toEqual([
      expect.objectContaining({ orderLineId: '60', total: '90.00', totalTax: '10.80', taxRate: '12' }),
    ]);
  });
});
