import { Decimal } from 'decimal.js';
import { isDecimalString, type DecimalString } from './common.ts';
import type { OrderLine, OrderTotals } from './sales-order.ts';

// A private constructor: decimal.js configuration is global per constructor, and other code must not
// be able to change how money is rounded here. Half-up is how Swedish bookkeeping rounds to the öre.
const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/** Just what the check reads, so hand-built examples and partly normalized orders can use it. */
export interface OrderAmounts {
  readonly lines: readonly Pick<OrderLine, 'id' | 'total' | 'totalTax'>[];
  readonly totals: Pick<OrderTotals, 'total'>;
}

export interface TotalsCheckOptions {
  /** Decimals of the currency (the shop's setting); 2 for SEK and EUR. */
  readonly decimals?: number;
}

export interface TotalsCheck {
  /** True when the lines add up to the order total to the last minor unit (öre). */
  readonly ok: boolean;
  /** `totals.total`, as the source reports it. */
  readonly expected: DecimalString;
  /** The sum over all lines of `total + totalTax`. */
  readonly actual: DecimalString;
  /** `actual - expected`: positive when the lines claim more than the order total. */
  readonly difference: DecimalString;
}

/**
 * Adds up an order's lines (amount plus VAT) and compares the sum with the order total, both rounded
 * to the currency's minor unit. Connectors call it on every normalized order; a mismatch means a
 * line was lost or double-counted (e.g. a coupon emitted both inside the items and as a line).
 */
export function checkOrderTotals(order: OrderAmounts, options: TotalsCheckOptions = {}): TotalsCheck {
  const decimals = options.decimals ?? 2;
  if (!Number.isInteger(decimals) || decimals < 0) {
    throw new RangeError(`decimals must be a non-negative integer, got ${decimals}`);
  }
  let sum = new Money(0);
  order.lines.forEach((line, index) => {
    sum = sum.plus(parseAmount(line.total, `line ${index} (id ${line.id}) total`));
    sum = sum.plus(parseAmount(line.totalTax, `line ${index} (id ${line.id}) totalTax`));
  });
  const actual = sum.toDecimalPlaces(decimals);
  const expected = parseAmount(order.totals.total, 'totals.total').toDecimalPlaces(decimals);
  const difference = actual.minus(expected);
  return {
    ok: difference.isZero(),
    expected: format(expected, decimals),
    actual: format(actual, decimals),
    difference: format(difference, decimals),
  };
}

function parseAmount(value: string, what: string): Decimal {
  // decimal.js would also accept "1e3" and " 12"; the model does not.
  if (!isDecimalString(value))
    throw new TypeError(`${what} is not a decimal string: ${JSON.stringify(value)}`);
  return new Money(value);
}

function format(value: Decimal, decimals: number): DecimalString {
  return (value.isZero() ? value.abs() : value).toFixed(decimals);
}
