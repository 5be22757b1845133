/**
 * Properties of money allocation and rounding (fast-check): however an amount is split over
 * weights, the parts add up to exactly the amount, each part is within one minor unit of its exact
 * share, leftover units go to the largest remainders with ties to the earliest index, and the
 * result is the same every time. Seeded (KOPPLA_PROPERTY_SEED) so a failure can be replayed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../core/expr/index.ts';
import { allocate } from '../../../core/expr/money/allocate.ts';
import { Money } from '../../../core/expr/money/value.ts';
import { propertyOptions } from './property-options.ts';

const units = (value: string, decimals: number) => BigInt(new Money(value).times(10 ** decimals).toFixed(0));
const toAmount = (minor: bigint, decimals: number) => new Money(minor.toString()).dividedBy(10 ** decimals);

/** An amount in minor units (up to a thousand billion kronor), a currency's decimals, and weights. */
const allocation = fc.record({
  minor: fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }),
  decimals: fc.integer({ min: 0, max: 4 }),
  weights: fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: 1_000_000 }).map(String),
      fc
        .tuple(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 9_999 }))
        .map(([whole, fraction]) => `${whole}.${String(fraction).padStart(4, '0')}`),
    ),
    { minLength: 1, maxLength: 40 },
  ),
});

describe('money.allocate', () => {
  it('the parts add up to exactly the amount, to the given decimals', () => {
    fc.assert(
      fc.property(allocation, ({ minor, decimals, weights }) => {
        const amount = toAmount(minor, decimals);
        const parts = allocate(
          amount,
          weights.map((w) => new Money(w)),
          decimals,
        );
        expect(parts).toHaveLength(weights.length);
        const sum = parts.reduce((total, part) => total + units(part, decimals), 0n);
        expect(sum).toBe(minor);
        for (const part of parts) expect(part.split('.')[1]?.length ?? 0).toBe(decimals);
      }),
      propertyOptions(),
    );
  });

  it('each part is within one minor unit of its exact share, and never on the other side of zero', () => {
    fc.assert(
      fc.property(allocation, ({ minor, decimals, weights }) => {
        const amount = toAmount(minor, decimals);
        const w = weights.map((x) => new Money(x));
        const total = w.reduce((s, x) => s.plus(x), new Money(0));
        const parts = allocate(amount, w, decimals);
        parts.forEach((part, i) => {
          const exact = total.isZero()
            ? new Money(minor.toString()).dividedBy(w.length)
            : new Money(minor.toString()).times(w[i]!).dividedBy(total);
          const got = new Money(units(part, decimals).toString());
          expect(got.minus(exact).abs().lessThan(1)).toBe(true);
          if (!got.isZero()) expect(got.isNegative()).toBe(minor < 0n);
        });
      }),
      propertyOptions(),
    );
  });

  it('leftover units go to the largest remainders, ties to the earliest index; a negative amount mirrors', () => {
    fc.assert(
      fc.property(allocation, ({ minor, decimals, weights }) => {
        const w = weights.map((x) => new Money(x));
        const parts = allocate(toAmount(minor, decimals), w, decimals).map((p) => units(p, decimals));
        const mirrored = allocate(toAmount(-minor, decimals), w, decimals).map((p) => units(p, decimals));
        expect(mirrored).toEqual(parts.map((p) => -p));
        // equal weights get parts that differ by at most one unit, the larger ones first
        const abs = parts.map((p) => (p < 0n ? -p : p));
        for (let i = 0; i < w.length; i++)
          for (let j = i + 1; j < w.length; j++)
            if (w[i]!.equals(w[j]!)) {
              expect(abs[i]! - abs[j]!).toBeGreaterThanOrEqual(0n);
              expect(abs[i]! - abs[j]!).toBeLessThanOrEqual(1n);
            }
      }),
      propertyOptions(),
    );
  });

  it('is deterministic, and the JSON-Logic operator gives the same parts', () => {
    fc.assert(
      fc.property(allocation, ({ minor, decimals, weights }) => {
        const amount = toAmount(minor, decimals).toFixed(decimals);
        const direct = allocate(
          new Money(amount),
          weights.map((w) => new Money(w)),
          decimals,
        );
        expect(
          allocate(
            new Money(amount),
            weights.map((w) => new Money(w)),
            decimals,
          ),
        ).toEqual(direct);
        expect(evaluate({ 'money.allocate': [amount, weights, decimals] }, {})).toEqual(direct);
      }),
      propertyOptions(),
    );
  });
});

describe('money.round', () => {
  it('half-up to the given decimals: within half a unit, ties away from zero, idempotent', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 4 }),
        (raw, scale, decimals) => {
          const value = new Money(raw.toString()).dividedBy(10 ** scale).toFixed();
          const rounded = evaluate({ 'money.round': [value, decimals] }, {}) as string;
          const diff = new Money(rounded).minus(value);
          const half = new Money(1).dividedBy(10 ** decimals).dividedBy(2);
          expect(diff.abs().lessThanOrEqualTo(half)).toBe(true);
          // a tie goes away from zero
          if (diff.abs().equals(half))
            expect(new Money(rounded).abs().greaterThan(new Money(value).abs())).toBe(true);
          expect(evaluate({ 'money.round': [rounded, decimals] }, {})).toBe(rounded);
        },
      ),
      propertyOptions(),
    );
  });
});
