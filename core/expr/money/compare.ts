import { defineOperator, required } from '../operator-spec.ts';
import { money } from './value.ts';

// JSON-Logic's own < and == compare decimal strings as text ("10.00" < "9.00") or as floats;
// these compare the numbers the strings stand for, exactly.

export const moneyCmp = defineOperator({
  name: 'money.cmp',
  description:
    'Compares two amounts exactly: −1 when a < b, 0 when equal ("1.50" equals "1.5"), 1 when a > b.',
  params: [required('a', money), required('b', money)],
  run: (a, b) => a.comparedTo(b),
});

export const moneyEq = defineOperator({
  name: 'money.eq',
  description: 'True when two amounts are numerically equal ("1.50" equals "1.5" and 1).',
  params: [required('a', money), required('b', money)],
  run: (a, b) => a.equals(b),
});

export const moneyLt = defineOperator({
  name: 'money.lt',
  description: 'True when a < b, compared exactly as decimals.',
  params: [required('a', money), required('b', money)],
  run: (a, b) => a.lessThan(b),
});

export const moneyLte = defineOperator({
  name: 'money.lte',
  description: 'True when a ≤ b, compared exactly as decimals.',
  params: [required('a', money), required('b', money)],
  run: (a, b) => a.lessThanOrEqualTo(b),
});

export const moneyGt = defineOperator({
  name: 'money.gt',
  description: 'True when a > b, compared exactly as decimals.',
  params: [required('a', money), required('b', money)],
  run: (a, b) => a.greaterThan(b),
});

export const moneyGte = defineOperator({
  name: 'money.gte',
  description: 'True when a ≥ b, compared exactly as decimals.',
  params: [required('a', money), required('b', money)],
  run: (a, b) => a.greaterThanOrEqualTo(b),
});

export const MONEY_COMPARE_OPERATORS = [moneyCmp, moneyEq, moneyLt, moneyLte, moneyGt, moneyGte] as const;
