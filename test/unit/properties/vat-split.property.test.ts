/**
 * Properties of VAT splitting (fast-check): money.vatOf / money.net split an amount exactly
 * (net + VAT = amount, prices incl. VAT), and the shipped shipping-rows pack splits a freight line
 * over the cart's VAT rates so that the rows add up to exactly what the customer paid, each row's
 * net + VAT is its gross, and each row is at a goods rate, no rate twice.
 */
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../core/expr/index.ts';
import { Money } from '../../../core/expr/money/value.ts';
import { compileRulePack, evaluatePacks, type Decisions } from '../../../core/rules/index.ts';
import { readYamlFile } from '../../../runtime/project/read-yaml-file.ts';
import { propertyOptions } from './property-options.ts';

const amount = fc
  .bigInt({ min: 0n, max: 10n ** 12n })
  .map((minor) => new Money(minor.toString()).dividedBy(100).toFixed(2));
const rate = fc.constantFrom('25', '12', '6', '0', '25.5', '7');

describe('money.vatOf and money.net', () => {
  it('net + VAT is exactly the amount for prices incl. VAT; VAT on top is exactly amount × rate / 100', () => {
    fc.assert(
      fc.property(amount, rate, (value, percent) => {
        const vat = evaluate({ 'money.vatOf': [value, percent, true] }, {}) as string;
        const net = evaluate({ 'money.net': [value, percent, true] }, {}) as string;
        expect(new Money(net).plus(vat).equals(value)).toBe(true);
        expect(new Money(vat).lessThanOrEqualTo(value)).toBe(true);
        expect(new Money(vat).isNegative()).toBe(false);
        const onTop = evaluate({ 'money.vatOf': [value, percent, false] }, {}) as string;
        expect(new Money(onTop).equals(new Money(value).times(percent).dividedBy(100))).toBe(true);
      }),
      propertyOptions(),
    );
  });
});

const shippingRows = (() => {
  const file = fileURLToPath(new URL('../../../rules/shipping-rows/pack.yaml', import.meta.url));
  const compiled = compileRulePack(readYamlFile(file));
  if (!compiled.pack)
    throw new Error(`shipping-rows does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  return compiled.pack;
})();

/** A cart: goods lines (net value and Swedish rate) and one freight line, incl. 25 % VAT. */
const cart = fc.record({
  goods: fc.array(
    fc.record({
      netMinor: fc.integer({ min: 1, max: 10_000_000 }),
      rate: fc.constantFrom('25', '12', '6'),
    }),
    { minLength: 1, maxLength: 12 },
  ),
  freightMinor: fc.integer({ min: 0, max: 500_000 }),
  basis: fc.constantFrom('gross', 'net'),
});

const twoDecimals = (minor: number) => new Money(minor).dividedBy(100).toFixed(2);
const taxOf = (minor: number, percent: string) =>
  new Money(minor).times(percent).dividedBy(10_000).toDecimalPlaces(2, Money.ROUND_HALF_UP).toFixed(2);

describe('shipping-rows: freight split over the cart’s VAT rates', () => {
  it('rows add up to the freight exactly, net + VAT = gross per row, at most one row per goods rate', () => {
    fc.assert(
      fc.property(cart, ({ goods, freightMinor, basis }) => {
        const lines = [
          ...goods.map((g) => ({
            kind: 'item',
            total: twoDecimals(g.netMinor),
            totalTax: taxOf(g.netMinor, g.rate),
          })),
          {
            kind: 'shipping',
            id: 'ship',
            name: 'PostNord',
            total: twoDecimals(freightMinor),
            totalTax: taxOf(freightMinor, '25'),
          },
        ];
        // what se-vat and bas-accounts decided per line (the engine binds each line itself)
        const decisions = {
          lines: [
            ...goods.map((g) => ({ vat: { treatment: 'domestic', vatPercent: g.rate } })),
            { vat: { treatment: 'domestic', vatPercent: '25' }, account: { account: '3520' } },
          ],
        };
        const result = evaluatePacks([{ pack: shippingRows, params: { splitBasis: basis } }], {
          record: { lines },
          decisions: decisions as unknown as Decisions,
        });
        const shipping = (result.decisions as { shipping: { lines: { amount: string; rows: Row[] }[] } })
          .shipping;
        type Row = { vatPercent: string; gross: string; net: string; vat: string };
        const [freight] = shipping.lines;
        expect(freight).toBeDefined();
        const charged =
          basis === 'gross'
            ? new Money(lines.at(-1)!.total).plus(lines.at(-1)!.totalTax)
            : new Money(lines.at(-1)!.total);
        expect(new Money(freight!.amount).equals(charged)).toBe(true);
        const rows = freight!.rows;
        // free shipping gives no rows at all, rather than rows of zeros
        if (charged.isZero()) {
          expect(rows).toEqual([]);
          return;
        }
        const rates = [...new Set(goods.map((g) => g.rate))];
        // a row per goods rate whose share is not zero (a rate whose share rounds to 0 öre gets none)
        const rowRates = rows.map((r) => r.vatPercent);
        expect(new Set(rowRates).size).toBe(rowRates.length);
        for (const r of rowRates) expect(rates).toContain(r);
        const key = basis === 'gross' ? 'gross' : 'net';
        const sum = rows.reduce((s, r) => s.plus(r[key]), new Money(0));
        expect(sum.equals(charged)).toBe(true);
        for (const row of rows) expect(new Money(row.net).plus(row.vat).equals(row.gross)).toBe(true);
      }),
      propertyOptions(150),
    );
  });
});
