import type { WcLineTax, WcTaxLine } from '../wc-types.ts';
import { Money, money, ratePercent } from './decimal.ts';

/** What we know about one tax rate of an order: its percent and whether it compounds. */
export interface RateInfo {
  readonly percent: Money | undefined;
  readonly compound: boolean;
}

/**
 * The order's tax rates by rate id, from `tax_lines`. `rate_percent` is a number in current
 * WooCommerce and absent in old versions; `knownRates` (e.g. from `GET /taxes`, `"25.0000"`) fills
 * the gap.
 */
export function ratesOf(
  taxLines: readonly WcTaxLine[],
  knownRates: Readonly<Record<string, string>> = {},
): Map<string, RateInfo> {
  const rates = new Map<string, RateInfo>();
  for (const line of taxLines) {
    const id = String(line.rate_id);
    const raw = line.rate_percent ?? knownRates[id];
    const percent = raw === undefined || raw === null || raw === '' ? undefined : money(raw, 'rate_percent');
    rates.set(id, { percent, compound: Boolean(line.compound) });
  }
  return rates;
}

/**
 * The VAT rate a line was taxed at, in percent. From the line's `taxes` (only those that carried an
 * amount, since WooCommerce lists a rate with total `""`/`0` when a coupon zeroed the line); several
 * rates on one line add up, compound ones multiply on top. When the order does not say the percent,
 * it is derived from the line's own amounts (tax / net), rounded to one decimal.
 */
export function lineRate(
  taxes: readonly WcLineTax[],
  rates: ReadonlyMap<string, RateInfo>,
  fallback: { readonly net: Money; readonly tax: Money },
): string {
  const charged = taxes.filter((tax) => !money(tax.total, 'taxes.total').isZero() || taxes.length === 1);
  if (charged.length === 0) return derived(fallback);
  let simple = new Money(0);
  const compound: Money[] = [];
  for (const tax of charged) {
    const info = rates.get(String(tax.id));
    if (!info?.percent) return derived(fallback);
    if (info.compound) compound.push(info.percent);
    else simple = simple.plus(info.percent);
  }
  // Compound rates apply to the price plus the simple taxes: (1 + a)(1 + c) - 1.
  let factor = simple.dividedBy(100).plus(1);
  for (const percent of compound) factor = factor.times(percent.dividedBy(100).plus(1));
  return ratePercent(factor.minus(1).times(100));
}

function derived({ net, tax }: { readonly net: Money; readonly tax: Money }): string {
  if (net.isZero() || tax.isZero()) return '0';
  return ratePercent(tax.dividedBy(net).times(100).abs().toDecimalPlaces(1));
}
