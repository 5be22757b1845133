import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { call } from './call.ts';

describe('money.vatOf', () => {
  it('is amount × rate / 100 on top of a net price, exactly', () => {
    expect(call('money.vatOf', '100.00', '25', false)).toBe('25');
    expect(call('money.vatOf', '639.20', '25', false)).toBe('159.8');
    expect(call('money.vatOf', '129.00', '6', false)).toBe('7.74');
    expect(call('money.vatOf', '100', '25.5', false)).toBe('25.5');
  });

  it('is amount × rate / (100 + rate) inside a gross price, cut to 10 decimals, not rounded to öre', () => {
    expect(call('money.vatOf', '125.00', '25', true)).toBe('25');
    expect(call('money.vatOf', '799.00', '25', true)).toBe('159.8');
    expect(call('money.vatOf', '99.99', '12', true)).toBe('10.7132142857');
    expect(call('money.vatOf', '9.99', '25', true)).toBe('1.998');
  });

  it('is zero at a zero rate, and follows the sign of the amount', () => {
    expect(call('money.vatOf', '100', '0', true)).toBe('0');
    expect(call('money.vatOf', '-125', '25', true)).toBe('-25');
  });

  it('refuses a negative rate, a float rate and a non-boolean flag', () => {
    expect(() => call('money.vatOf', '100', '-25', true)).toThrow(
      /argument 2 \(ratePercent\) must be a VAT rate/,
    );
    expect(() => call('money.vatOf', '100', 25.5, true)).toThrow(/float/);
    expect(() => call('money.vatOf', '100', '25', 'yes')).toThrow(
      /argument 3 \(pricesIncludeTax\) must be true or false/,
    );
    expect(() => call('money.vatOf', 99.5, '25', true)).toThrow(/argument 1 \(amount\).*float/);
  });
});

describe('money.net', () => {
  it('is the amount itself for a net price', () => {
    expect(call('money.net', '100.00', '25', false)).toBe('100');
  });

  it('is amount − VAT for a gross price, so net + VAT is exactly the amount', () => {
    expect(call('money.net', '125.00', '25', true)).toBe('100');
    expect(call('money.net', '99.99', '12', true)).toBe('89.2767857143');
    for (const [amount, rate] of [
      ['99.99', '12'],
      ['0.01', '6'],
      ['123456.78', '25.5'],
      ['-45.67', '25'],
    ] as const) {
      const net = call('money.net', amount, rate, true) as string;
      const vat = call('money.vatOf', amount, rate, true) as string;
      expect(new Decimal(net).plus(vat).equals(amount), `${amount} at ${rate} %`).toBe(true);
    }
  });
});
