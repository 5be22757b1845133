import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { MODEL_SCHEMA_IDS, checkOrderTotals, type SalesOrder } from '../../../../core/model/index.ts';
import { isConnectorError } from '../../../../core/plugin-api/index.ts';
import {
  normalizeCheckedOrder,
  normalizeOrder,
  normalizeRefund,
} from '../../../../connectors/woocommerce/normalize/index.ts';
import type { WcOrder, WcRefund } from '../../../../connectors/woocommerce/wc-types.ts';
import { referenceJson, referenceOrders } from '../../../fixtures/woocommerce/reference.ts';
import { modelAjv } from '../../model/support.ts';

const source = { connector: 'woocommerce', storeId: '127.0.0.1:8080', storeUrl: 'http://127.0.0.1:8080' };
const ajv = modelAjv();
const validateOrder = ajv.getSchema(MODEL_SCHEMA_IDS.salesOrder)!;
const validateRefund = ajv.getSchema(MODEL_SCHEMA_IDS.refund)!;

const order = (name: string): WcOrder => referenceJson<WcOrder>('orders', `${name}.json`);
const lines = (o: SalesOrder, kind: string) => o.lines.filter((l) => l.kind === kind);

describe('normalizeOrder on every recorded WooCommerce 10.0.2 order', () => {
  it.each(referenceOrders())('%s validates and adds up to the öre', (_name, recorded) => {
    const normalized = normalizeCheckedOrder(recorded, { source });
    expect(validateOrder(normalized), JSON.stringify(validateOrder.errors)).toBe(true);
    const check = checkOrderTotals(normalized);
    expect(check).toMatchObject({ ok: true, expected: recorded.total, actual: recorded.total });
    // Totals equation of the model: total = subtotal - discount + shipping + fees + tax.
    const t = normalized.totals;
    const equation = new Decimal(t.subtotal).minus(t.discount).plus(t.shipping).plus(t.fees).plus(t.tax);
    expect(equation.toFixed(2)).toBe(t.total);
  });
});

describe('normalizeOrder details', () => {
  it('(a) nets the 10 % coupon into the item, keeps the code, and does not emit a discount line', () => {
    const o = normalizeOrder(order('a-se-b2c-coupon-shipping'), { source });
    expect(lines(o, 'discount')).toEqual([]);
    expect(o.couponCodes).toEqual(['pub10']);
    expect(lines(o, 'item')).toEqual([
      expect.objectContaining({
        id: '55',
        sku: 'PUB-TEE',
        productId: '50',
        quantity: '2',
        unitPrice: '159.20',
        unitPriceInclTax: '199.00',
        discount: '31.84',
        discountTax: '7.96',
        total: '286.56',
        totalTax: '71.64',
        taxRate: '25',
        taxClass: 'standard',
      }),
    ]);
    expect(lines(o, 'item')[0]).not.toHaveProperty('meta'); // _reduced_stock is WooCommerce-internal
    expect(lines(o, 'shipping')).toEqual([
      expect.objectContaining({
        id: '56',
        name: 'PostNord',
        total: '39.20',
        totalTax: '9.80',
        taxRate: '25',
      }),
    ]);
    expect(o.totals).toEqual({
      subtotal: '318.40',
      discount: '31.84',
      shipping: '39.20',
      fees: '0.00',
      tax: '81.44',
      total: '407.20',
    });
    expect(o).toMatchObject({
      id: '60',
      number: '60',
      status: 'processing',
      sourceStatus: 'processing',
      currency: 'SEK',
      pricesIncludeTax: true,
      createdAt: '2026-11-27T04:06:17Z',
      modifiedAt: '2026-11-27T04:06:17Z',
      paidAt: '2026-11-27T04:06:17Z',
      paymentMethod: { id: 'stripe', title: 'Kort' },
      customer: { email: 'eva@example.test', name: 'Eva Ek', isBusiness: false, phone: '0709876543' },
    });
    expect(o).not.toHaveProperty('completedAt');
    expect(o.customer).not.toHaveProperty('sourceCustomerId'); // a guest checkout
  });

  it('(b) keeps 25 % and 12 % per line, and the shipping at the 25 % WooCommerce charged', () => {
    const o = normalizeOrder(order('b-se-mixed-25-12-shipping'), { source });
    expect(lines(o, 'item').map((l) => [l.sku, l.taxRate, l.taxClass, l.unitPriceInclTax])).toEqual([
      ['PUB-ITEM-A', '25', 'standard', '500.00'],
      ['PUB-LUNCH', '12', 'reduced-rate', '112.00'],
    ]);
    expect(lines(o, 'shipping')[0]).toMatchObject({ total: '47.20', totalTax: '11.80', taxRate: '25' });
  });

  it('(c) a German consumer gets the DE 19 % rate from the order tax lines', () => {
    const o = normalizeOrder(order('c-de-b2c'), { source });
    expect(o.lines.map((l) => l.taxRate)).toEqual(['19', '19']);
    expect(o.deliveryAddress).toMatchObject({ countryCode: 'DE', city: 'Hamburg' });
  });

  it('(d) a Finnish company: company and VAT number from _billing_vat_number, no VAT charged', () => {
    const o = normalizeOrder(order('d-fi-b2b-vat-number'), { source });
    expect(o.customer).toMatchObject({ company: 'Pora Oy', vatNumber: 'FI01120389', isBusiness: true });
    expect(o.customer).not.toHaveProperty('vatNumberValidated');
    expect(o.lines.map((l) => [l.kind, l.taxRate, l.totalTax])).toEqual([
      ['item', '0', '0.00'],
      ['shipping', '0', '0.00'],
    ]);
    expect(o.billingAddress).toMatchObject({ name: 'Aino Laine', company: 'Pora Oy', countryCode: 'FI' });
    expect(o.meta).toEqual({ _billing_vat_number: 'FI01120389' });
  });

  it('reads the VAT number from configured meta keys instead of the defaults', () => {
    const recorded = order('d-fi-b2b-vat-number');
    const custom: WcOrder = {
      ...recorded,
      meta_data: [
        { key: 'my_vat', value: 'fi 0112 0389' },
        { key: 'my_vat_ok', value: 'valid' },
      ],
    };
    const o = normalizeOrder(custom, {
      source,
      metaKeys: { vatNumber: ['my_vat'], vatNumberValidated: ['my_vat_ok'] },
    });
    expect(o.customer).toMatchObject({ vatNumber: 'FI01120389', vatNumberValidated: true });
    expect(normalizeOrder(custom, { source }).customer).not.toHaveProperty('vatNumber');
  });

  it('(f) a variation keeps product and variation ids and its attribute', () => {
    const [line] = lines(normalizeOrder(order('f-variable-product'), { source }), 'item');
    expect(line).toMatchObject({
      productId: '55',
      variationId: '58',
      sku: 'PUB-CAP-L',
      meta: { storlek: 'L' },
    });
    expect(normalizeOrder(order('f-variable-product'), { source }).shippingMethods).toEqual([]);
  });

  it('after complete and a partial refund: completedAt and the refund summary, amount positive', () => {
    const o = normalizeOrder(order('a-after-complete-and-refund'), { source });
    expect(o).toMatchObject({
      status: 'completed',
      completedAt: '2026-11-27T04:06:21Z',
      refunds: [{ id: '67', amount: '179.10', reason: 'Retur' }],
    });
  });

  it('fee lines (positive and negative) and an unknown status', () => {
    const recorded = order('b-se-mixed-25-12-shipping');
    const withFees: WcOrder = {
      ...recorded,
      status: 'checkout-draft',
      fee_lines: [
        {
          id: 90,
          name: 'Fakturaavgift',
          tax_class: '',
          tax_status: 'taxable',
          total: '23.20',
          total_tax: '5.80',
          taxes: [{ id: 1, total: '5.8', subtotal: '' }],
        },
        {
          id: 91,
          name: 'Rabatt',
          tax_class: '',
          tax_status: 'none',
          total: '-10.00',
          total_tax: '0.00',
          taxes: [],
        },
      ],
      total: '802.00',
      total_tax: '141.60',
    };
    const o = normalizeCheckedOrder(withFees, { source });
    expect(validateOrder(o), JSON.stringify(validateOrder.errors)).toBe(true);
    expect(o.status).toBe('other');
    expect(o.sourceStatus).toBe('checkout-draft');
    expect(lines(o, 'fee')).toEqual([
      expect.objectContaining({
        id: '90',
        total: '23.20',
        totalTax: '5.80',
        taxRate: '25',
        taxClass: 'standard',
      }),
      expect.objectContaining({ id: '91', total: '-10.00', totalTax: '0.00', taxRate: '0' }),
    ]);
    expect(o.totals.fees).toBe('13.20');
  });

  it('prices excluding tax: no unitPriceInclTax; rate from the amounts when rate_percent is missing', () => {
    const recorded = order('b-se-mixed-25-12-shipping');
    const exclTax: WcOrder = {
      ...recorded,
      prices_include_tax: false,
      tax_lines: recorded.tax_lines.map((t) => ({ ...t, rate_percent: null })),
    };
    const o = normalizeCheckedOrder(exclTax, { source });
    expect(lines(o, 'item')[0]).not.toHaveProperty('unitPriceInclTax');
    expect(o.lines.map((l) => l.taxRate)).toEqual(['25', '12', '25']);
    const known = normalizeOrder(exclTax, { source, knownRates: { '1': '25.0000', '2': '12.0000' } });
    expect(known.lines.map((l) => l.taxRate)).toEqual(['25', '12', '25']);
  });

  it('an order whose lines do not add up is refused with the difference', () => {
    const broken: WcOrder = { ...order('c-de-b2c'), total: '123.20' };
    try {
      normalizeCheckedOrder(broken, { source });
      expect.unreachable();
    } catch (error) {
      expect(isConnectorError(error) && error.code).toBe('koppla_order_totals_mismatch');
      expect(isConnectorError(error) && error.details).toMatchObject({ difference: '-0.01' });
    }
  });

  it('without a shipping address there is no delivery address (never a copy of billing)', () => {
    const recorded = order('f-variable-product');
    const noShipping: WcOrder = {
      ...recorded,
      shipping: {
        first_name: '',
        last_name: '',
        company: '',
        address_1: '',
        address_2: '',
        city: '',
        state: '',
        postcode: '',
        country: '',
      },
    };
    expect(normalizeOrder(noShipping, { source })).not.toHaveProperty('deliveryAddress');
  });
});

describe('normalizeOrder refuses input no Fortnox document can carry, naming the field', () => {
  const refused = (broken: WcOrder) => {
    try {
      normalizeOrder(broken, { source });
    } catch (error) {
      expect(isConnectorError(error), String(error)).toBe(true);
      return error as Error & { code: string; field?: string };
    }
    return expect.unreachable('accepted');
  };
  const recorded = order('a-se-b2c-coupon-shipping');
  const firstItem = recorded.line_items[0]!;

  it('a negative quantity (returns are refund objects, never negative lines)', () => {
    const error = refused({ ...recorded, line_items: [{ ...firstItem, quantity: -2 }] });
    expect(error.code).toBe('koppla_negative_quantity');
    expect(error.field).toBe(`line_items[id=${firstItem.id}].quantity`);
    expect(error.message).toContain('-2');
  });

  it('a fractional quantity is kept as it is (sold by weight)', () => {
    const o = normalizeOrder({ ...recorded, line_items: [{ ...firstItem, quantity: 1.5 }] }, { source });
    expect(lines(o, 'item')[0]!.quantity).toBe('1.5');
  });

  it.each([
    ['billing', 'XX'],
    ['shipping', 'XX'],
    ['billing', 'UK'],
    ['shipping', 'EU'],
  ] as const)('a %s country %s that ISO 3166-1 does not assign', (field, country) => {
    const error = refused({ ...recorded, [field]: { ...recorded[field], country } });
    expect(error.code).toBe('koppla_invalid_country');
    expect(error.field).toBe(`${field}.country`);
    expect(error.message).toContain(country);
  });

  it('a currency that is not ISO 4217', () => {
    const error = refused({ ...recorded, currency: 'KRONOR' });
    expect(error).toMatchObject({ code: 'koppla_invalid_currency', field: 'currency' });
    expect(error.message).toContain('KRONOR');
  });

  it('a lower-case currency and country are upper-cased, not refused', () => {
    const o = normalizeOrder(
      { ...recorded, currency: 'eur', billing: { ...recorded.billing, country: 'fi' } },
      { source },
    );
    expect(o.currency).toBe('EUR');
    expect(o.billingAddress.countryCode).toBe('FI');
  });
});

describe('normalizeRefund', () => {
  it('the partial refund of order 60: positive amounts, the original row and rate', () => {
    const refunded = normalizeOrder(order('a-after-complete-and-refund'), { source });
    const refund = normalizeRefund(referenceJson<WcRefund>('refunds', 'partial-refund.json'), {
      order: refunded,
      source,
    });
    expect(validateRefund(refund), JSON.stringify(validateRefund.errors)).toBe(true);
    expect(refund).toEqual({
      id: '67',
      orderId: '60',
      orderNumber: '60',
      source,
      currency: 'SEK',
      createdAt: '2026-11-27T04:06:22Z',
      reason: 'Retur',
      amount: '179.10',
      lines: [
        {
          kind: 'item',
          orderLineId: '55',
          sku: 'PUB-TEE',
          name: 'Tröja',
          quantity: '1',
          total: '143.28',
          totalTax: '35.82',
          taxRate: '25',
        },
      ],
      shipping: { total: '0.00', tax: '0.00' },
      refundedPayment: false,
    });
  });
});
