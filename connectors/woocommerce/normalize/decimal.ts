import { Decimal } from 'decimal.js';
import { ValidationError } from '../../../core/plugin-api/index.ts';

// A private constructor so nobody else's decimal.js configuration changes how we round money.
export const Money = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Money = InstanceType<typeof Money>;

const PLAIN_NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)\s*$/;

/**
 * A WooCommerce amount (`"286.56"`, `"-35.82"`, `""`, `"0.9"`) as a decimal. Empty means zero:
 * WooCommerce sends `""` for unset amounts (a shipping tax subtotal). Anything else that is not a
 * plain number is a broken record, so it fails loudly with the field's path.
 */
export function money(value: string | number | null | undefined, field: string): Money {
  if (value === null || value === undefined || value === '') return new Money(0);
  const text = String(value);
  if (!PLAIN_NUMBER.test(text)) {
    throw new ValidationError(`WooCommerce sent ${JSON.stringify(text)} as an amount`, {
      field,
      code: 'koppla_invalid_amount',
    });
  }
  return new Money(text.trim());
}

/** Decimals written in a WooCommerce amount string (`"39.20"` → 2), so formatting keeps them. */
export function decimalsOf(value: string | number | null | undefined): number {
  const text = value === null || value === undefined ? '' : String(value).trim();
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** A decimal as the model's decimal string: no exponent, no `-0`, `decimals` places. */
export function format(value: Money, decimals: number): string {
  const rounded = value.toDecimalPlaces(decimals);
  return (rounded.isZero() ? rounded.abs() : rounded).toFixed(decimals);
}

/** A WooCommerce amount string re-written canonically, keeping its own number of decimals (at least `min`). */
export function amount(value: string | null | undefined, field: string, min = 0): string {
  return format(money(value, field), Math.max(decimalsOf(value), min));
}

/** A price per unit: exact when it fits the currency's decimals, else up to 6 places, never a repeating tail. */
export function perUnit(total: Money, quantity: Money, decimals: number): string {
  if (quantity.isZero()) return format(total, decimals);
  const unit = total.dividedBy(quantity);
  if (unit.decimalPlaces() <= decimals) return format(unit, decimals);
  const six = unit.toDecimalPlaces(6);
  return (six.isZero() ? six.abs() : six).toFixed();
}

/** A rate such as `25`, `25.5`, `"12.0000"` as the model's rate string: `"25"`, `"25.5"`, `"12"`. */
export function ratePercent(value: Money): string {
  const rate = value.toDecimalPlaces(4);
  return (rate.isZero() ? rate.abs() : rate).toFixed();
}
