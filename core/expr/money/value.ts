import { Decimal } from 'decimal.js';
import { argumentError } from '../args.ts';
import type { Coerce } from '../operator-spec.ts';

/**
 * A private decimal constructor: decimal.js keeps its configuration per constructor, so nobody
 * else can change how Koppla's money rounds. 40 significant digits hold any product of two
 * realistic amounts exactly; half-up (away from zero) is Swedish bookkeeping practice.
 */
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type MoneyValue = Decimal;

// decimal.js itself would also take "1e3", " 12", "0x1F" and "Infinity"; money is written out.
const DECIMAL_STRING = /^-?\d+(\.\d+)?$/;

/** True for what money operators accept: a decimal string or a safe integer, never a float. */
export function isMoneyInput(value: unknown): value is string | number {
  return typeof value === 'string' ? DECIMAL_STRING.test(value) : Number.isSafeInteger(value);
}

const MONEY_EXPECTATION = 'must be a decimal string ("123.45") or an integer';

/**
 * Decimal strings already parsed. A Decimal is immutable, so one instance can stand for every
 * occurrence of its string: rates, literal arguments and repeated amounts are parsed once.
 * Bounded, because amounts come from the data.
 */
const MAX_PARSED = 10_000;
const parsed = new Map<string, MoneyValue>();

/** Money in: a decimal string or an integer. A float is refused: it cannot hold 0.1 exactly. */
export const money: Coerce<MoneyValue> = (value, site) => {
  if (typeof value === 'string') {
    const known = parsed.get(value);
    if (known !== undefined) return known;
    if (DECIMAL_STRING.test(value)) {
      const amount = new Money(value);
      if (parsed.size >= MAX_PARSED) parsed.clear();
      parsed.set(value, amount);
      return amount;
    }
  } else if (Number.isSafeInteger(value)) return new Money(value as number);
  if (typeof value === 'number' && Number.isFinite(value) && !Number.isInteger(value)) {
    throw argumentError(
      site,
      MONEY_EXPECTATION,
      value,
      `floats are never money: write "${value}" as a string`,
    );
  }
  throw argumentError(site, MONEY_EXPECTATION, value);
};

export function nonNegativeMoney(expectation: string): Coerce<MoneyValue> {
  return (value, site) => {
    const amount = money(value, site);
    if (amount.isNegative() && !amount.isZero()) throw argumentError(site, expectation, value);
    return amount;
  };
}

/**
 * Money out: a plain decimal string, never exponent notation and never "-0". Without `decimals`
 * the value is as exact as computed ("3.3"); with it, exactly that many places ("3.30").
 */
const ZERO = new Money(0);

export function formatMoney(value: MoneyValue, decimals?: number): string {
  const normalized = value.isZero() ? ZERO : value;
  return decimals === undefined ? normalized.toFixed() : normalized.toFixed(decimals);
}

/** How many places a quotient keeps when the caller does not say: enough for any currency rate. */
export const DEFAULT_DIVISION_SCALE = 10;

/** A quotient cut to `DEFAULT_DIVISION_SCALE` places (half-up), trailing zeros dropped. */
export function formatQuotient(value: MoneyValue): string {
  return formatMoney(value.toDecimalPlaces(DEFAULT_DIVISION_SCALE, Money.ROUND_HALF_UP));
}
