import { describe, expect, it } from 'vitest';
import { isCountryCode, isCurrencyCode } from '../../../core/model/index.ts';

describe('isCountryCode: assigned ISO 3166-1 alpha-2 codes only', () => {
  it('accepts the countries a shop ships to, Åland and Northern territories included', () => {
    for (const code of ['SE', 'FI', 'AX', 'DE', 'GB', 'NO', 'US', 'GR', 'MC', 'GF', 'ZW', 'AD'])
      expect(isCountryCode(code), code).toBe(true);
  });

  it('refuses well-shaped codes that name no country, and lower case', () => {
    for (const code of ['XX', 'UK', 'EU', 'EL', 'XI', 'ZZ', 'QO', 'DD', 'YU', 'AA', 'se', '', 'SWE'])
      expect(isCountryCode(code), code).toBe(false);
  });

  it('holds 249 codes, each one the runtime can name', () => {
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
    const all = letters.flatMap((a) => letters.map((b) => a + b)).filter(isCountryCode);
    expect(all).toHaveLength(249);
    expect(all.filter((code) => names.of(code) === code)).toEqual([]);
  });
});

describe('isCurrencyCode: ISO 4217 currencies in circulation', () => {
  it('accepts the currencies of the shops and Fortnox', () => {
    for (const code of ['SEK', 'EUR', 'NOK', 'DKK', 'USD', 'GBP', 'CHF', 'ISK', 'PLN'])
      expect(isCurrencyCode(code), code).toBe(true);
  });

  it('refuses names, lower case and the no-currency codes', () => {
    for (const code of ['KRONOR', 'KR', 'sek', '', 'XXX', 'XTS', 'ABC'])
      expect(isCurrencyCode(code), code).toBe(false);
  });
});
