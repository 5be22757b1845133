/**
 * `orders.listRefunds` against the sandbox: a store's refunds as canonical Refunds for credit
 * invoices, read only, rows at the rate of the order row they credit.
 */
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_SCHEMA_IDS } from '../../../core/model/index.ts';
import { isConnectorError } from '../../../core/plugin-api/index.ts';
import connector from '../../../connectors/woocommerce/connector.ts';
import { referenceJson, referenceSeed } from '../../fixtures/woocommerce/reference.ts';
import { modelAjv } from '../../unit/model/support.ts';
import { sandboxTarget } from './support.ts';

type Target = Awaited<ReturnType<typeof sandboxTarget>>;
type State = {
  callCounts: Record<string, number>;
  notes: Record<string, { note: string }[]>;
  calls: { method: string }[];
};

let target: Target;
const listRefunds = connector.operations['orders.listRefunds'].run;
const validate = modelAjv().getSchema(MODEL_SCHEMA_IDS.refund)!;

/** Order 62 (500 @ 25 % + 2 × 112 @ 12 % + shipping 59): one lunch back and half the shipping. */
const lunchAndHalfShipping = {
  id: 9100,
  date_created: '2026-11-28T10:00:00',
  date_created_gmt: '2026-11-28T09:00:00',
  amount: '141.50',
  reason: 'Lunchen uteblev',
  refunded_by: 1,
  refunded_payment: false,
  meta_data: [],
  line_items: [
    {
      id: 9101,
      name: 'Lunch',
      product_id: 53,
      variation_id: 0,
      quantity: -1,
      tax_class: 'reduced-rate',
      subtotal: '-100.00',
      subtotal_tax: '-12.00',
      total: '-100.00',
      total_tax: '-12.00',
      taxes: [{ id: 2, total: '-12', subtotal: '-12' }],
      meta_data: [{ id: 9102, key: '_refunded_item_id', value: '60' }],
      sku: 'PUB-LUNCH',
      price: 100,
      parent_name: null,
    },
  ],
  shipping_lines: [
    {
      id: 9103,
      method_title: 'PostNord',
      method_id: 'flat_rate',
      instance_id: '1',
      total: '-23.60',
      total_tax: '-5.90',
      taxes: [{ id: 1, total: '-5.9', subtotal: '' }],
      meta_data: [{ id: 9104, key: '_refunded_item_id', value: '61' }],
    },
  ],
  tax_lines: [],
  fee_lines: [],
};

beforeAll(async () => {
  target = await sandboxTarget({ seed: referenceSeed() });
});
afterAll(() => target.running.stop());

describe('orders.listRefunds', () => {
  it("reads order 60's recorded partial refund exactly as the manifest example says, with GETs only", async () => {
    await target.admin('reset', { callsOnly: true });
    const { refunds } = await listRefunds(target.ctx, { orderId: '60' });
    const example = connector.operations['orders.listRefunds'].examples[0]!.output;
    const source = {
      connector: 'woocommerce',
      storeId: new URL(target.running.url).host,
      storeUrl: target.running.url,
    };
    expect(refunds).toEqual(example.refunds.map((r) => ({ ...r, source })));
    expect(refunds.every((r) => validate(r))).toBe(true);
    const state = await target.admin<State>('state');
    expect(state.callCounts).toEqual({ 'GET /orders/:id': 1, 'GET /orders/:id/refunds': 1 });
  });

  it('keeps each row at the rate of the order row it credits, and the rows add up to the amount', async () => {
    await target.admin('seed', { refunds: [{ orderId: 62, refund: lunchAndHalfShipping }] });
    const { refunds } = await listRefunds(target.ctx, { orderId: '62' });
    expect(refunds).toHaveLength(1);
    const [refund] = refunds;
    expect(validate(refund)).toBe(true);
    expect(
      refund!.lines.map((l) => [l.kind, l.orderLineId, l.quantity, l.total, l.totalTax, l.taxRate]),
    ).toEqual([
      ['item', '60', '1', '100.00', '12.00', '12'],
      ['shipping', '61', '0', '23.60', '5.90', '25'],
    ]);
    expect(refund!.shipping).toEqual({ total: '23.60', tax: '5.90' });
    const sum = refund!.lines.reduce((acc, l) => acc.plus(l.total).plus(l.totalTax), new Decimal(0));
    expect(sum.toFixed(2)).toBe(refund!.amount);
  });

  it('setting the order to refunded adds an amount-only refund of the rest, like wc_order_fully_refunded', async () => {
    await connector.operations['orders.setStatus'].run(target.ctx, { orderId: '62', status: 'refunded' });
    const { refunds } = await listRefunds(target.ctx, { orderId: '62' });
    expect(refunds.map((r) => [r.amount, r.reason, r.lines.length, r.refundedPayment])).toEqual([
      ['141.50', 'Lunchen uteblev', 2, false],
      ['641.50', 'Order fully refunded.', 0, false],
    ]);
    const total = refunds.reduce((acc, r) => acc.plus(r.amount), new Decimal(0));
    expect(total.toFixed(2)).toBe(
      referenceJson<{ total: string }>('orders', 'b-se-mixed-25-12-shipping.json').total,
    );
    const state = await target.admin<State>('state');
    expect(state.notes['62']?.at(-1)?.note).toMatch(/^Order status set to refunded/);
  });

  it('an unknown order is a NotFoundError with WooCommerce’s code', async () => {
    const error = await listRefunds(target.ctx, { orderId: '987654' }).catch((e: unknown) => e);
    expect(isConnectorError(error) && [error.kind, error.status, error.code]).toEqual([
      'not_found',
      404,
      'woocommerce_rest_shop_order_invalid_id',
    ]);
  });

  it('never writes: no refund is ever created through the API', async () => {
    const state = await target.admin<State>('state');
    const writes = state.calls.filter((c) => c.method !== 'GET');
    // The only write in this file is the status change above.
    expect(writes.map((c) => c.method)).toEqual(['PUT']);
    expect(Object.keys(state.callCounts).some((route) => route.startsWith('POST /orders/:id/refunds'))).toBe(
      false,
    );
  });
});
