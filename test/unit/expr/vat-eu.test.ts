import { describe, expect, it } from 'vitest';
import { VAT_NUMBER_FORMATS } from '../../../core/expr/vat/number-formats.ts';
import { EU_MEMBER_STATES } from '../../../core/expr/eu/membership.ts';
import { call } from './call.ts';

const EU_27 = [
  'AT',
  'BE',
  'BG',
  'CY',
  'CZ',
  'DE',
  'DK',
  'EE',
  'ES',
  'FI',
  'FR',
  'GR',
  'HR',
  'HU',
  'IE',
  'IT',
  'LT',
  'LU',
  'LV',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SE',
  'SI',
  'SK',
];

// One syntactically valid number per prefix (formats as VIES documents them).
const VALID: Readonly<Record<string, string>> = {
  AT: 'ATU12345678',
  BE: 'BE0123456789',
  BG: 'BG123456789',
  CY: 'CY12345678X',
  CZ: 'CZ12345678',
  DE: 'DE123456789',
  DK: 'DK12345678',
  EE: 'EE123456789',
  EL: 'EL123456789',
  ES: 'ESA1234567B',
  FI: 'FI12345678',
  FR: 'FRAB123456789',
  HR: 'HR12345678901',
  HU: 'HU12345678',
  IE: 'IE1234567T',
  IT: 'IT12345678901',
  LT: 'LT123456789',
  LU: 'LU12345678',
  LV: 'LV12345678901',
  MT: 'MT12345678',
  NL: 'NL123456789B01',
  PL: 'PL1234567890',
  PT: 'PT123456789',
  RO: 'RO1234567',
  SE: 'SE556123456701',
  SI: 'SI12345678',
  SK: 'SK1234567890',
  XI: 'XI123456789',
};

describe('vat.validNumber', () => {
  it('has a format for every EU member state (EL for Greece) and for Northern Ireland (XI)', () => {
    const prefixes = EU_27.map((c) => (c === 'GR' ? 'EL' : c))
      .concat('XI')
      .sort();
    expect(Object.keys(VAT_NUMBER_FORMATS).sort()).toEqual(prefixes);
  });

  it('accepts a valid number of every country', () => {
    for (const [prefix, number] of Object.entries(VALID))
      expect(call('vat.validNumber', number), prefix).toBe(true);
  });

  it('knows the Swedish format: 10 digits + 01', () => {
    expect(call('vat.validNumber', 'SE556123456701')).toBe(true);
    expect(call('vat.validNumber', 'SE556123456702')).toBe(false);
    expect(call('vat.validNumber', 'SE5561234567')).toBe(false);
    expect(call('vat.validNumber', 'SE55612345670101')).toBe(false);
  });

  it('knows the alternative formats of a country', () => {
    expect(call('vat.validNumber', 'BG1234567890')).toBe(true);
    expect(call('vat.validNumber', 'CZ1234567890')).toBe(true);
    expect(call('vat.validNumber', 'ES12345678Z')).toBe(true);
    expect(call('vat.validNumber', 'ESX12345678')).toBe(true);
    expect(call('vat.validNumber', 'ES123456789')).toBe(false); // first and last may not both be digits
    expect(call('vat.validNumber', 'FR12345678901')).toBe(true);
    expect(call('vat.validNumber', 'FRIO123456789')).toBe(false); // I and O are not used
    expect(call('vat.validNumber', 'IE1234567WI')).toBe(true);
    expect(call('vat.validNumber', 'IE1A23456T')).toBe(true);
    expect(call('vat.validNumber', 'LT123456789012')).toBe(true);
    expect(call('vat.validNumber', 'RO12')).toBe(true);
    expect(call('vat.validNumber', 'RO1')).toBe(false);
    expect(call('vat.validNumber', 'XI123456789012')).toBe(true);
    expect(call('vat.validNumber', 'XIGD123')).toBe(true);
    expect(call('vat.validNumber', 'XIHA123')).toBe(true);
    expect(call('vat.validNumber', 'BE2123456789')).toBe(false);
  });

  it('rejects wrong lengths and non-EU numbers', () => {
    expect(call('vat.validNumber', 'DE12345678')).toBe(false);
    expect(call('vat.validNumber', 'DK123456789')).toBe(false);
    expect(call('vat.validNumber', 'FI1234567')).toBe(false);
    expect(call('vat.validNumber', 'NO123456789MVA')).toBe(false);
    expect(call('vat.validNumber', 'GB123456789')).toBe(false);
    expect(call('vat.validNumber', 'GR123456789')).toBe(false); // Greece's prefix is EL
    expect(call('vat.validNumber', 'CHE123456789')).toBe(false);
    expect(call('vat.validNumber', '556123456701')).toBe(false); // no prefix
  });

  it('ignores spaces, dots, dashes and case', () => {
    expect(call('vat.validNumber', 'se 556123-4567 01')).toBe(true);
    expect(call('vat.validNumber', 'DE 123.456.789')).toBe(true);
    expect(call('vat.validNumber', 'nl123456789b01')).toBe(true);
  });

  it('with a country code, requires the prefix of that country', () => {
    expect(call('vat.validNumber', 'DE123456789', 'DE')).toBe(true);
    // The real bug: a German number on a customer stored as Swedish must not look like reverse charge.
    expect(call('vat.validNumber', 'DE123456789', 'SE')).toBe(false);
    expect(call('vat.validNumber', 'EL123456789', 'GR')).toBe(true);
    expect(call('vat.validNumber', 'EL123456789', 'EL')).toBe(true);
    expect(call('vat.validNumber', 'XI123456789', 'GB')).toBe(true);
    expect(call('vat.validNumber', 'XI123456789', 'XI')).toBe(true);
    expect(call('vat.validNumber', 'SE556123456701', 'se')).toBe(true);
    expect(call('vat.validNumber', 'SE556123456701', 'NO')).toBe(false);
    expect(call('vat.validNumber', 'SE556123456701', null)).toBe(true);
    expect(call('vat.validNumber', 'SE556123456701', '')).toBe(true);
  });

  it('is false, not an error, for an absent number', () => {
    expect(call('vat.validNumber', null)).toBe(false);
    expect(call('vat.validNumber', '')).toBe(false);
    expect(call('vat.validNumber', null, 'SE')).toBe(false);
  });

  it('refuses a number that is not a string and a malformed country code', () => {
    expect(() => call('vat.validNumber', 556123456701)).toThrow(
      /vat\.validNumber: argument 1 \(vatNumber\) must be a string/,
    );
    expect(() => call('vat.validNumber', 'SE556123456701', 'SWE')).toThrow(
      /argument 2 \(countryCode\) must be a two-letter country code/,
    );
  });
});

describe('eu.member', () => {
  it('is true for the 27 member states', () => {
    expect([...EU_MEMBER_STATES].sort()).toEqual([...EU_27].sort());
    for (const country of EU_27) expect(call('eu.member', country), country).toBe(true);
  });

  it('is false for GB, Norway, Switzerland, Monaco, XI and codes that are not countries', () => {
    for (const country of ['GB', 'NO', 'CH', 'IS', 'MC', 'XI', 'US', 'AX', 'ZZ']) {
      expect(call('eu.member', country), country).toBe(false);
    }
  });

  it('accepts EL for Greece and lower case', () => {
    expect(call('eu.member', 'EL')).toBe(true);
    expect(call('eu.member', 'se')).toBe(true);
  });

  it('answers for a date: accessions and Brexit', () => {
    expect(call('eu.member', 'GB', '2019-06-01')).toBe(true);
    expect(call('eu.member', 'GB', '2020-01-31')).toBe(true);
    expect(call('eu.member', 'GB', '2020-02-01')).toBe(false);
    expect(call('eu.member', 'HR', '2013-06-30')).toBe(false);
    expect(call('eu.member', 'HR', '2013-07-01')).toBe(true);
    expect(call('eu.member', 'SE', '1994-12-31')).toBe(false);
    expect(call('eu.member', 'SE', '1995-01-01')).toBe(true);
    expect(call('eu.member', 'PL', '2004-05-01')).toBe(true);
    expect(call('eu.member', 'BG', '2006-12-31')).toBe(false);
    expect(call('eu.member', 'DE', null)).toBe(true);
  });

  it('refuses malformed codes and dates', () => {
    expect(() => call('eu.member', 'SWE')).toThrow(
      /eu\.member: argument 1 \(countryCode\) must be a two-letter ISO 3166/,
    );
    expect(() => call('eu.member', null)).toThrow(/argument 1 \(countryCode\)/);
    expect(() => call('eu.member', 'SE', '2026-04-01T10:00:00Z')).toThrow(
      /argument 2 \(isoDate\) must be a calendar date/,
    );
    expect(() => call('eu.member', 'SE', 'yesterday')).toThrow(/argument 2 \(isoDate\)/);
  });
});
