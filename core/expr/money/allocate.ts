import { argumentError, arrayOf } from '../args.ts';
import type { Coerce } from '../operator-spec.ts';
import { defineOperator, optional, required } from '../operator-spec.ts';
import { decimalPlaces } from './arithmetic.ts';
import { Money, formatMoney, money, nonNegativeMoney, type MoneyValue } from './value.ts';

const weights: Coerce<MoneyValue[]> = (value, site) => {
  const list = arrayOf(nonNegativeMoney('must not be negative'), 'non-negative decimal strings or integers')(
    value,
    site,
  );
  if (list.length === 0) throw argumentError(site, 'must have at least one weight', value);
  return list;
};

/**
 * Splits `amount` over `weights` in proportion, to `decimals` places, so that the parts add up to
 * exactly `amount`. Each part first gets its proportional share rounded toward zero; the minor
 * units left over go one each to the parts with the largest remainders, ties to the earliest
 * index (the largest-remainder method), so the result is deterministic. A negative amount is split
 * like its absolute value and negated; zero total weight splits equally.
 *
 * Exact integer arithmetic (BigInt over minor units) is used so no remainder is ever misjudged.
 */
export function allocate(amount: MoneyValue, weightList: readonly MoneyValue[], decimals: number): string[] {
  const units = amount.times(new Money(10).pow(decimals));
  if (!units.isInteger()) {
    throw new RangeError(`cannot allocate ${formatMoney(amount)} to ${decimals} decimals: it has more`);
  }
  const negative = units.isNegative();
  const total = BigInt(units.abs().toFixed(0));

  // Scale the weights to integers; only their ratios matter.
  const weightScale = Math.max(0, ...weightList.map((w) => w.decimalPlaces()));
  const factor = new Money(10).pow(weightScale);
  let scaled = weightList.map((w) => BigInt(w.times(factor).toFixed(0)));
  let weightSum = scaled.reduce((sum, w) => sum + w, 0n);
  if (weightSum === 0n) {
    scaled = scaled.map(() => 1n);
    weightSum = BigInt(scaled.length);
  }

  const parts = scaled.map((w) => (total * w) / weightSum);
  const remainders = scaled.map((w) => (total * w) % weightSum);
  let leftover = Number(total - parts.reduce((sum, p) => sum + p, 0n));

  const order = remainders
    .map((remainder, index) => ({ remainder, index }))
    .sort((x, y) => (x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1));
  for (const { index } of order) {
    if (leftover === 0) break;
    parts[index]! += 1n;
    leftover -= 1;
  }

  return parts.map((p) => formatUnits(negative ? -p : p, decimals));
}

/** Minor units back to a decimal string with exactly `decimals` places: 12345n, 2 → "123.45". */
function formatUnits(units: bigint, decimals: number): string {
  const sign = units < 0n ? '-' : '';
  const digits = (units < 0n ? -units : units).toString().padStart(decimals + 1, '0');
  if (decimals === 0) return sign + digits;
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

export const moneyAllocate = defineOperator({
  name: 'money.allocate',
  description:
    'Splits an amount over weights in proportion, to `decimals` places (default 2), so the parts add up to ' +
    'exactly the amount; leftover öre go to the largest remainders, ties to the earliest. Negative amounts work; ' +
    'all-zero weights split equally. Returns an array of decimal strings. E.g. freight over VAT rates by net value.',
  params: [required('amount', money), required('weights', weights), optional('decimals', decimalPlaces, 2)],
  run: (amount, weightList, decimals) => {
    if (amount.decimalPlaces() > decimals) {
      throw argumentError(
        { operator: 'money.allocate', param: 'amount', position: 1 },
        `has more than ${decimals} decimals, so no split to ${decimals} decimals can add up to it`,
        formatMoney(amount),
      );
    }
    return allocate(amount, weightList, decimals);
  },
});
