import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../core/expr/index.ts';
import { call, seededRandom } from './call.ts';

function sum(parts: unknown): string {
  return (parts as string[]).reduce((total, part) => total.plus(part), new Decimal(0)).toFixed();
}

describe('money.allocate', () => {
  it('splits evenly when it can', () => {
    expect(call('money.allocate', '90', ['1', '1', '1'])).toEqual(['30.00', '30.00', '30.00']);
  });

  it('gives the leftover öre to the earliest parts when remainders tie', () => {
    expect(call('money.allocate', '100', ['1', '1', '1'])).toEqual(['33.34', '33.33', '33.33']);
    expect(call('money.allocate', '0.05', [1, 1, 1, 1])).toEqual(['0.02', '0.01', '0.01', '0.01']);
  });

  it('gives leftovers to the largest remainders, not to the largest parts', () => {
    // Shares 3.333…, 3.333…, 3.333… of 10 would tie; with weights 2:1:1 of 1.01 they are
    // 0.505, 0.2525, 0.2525 → floors 50, 25, 25 öre, 1 öre left → the largest remainder (0.5).
    expect(call('money.allocate', '1.01', ['2', '1', '1'])).toEqual(['0.51', '0.25', '0.25']);
    // 0.10 over 3:3:4 → 0.03, 0.03, 0.04 exactly.
    expect(call('money.allocate', '0.10', ['3', '3', '4'])).toEqual(['0.03', '0.03', '0.04']);
    // 0.11 over 1:1:9 → 0.01, 0.01, 0.09 with remainders 0.1 0.1 0.9 → the third gets it.
    expect(call('money.allocate', '0.11', ['1', '1', '9'])).toEqual(['0.01', '0.01', '0.09']);
  });

  it('splits freight in proportion to net goods value per VAT rate (Skatteverket example)', () => {
    // Books 650 (6 %) and CDs 350 (25 %); freight 100 → 65 and 35.
    expect(call('money.allocate', '100.00', ['650.00', '350.00'])).toEqual(['65.00', '35.00']);
    // The same with awkward numbers still adds up exactly.
    expect(sum(call('money.allocate', '49.00', ['398.00', '129.00', '179.70']))).toBe('49');
  });

  it('splits negative amounts as the mirror image of positive ones', () => {
    expect(call('money.allocate', '-100', ['1', '1', '1'])).toEqual(['-33.34', '-33.33', '-33.33']);
    expect(call('money.allocate', '-0.01', ['1', '1'])).toEqual(['-0.01', '0.00']);
  });

  it('splits equally when every weight is zero', () => {
    expect(call('money.allocate', '10', ['0', 0, '0.00'])).toEqual(['3.34', '3.33', '3.33']);
  });

  it('gives nothing to a zero weight when others are positive', () => {
    expect(call('money.allocate', '10.01', ['0', '1', '1'])).toEqual(['0.00', '5.01', '5.00']);
  });

  it('allocates zero as zeros', () => {
    expect(call('money.allocate', '0', ['1', '2'])).toEqual(['0.00', '0.00']);
  });

  it('takes the number of decimals, including 0 (whole kronor)', () => {
    expect(call('money.allocate', '10', ['1', '1', '1'], 0)).toEqual(['4', '3', '3']);
    expect(call('money.allocate', '1', ['1', '2'], 3)).toEqual(['0.333', '0.667']);
  });

  it('accepts decimal weights of mixed scale', () => {
    // Shares 13.333…, 33.333…, 53.333…: equal remainders, so the earliest part gets the öre.
    expect(call('money.allocate', '100', ['0.5', '1.25', 2])).toEqual(['13.34', '33.33', '53.33']);
    expect(call('money.allocate', '100', ['0.5', '1.5', 2])).toEqual(['12.50', '37.50', '50.00']);
  });

  it('returns one part for one weight', () => {
    expect(call('money.allocate', '12.34', ['7'])).toEqual(['12.34']);
  });

  it('refuses an amount with more decimals than the split has', () => {
    expect(() => call('money.allocate', '1.005', ['1', '1'])).toThrow(
      /money\.allocate: argument 1 \(amount\) has more than 2 decimals/,
    );
  });

  it('refuses negative, float, empty or missing weights', () => {
    expect(() => call('money.allocate', '1', ['1', '-1'])).toThrow(
      /argument 2 \(weights\[1\]\) must not be negative/,
    );
    expect(() => call('money.allocate', '1', [0.5, 1])).toThrow(/weights\[0\].*float/);
    expect(() => call('money.allocate', '1', [])).toThrow(/at least one weight/);
    expect(() => call('money.allocate', '1', null)).toThrow(/must be an array/);
  });

  it('keeps the sum exactly and every part within one minor unit of its share, over many random cases', () => {
    const random = seededRandom(20_261_127);
    for (let round = 0; round < 2_000; round++) {
      const decimals = Math.floor(random() * 4);
      const units = Math.floor((random() - 0.3) * 10 ** (2 + Math.floor(random() * 7)));
      const amount = new Decimal(units).dividedBy(10 ** decimals).toFixed(decimals);
      const count = 1 + Math.floor(random() * 8);
      const weights = Array.from({ length: count }, () =>
        random() < 0.15 ? '0' : new Decimal(Math.floor(random() * 100_000)).dividedBy(100).toFixed(),
      );
      const parts = call('money.allocate', amount, weights, decimals) as string[];

      expect(parts, `${amount} over ${weights.join(':')}`).toHaveLength(count);
      expect(sum(parts), `${amount} over ${weights.join(':')}`).toBe(new Decimal(amount).toFixed());
      const totalWeight = weights.reduce((t, w) => t.plus(w), new Decimal(0));
      const unit = new Decimal(1).dividedBy(10 ** decimals);
      parts.forEach((part, i) => {
        expect(part).toMatch(decimals === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${decimals}}$`));
        const share = totalWeight.isZero()
          ? new Decimal(amount).dividedBy(count)
          : new Decimal(amount).times(weights[i]!).dividedBy(totalWeight);
        expect(
          new Decimal(part).minus(share).abs().lessThan(unit),
          `${part} vs share ${share.toFixed()}`,
        ).toBe(true);
      });
    }
  });

  it('is deterministic: the same input always gives the same split', () => {
    const expression = { 'money.allocate': [{ var: 'amount' }, { var: 'weights' }] };
    const data = { amount: '1000.00', weights: ['1', '1', '1', '1', '1', '1', '1'] };
    const first = evaluate(expression, data);
    for (let i = 0; i < 10; i++) expect(evaluate(expression, data)).toEqual(first);
    expect(first).toEqual(['142.86', '142.86', '142.86', '142.86', '142.86', '142.85', '142.85']);
  });
});
