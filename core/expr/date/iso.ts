/**
 * ISO 8601 calendar dates and timestamps, parsed by hand. `Date.parse` would read a timestamp
 * without an offset in the process's local zone, which makes a result depend on the machine; here
 * such a timestamp is refused, and all arithmetic is on whole days and epoch seconds.
 */

export interface IsoDateValue {
  readonly kind: 'date';
  /** Days since 1970-01-01. */
  readonly days: number;
}

export interface IsoTimestampValue {
  readonly kind: 'timestamp';
  /** Whole seconds since 1970-01-01T00:00:00Z. */
  readonly epochSeconds: number;
  /** The fraction of the second, in nanoseconds (ISO allows up to nine digits). */
  readonly nanos: number;
}

export type IsoValue = IsoDateValue | IsoTimestampValue;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** The parsed value, or why the string is not an ISO date or timestamp. */
export type IsoParseResult = IsoValue | { readonly problem: string };

export function parseIso(value: string): IsoParseResult {
  const m = ISO.exec(value);
  if (!m) return { problem: 'is not an ISO 8601 date (YYYY-MM-DD) or timestamp (YYYY-MM-DDThh:mm:ssZ)' };
  const [, y, mo, d, h, mi, s, fraction, offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { problem: 'is not a calendar date' };
  }
  const days = daysFromCivil(year, month, day);
  if (h === undefined) return { kind: 'date', days };

  const hours = Number(h);
  const minutes = Number(mi);
  const seconds = s === undefined ? 0 : Number(s);
  if (hours > 23 || minutes > 59 || seconds > 59) return { problem: 'has an invalid time of day' };
  if (offset === undefined) {
    return { problem: 'has no UTC offset (add Z or ±hh:mm); a local time alone does not name an instant' };
  }
  const offsetSeconds = parseOffset(offset);
  if (offsetSeconds === undefined) return { problem: 'has an invalid UTC offset' };
  return {
    kind: 'timestamp',
    epochSeconds: days * 86_400 + hours * 3_600 + minutes * 60 + seconds - offsetSeconds,
    nanos: fraction === undefined ? 0 : Number(fraction.padEnd(9, '0')),
  };
}

function parseOffset(offset: string): number | undefined {
  if (offset === 'Z' || offset === 'z') return 0;
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 3_600 + minutes * 60);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for every proleptic Gregorian date.
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1_460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** `YYYY-MM-DD`, or undefined for a year outside 0000–9999 (not representable in the format). */
export function formatIsoDate(days: number): string | undefined {
  const { year, month, day } = civilFromDays(days);
  if (year < 0 || year > 9999) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** −1, 0 or 1; undefined when one is a date and the other a timestamp (they do not compare). */
export function compareIso(a: IsoValue, b: IsoValue): -1 | 0 | 1 | undefined {
  if (a.kind === 'date' && b.kind === 'date') return sign(a.days - b.days);
  if (a.kind === 'timestamp' && b.kind === 'timestamp') {
    return sign(a.epochSeconds === b.epochSeconds ? a.nanos - b.nanos : a.epochSeconds - b.epochSeconds);
  }
  return undefined;
}

function sign(n: number): -1 | 0 | 1 {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}
