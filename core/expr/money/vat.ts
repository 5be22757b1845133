import { boolean } from '../args.ts';
import { defineOperator, required } from '../operator-spec.ts';
import { formatMoney, formatQuotient, money, nonNegativeMoney, type MoneyValue } from './value.ts';

const ratePercent = nonNegativeMoney('must be a VAT rate in percent, 0 or more ("25", "12", "25.5")');

/**
 * The VAT inside (`pricesIncludeTax`) or on top of an amount. On top it is exact (amount × rate /
 * 100). Inside it is amount × rate / (100 + rate), which rarely terminates, so it is cut like a
 * default `money.div` quotient: 10 decimals, half-up, trailing zeros dropped. Neither is rounded
 * to the öre: whether VAT rounds per unit, per line or per order is the rule pack's decision.
 */
export function vatOf(amount: MoneyValue, rate: MoneyValue, pricesIncludeTax: boolean): string {
  if (!pricesIncludeTax) return formatMoney(amount.times(rate).dividedBy(100));
  return formatQuotient(amount.times(rate).dividedBy(rate.plus(100)));
}

export const moneyVatOf = defineOperator({
  name: 'money.vatOf',
  description:
    'The VAT part of an amount at ratePercent: amount × rate / (100 + rate) when pricesIncludeTax is true ' +
    '(cut to 10 decimals), amount × rate / 100 when false. Not rounded to the öre: round with money.round.',
  params: [
    required('amount', money),
    required('ratePercent', ratePercent),
    required('pricesIncludeTax', boolean),
  ],
  run: (amount, rate, pricesIncludeTax) => vatOf(amount, rate, pricesIncludeTax),
});

export const moneyNet = defineOperator({
  name: 'money.net',
  description:
    'The amount excluding VAT at ratePercent: amount − money.vatOf(...) when pricesIncludeTax is true (so net + VAT ' +
    'is exactly the amount), the amount itself when false.',
  params: [
    required('amount', money),
    required('ratePercent', ratePercent),
    required('pricesIncludeTax', boolean),
  ],
  run: (amount, rate, pricesIncludeTax) =>
    pricesIncludeTax ? formatMoney(amount.minus(vatOf(amount, rate, true))) : formatMoney(amount),
});

export const MONEY_VAT_OPERATORS = [moneyVatOf, moneyNet] as const;
