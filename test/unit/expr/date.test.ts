import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../core/expr/index.ts';
import { call } from './call.ts';

describe('date.local', () => {
  it('gives the Swedish calendar date by default, across the DST offsets', () => {
    // Summer time (+02:00) began 2026-03-29.
    expect(call('date.local', '2026-03-31T22:30:00Z')).toBe('2026-04-01');
    expect(call('date.local', '2026-03-31T21:59:59Z')).toBe('2026-03-31');
    expect(call('date.local', '2026-03-31T21:59:59.999999999Z')).toBe('2026-03-31');
    expect(call('date.local', '2026-03-31T22:00:00Z')).toBe('2026-04-01');
    // Winter time (+01:00).
    expect(call('date.local', '2026-01-15T22:59:59Z')).toBe('2026-01-15');
    expect(call('date.local', '2026-01-15T23:00:00Z')).toBe('2026-01-16');
    // The night summer time ends (2026-10-25, 03:00 → 02:00).
    expect(call('date.local', '2026-10-24T22:00:00Z')).toBe('2026-10-25');
    expect(call('date.local', '2026-10-24T21:59:59Z')).toBe('2026-10-24');
  });

  it('honours the offset written in the timestamp', () => {
    expect(call('date.local', '2026-04-01T00:30:00+02:00')).toBe('2026-04-01');
    // 18:30 at −03:00 is 21:30Z, 23:30 in Stockholm; an hour later it is 1 April there.
    expect(call('date.local', '2026-03-31T18:30:00-03:00')).toBe('2026-03-31');
    expect(call('date.local', '2026-03-31T19:30:00-03:00')).toBe('2026-04-01');
    expect(call('date.local', '2026-03-31T22:30:00+0100')).toBe('2026-03-31');
    expect(call('date.local', '2026-03-31 21:30:00z')).toBe('2026-03-31');
  });

  it('takes an explicit time zone', () => {
    expect(call('date.local', '2026-03-31T22:30:00Z', 'UTC')).toBe('2026-03-31');
    expect(call('date.local', '2026-04-01T03:30:00Z', 'America/New_York')).toBe('2026-03-31');
    expect(call('date.local', '2026-03-31T12:00:00Z', 'Pacific/Kiritimati')).toBe('2026-04-01');
  });

  it('returns a calendar date as it is', () => {
    expect(call('date.local', '2026-04-01')).toBe('2026-04-01');
  });

  it('gives the same answer on repeated calls (results are remembered per zone and second)', () => {
    const expression = { 'date.local': [{ var: 't' }, { var: 'z' }] };
    for (let i = 0; i < 3; i++) {
      expect(evaluate(expression, { t: '2026-03-31T22:30:00Z', z: 'Europe/Stockholm' })).toBe('2026-04-01');
      expect(evaluate(expression, { t: '2026-03-31T22:30:00Z', z: 'UTC' })).toBe('2026-03-31');
    }
  });

  it('refuses a timestamp without an offset: its instant would depend on the machine', () => {
    expect(() => call('date.local', '2026-04-01T10:00:00')).toThrow(
      'date.local: argument 1 (timestamp) has no UTC offset (add Z or ±hh:mm); a local time alone does not name an instant, ' +
        'got the string "2026-04-01T10:00:00"',
    );
  });

  it('refuses what is not an ISO date or timestamp', () => {
    for (const bad of [
      '2026-02-30',
      '2026-13-01',
      '2026-04-01T24:00:00Z',
      '2026-04-01T10:60:00Z',
      '01/04/2026',
      'today',
      '',
    ]) {
      expect(() => call('date.local', bad), bad).toThrow(/date\.local: argument 1 \(timestamp\)/);
    }
    expect(() => call('date.local', '2026-04-01T10:00:00+25:00')).toThrow(/invalid UTC offset/);
    expect(() => call('date.local', 1_775_000_000)).toThrow(
      /must be an ISO 8601 date or timestamp string, got the number/,
    );
    expect(() => call('date.local', null)).toThrow(/got null/);
  });

  it('refuses an unknown time zone', () => {
    expect(() => call('date.local', '2026-04-01T10:00:00Z', 'Mars/Olympus')).toThrow(
      /date\.local: argument 2 \(timeZone\) must be an IANA time zone/,
    );
  });

  it('knows leap days', () => {
    expect(call('date.local', '2028-02-29T12:00:00Z')).toBe('2028-02-29');
    expect(() => call('date.local', '2026-02-29T12:00:00Z')).toThrow(/is not a calendar date/);
    expect(() => call('date.local', '2100-02-29')).toThrow(/is not a calendar date/);
    expect(call('date.local', '2000-02-29')).toBe('2000-02-29');
  });
});

describe('date comparisons', () => {
  it('compares calendar dates', () => {
    expect(call('date.cmp', '2026-04-01', '2026-03-31')).toBe(1);
    expect(call('date.cmp', '2026-04-01', '2026-04-01')).toBe(0);
    expect(call('date.cmp', '2025-12-31', '2026-01-01')).toBe(-1);
    expect(call('date.before', '2025-12-31', '2026-01-01')).toBe(true);
    expect(call('date.before', '2026-01-01', '2026-01-01')).toBe(false);
    expect(call('date.after', '2026-01-02', '2026-01-01')).toBe(true);
  });

  it('compares timestamps as instants, whatever their offsets, to the nanosecond', () => {
    expect(call('date.cmp', '2026-04-01T00:00:00+02:00', '2026-03-31T22:00:00Z')).toBe(0);
    expect(call('date.cmp', '2026-04-01T00:00:00.000000001Z', '2026-04-01T00:00:00Z')).toBe(1);
    expect(call('date.cmp', '2026-04-01T00:00:00.5Z', '2026-04-01T00:00:00.499999999Z')).toBe(1);
    expect(call('date.before', '2026-04-01T10:00Z', '2026-04-01T10:00:01Z')).toBe(true);
    expect(call('date.after', '2026-04-01T10:00:00-01:00', '2026-04-01T10:30:00Z')).toBe(true);
  });

  it('refuses to compare a date with a timestamp, and says what to do instead', () => {
    expect(() => call('date.before', '2026-03-31T23:30:00Z', '2026-04-01')).toThrow(
      /date\.before: cannot compare "2026-03-31T23:30:00Z" with "2026-04-01": one is a calendar date, the other a timestamp\. .*date\.local/,
    );
  });

  it('refuses bad input', () => {
    expect(() => call('date.cmp', '2026-04-01', 'tomorrow')).toThrow(/date\.cmp: argument 2 \(b\)/);
    expect(() => call('date.after', null, '2026-04-01')).toThrow(/date\.after: argument 1 \(a\)/);
  });
});

describe('date.between', () => {
  it('is inclusive at both ends', () => {
    expect(call('date.between', '2026-04-01', '2026-04-01', '2027-12-31')).toBe(true);
    expect(call('date.between', '2027-12-31', '2026-04-01', '2027-12-31')).toBe(true);
    expect(call('date.between', '2026-03-31', '2026-04-01', '2027-12-31')).toBe(false);
    expect(call('date.between', '2028-01-01', '2026-04-01', '2027-12-31')).toBe(false);
  });

  it('treats a null bound as open', () => {
    expect(call('date.between', '1999-01-01', null, '2026-03-31')).toBe(true);
    expect(call('date.between', '2099-01-01', '2026-04-01', null)).toBe(true);
    expect(call('date.between', '2099-01-01', null, null)).toBe(true);
    expect(evaluate({ 'date.between': ['2099-01-01', '2026-04-01'] }, {})).toBe(true);
  });

  it('works on timestamps, and picks the food VAT rate by the Swedish delivery date', () => {
    expect(call('date.between', '2026-04-01T10:00:00Z', '2026-04-01T00:00:00+02:00', null)).toBe(true);
    const foodCut = {
      'date.between': [{ 'date.local': [{ var: 'deliveredAt' }] }, '2026-04-01', '2027-12-31'],
    };
    // 00:30 on 1 April in Stockholm is still 31 March in UTC.
    expect(evaluate(foodCut, { deliveredAt: '2026-03-31T22:30:00Z' })).toBe(true);
    expect(evaluate(foodCut, { deliveredAt: '2026-03-31T21:30:00Z' })).toBe(false);
  });

  it('refuses mixed kinds and bad bounds', () => {
    expect(() => call('date.between', '2026-04-01T10:00:00Z', '2026-04-01', null)).toThrow(/cannot compare/);
    expect(() => call('date.between', '2026-04-01', 'soon', null)).toThrow(
      /date\.between: argument 2 \(from\)/,
    );
  });
});

describe('date.addDays', () => {
  it('adds and subtracts calendar days across months, years and leap days', () => {
    expect(call('date.addDays', '2026-04-01', 30)).toBe('2026-05-01');
    expect(call('date.addDays', '2026-12-31', 1)).toBe('2027-01-01');
    expect(call('date.addDays', '2028-02-28', 1)).toBe('2028-02-29');
    expect(call('date.addDays', '2026-02-28', 1)).toBe('2026-03-01');
    expect(call('date.addDays', '2026-03-01', -1)).toBe('2026-02-28');
    expect(call('date.addDays', '2026-03-29', 0)).toBe('2026-03-29');
    expect(call('date.addDays', '2026-01-01', 365 * 400 + 97)).toBe('2426-01-01');
  });

  it('accepts a count written as an integer string', () => {
    expect(call('date.addDays', '2026-04-01', '10')).toBe('2026-04-11');
  });

  it('refuses timestamps, fractional counts and results beyond year 9999', () => {
    expect(() => call('date.addDays', '2026-04-01T10:00:00Z', 1)).toThrow(
      /date\.addDays: argument 1 \(date\) must be a calendar date \(YYYY-MM-DD\); use date\.local/,
    );
    expect(() => call('date.addDays', '2026-04-01', 1.5)).toThrow(/argument 2 \(days\) must be an integer/);
    expect(() => call('date.addDays', '9999-12-31', 1)).toThrow(/outside the years 0000–9999/);
  });
});
