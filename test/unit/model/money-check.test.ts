import { readFileSync } from 'node:fs';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { checkOrderTotals, type OrderAmounts, type OrderLineKind } from '../../../core/model/index.ts';
import { salesOrderExample } from '../../fixtures/model/examples.ts';
import { sharedPath } from '../../helpers/shared.ts';

type Row = readonly [kind: OrderLineKind, total: string, totalTax: string];

/** Just the numbers of a canonical order: its lines (excl. VAT, VAT) and the total the shop charged. */
function amounts(total: string, rows: readonly Row[]): OrderAmounts {
  return {
    lines: rows.map(([, lineTotal, totalTax], index) => ({
      id: String(index + 1),
      total: lineTotal,
      totalTax,
    })),
    totals: { total },
  };
}

// The five worked examples of /work/shared/docs/bookkeeping.md §3, as canonical lines.
const workedExamples: [string, OrderAmounts][] = [
  [
    '(a) SE B2C, 2 × 199 incl. 25 %, 10 % coupon netted into the item, shipping 49',
    amounts('407.20', [
      ['item', '286.56', '71.64'],
      ['shipping', '39.20', '9.80'],
    ]),
  ],
  [
    '(b) mixed 25 % / 12 % cart, shipping split in proportion',
    amounts('783.00', [
      ['item', '400.00', '100.00'],
      ['item', '200.00', '24.00'],
      ['shipping', '32.60', '8.15'],
      ['shipping', '16.29', '1.96'],
    ]),
  ],
  [
    '(b) as WooCommerce charges it: all shipping at 25 %',
    amounts('783.00', [
      ['item', '400.00', '100.00'],
      ['item', '200.00', '24.00'],
      ['shipping', '47.20', '11.80'],
    ]),
  ],
  [
    '(c) German B2C under OSS at 19 %, in EUR',
    amounts('128.90', [
      ['item', '100.00', '19.00'],
      ['shipping', '8.32', '1.58'],
    ]),
  ],
  [
    '(d) Finnish B2B reverse charge, 4 × 1 250 + 120 shipping',
    amounts('5120.00', [
      ['item', '5000.00', '0.00'],
      ['shipping', '120.00', '0.00'],
    ]),
  ],
  [
    '(e) Norwegian consumer, export',
    amounts('718.40', [
      ['item', '639.20', '0.00'],
      ['shipping', '79.20', '0.00'],
    ]),
  ],
];

describe('checkOrderTotals', () => {
  it.each(workedExamples)('%s adds up to the öre', (_name, order) => {
    const result = checkOrderTotals(order);
    expect(result).toEqual({
      ok: true,
      expected: order.totals.total,
      actual: order.totals.total,
      difference: '0.00',
    });
  });

  const recordedOrder = sharedPath('woocommerce-reference', 'orders', 'a-se-b2c-coupon-shipping.json');
  it('the complete example matches the WooCommerce order it was built from', () => {
    const woo = JSON.parse(readFileSync(recordedOrder, 'utf8')) as Record<string, string>;
    const { totals } = salesOrderExample;
    expect([totals.total, totals.tax, totals.discount, totals.shipping]).toEqual([
      woo.total,
      woo.total_tax,
      woo.discount_total,
      woo.shipping_total,
    ]);
    expect(checkOrderTotals(salesOrderExample).ok).toBe(true);
  });

  it('the complete example obeys total = subtotal - discount + shipping + fees + tax - giftCards', () => {
    const t = salesOrderExample.totals;
    const total = new Decimal(t.subtotal)
      .minus(t.discount)
      .plus(t.shipping)
      .plus(t.fees)
      .plus(t.tax)
      .minus(t.giftCards ?? '0');
    expect(total.toFixed(2)).toBe(t.total);
  });

  it('a lost öre is reported with its sign', () => {
    const result = checkOrderTotals(
      amounts('407.20', [
        ['item', '286.56', '71.63'],
        ['shipping', '39.20', '9.80'],
      ]),
    );
    expect(result).toEqual({ ok: false, expected: '407.20', actual: '407.19', difference: '-0.01' });
  });

  it('a coupon emitted as a discount line on top of the already discounted item is caught', () => {
    const result = checkOrderTotals(
      amounts('407.20', [
        ['item', '286.56', '71.64'],
        ['discount', '-31.84', '-7.96'],
        ['shipping', '39.20', '9.80'],
      ]),
    );
    expect(result).toMatchObject({ ok: false, actual: '367.40', difference: '-39.80' });
  });

  it('counts fees, discount lines and gift cards (a payment, no VAT)', () => {
    const result = checkOrderTotals(
      amounts('361.20', [
        ['item', '318.40', '79.60'],
        ['discount', '-31.84', '-7.96'],
        ['fee', '23.20', '5.80'],
        ['shipping', '39.20', '9.80'],
        ['giftcard', '-75.00', '0.00'],
      ]),
    );
    expect(result).toEqual({ ok: true, expected: '361.20', actual: '361.20', difference: '0.00' });
  });

  it('sums unrounded line values exactly and rounds once, half up', () => {
    // 0.1 + 0.2 as floats is 0.30000000000000004; as decimals it is exact.
    expect(checkOrderTotals(amounts('0.30', [['item', '0.1', '0.2']])).ok).toBe(true);
    // WooCommerce tax parts can carry long decimals: 2.5 öre rounds up.
    expect(checkOrderTotals(amounts('10.03', [['item', '8.00', '2.025']]))).toEqual({
      ok: true,
      expected: '10.03',
      actual: '10.03',
      difference: '0.00',
    });
  });

  it('an empty order totals zero', () => {
    expect(checkOrderTotals(amounts('0', []))).toEqual({
      ok: true,
      expected: '0.00',
      actual: '0.00',
      difference: '0.00',
    });
  });

  it('uses the currency decimals it is given', () => {
    const yen = amounts('1100', [['item', '1000', '100']]);
    expect(checkOrderTotals(yen, { decimals: 0 })).toEqual({
      ok: true,
      expected: '1100',
      actual: '1100',
      difference: '0',
    });
    expect(() => checkOrderTotals(yen, { decimals: -1 })).toThrow(RangeError);
  });

  it.each(['1e3', '12,50', ' 12.50', 'NaN', ''])('refuses %j as an amount, naming the line', (bad) => {
    expect(() =>
      checkOrderTotals(
        amounts('10.00', [
          ['item', '10.00', '0.00'],
          ['shipping', bad, '0.00'],
        ]),
      ),
    ).toThrow(`line 1 (id 2) total is not a decimal string: ${JSON.stringify(bad)}`);
  });

  it('refuses a total that is not a decimal string', () => {
    expect(() => checkOrderTotals(amounts('407.2 SEK', []))).toThrow(/totals\.total/);
  });
});
