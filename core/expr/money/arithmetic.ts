import { arrayOf, integer, oneOf } from '../args.ts';
import { ExpressionError } from '../errors.ts';
import { defineOperator, optional, required, rest } from '../operator-spec.ts';
import { Money, formatMoney, formatQuotient, money, type MoneyValue } from './value.ts';

const ROUNDING_MODES = {
  'half-up': Money.ROUND_HALF_UP,
  'half-even': Money.ROUND_HALF_EVEN,
  down: Money.ROUND_DOWN,
  up: Money.ROUND_UP,
} as const;
export type RoundingMode = keyof typeof ROUNDING_MODES;

export const roundingMode = oneOf(Object.keys(ROUNDING_MODES) as RoundingMode[]);
/** Places after the point for rounding, division and allocation; 0 rounds to whole units. */
export const decimalPlaces = integer(0, 20);

export function roundMoney(value: MoneyValue, decimals: number, mode: RoundingMode): string {
  return formatMoney(value.toDecimalPlaces(decimals, ROUNDING_MODES[mode]), decimals);
}

export const moneyAdd = defineOperator({
  name: 'money.add',
  description: 'Exact decimal sum of two or more amounts. Returns a decimal string, not rounded.',
  params: [required('a', money), required('b', money), rest('more', money)],
  run: (a, b, more) => formatMoney(more.reduce((sum, x) => sum.plus(x), a.plus(b))),
});

export const moneySub = defineOperator({
  name: 'money.sub',
  description: 'Exact decimal difference a − b. Returns a decimal string, not rounded.',
  params: [required('a', money), required('b', money)],
  run: (a, b) => formatMoney(a.minus(b)),
});

export const moneyMul = defineOperator({
  name: 'money.mul',
  description:
    'Exact decimal product a × b (e.g. quantity × unit price). Returns a decimal string, not rounded.',
  params: [required('a', money), required('b', money)],
  run: (a, b) => formatMoney(a.times(b)),
});

export const moneyDiv = defineOperator({
  name: 'money.div',
  description:
    'Decimal quotient a ÷ b. With scale: rounded half-up to exactly that many decimals ("2.50"). ' +
    'Without: rounded half-up to 10 decimals, trailing zeros dropped. Division by zero is an error.',
  params: [
    required('a', money),
    required('b', money),
    optional<number | undefined>('scale', decimalPlaces, undefined),
  ],
  run: (a, b, scale) => {
    if (b.isZero()) throw new ExpressionError('money.div: division by zero', { operator: 'money.div' });
    const quotient = a.dividedBy(b);
    return scale === undefined ? formatQuotient(quotient) : roundMoney(quotient, scale, 'half-up');
  },
});

export const moneyRound = defineOperator({
  name: 'money.round',
  description:
    "Rounds to `decimals` places (default 2) and returns exactly that many. Modes: 'half-up' (default; " +
    "half away from zero, Swedish practice), 'half-even' (banker's), 'down' (toward zero), 'up' (away from zero).",
  params: [
    required('value', money),
    optional('decimals', decimalPlaces, 2),
    optional('mode', roundingMode, 'half-up' as RoundingMode),
  ],
  run: (value, decimals, mode) => roundMoney(value, decimals, mode),
});

export const moneyNeg = defineOperator({
  name: 'money.neg',
  description: 'The amount with its sign flipped (a refund line from a sale line).',
  params: [required('value', money)],
  run: (value) => formatMoney(value.negated()),
});

export const moneyAbs = defineOperator({
  name: 'money.abs',
  description: 'The absolute value of an amount.',
  params: [required('value', money)],
  run: (value) => formatMoney(value.abs()),
});

export const moneySum = defineOperator({
  name: 'money.sum',
  description:
    'Exact sum of an array of amounts, e.g. {"money.sum": [{"map": [lines, {"var": "total"}]}]}. Empty array: "0".',
  params: [required('values', arrayOf(money, 'amounts'))],
  run: (values) => formatMoney(values.reduce((sum, x) => sum.plus(x), new Money(0))),
});

export const MONEY_ARITHMETIC_OPERATORS = [
  moneyAdd,
  moneySub,
  moneyMul,
  moneyDiv,
  moneyRound,
  moneyNeg,
  moneyAbs,
  moneySum,
] as const;
