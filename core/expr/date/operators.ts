import { integer } from '../args.ts';
import { ExpressionError } from '../errors.ts';
import { defineOperator, optional, required } from '../operator-spec.ts';
import { isoArg, isoDate, openBound, type IsoArg } from './coerce.ts';
import { compareIso, formatIsoDate, type IsoValue } from './iso.ts';
import { localDateAt, timeZone, timeZoneNamed, type TimeZone } from './time-zone.ts';

export const DEFAULT_TIME_ZONE = 'Europe/Stockholm';

function localDate(value: IsoValue, zone: TimeZone): string {
  // Day boundaries fall on whole seconds, so the fraction of a second cannot change the date.
  return value.kind === 'date' ? formatIsoDate(value.days)! : localDateAt(value.epochSeconds, zone);
}

function compare(operator: string, a: IsoArg, b: IsoArg): -1 | 0 | 1 {
  const result = compareIso(a.iso, b.iso);
  if (result === undefined) {
    throw new ExpressionError(
      `${operator}: cannot compare ${JSON.stringify(a.text)} with ${JSON.stringify(b.text)}: one is a calendar date, ` +
        'the other a timestamp. Turn the timestamp into a local date with date.local first (the date depends on the time zone).',
      { operator },
    );
  }
  return result;
}

export const dateLocal = defineOperator({
  name: 'date.local',
  description:
    "The calendar date (YYYY-MM-DD) of a timestamp in a time zone (default 'Europe/Stockholm'), e.g. " +
    '2026-03-31T22:30:00Z → 2026-04-01. A timestamp must carry Z or an offset. A date is returned as is.',
  params: [required('timestamp', isoArg), optional('timeZone', timeZone, timeZoneNamed(DEFAULT_TIME_ZONE)!)],
  run: (timestamp, zone) => localDate(timestamp.iso, zone),
});

export const dateCmp = defineOperator({
  name: 'date.cmp',
  description:
    'Compares two dates, or two timestamps (as instants): −1, 0 or 1. A date and a timestamp do not compare ' +
    '(use date.local first).',
  params: [required('a', isoArg), required('b', isoArg)],
  run: (a, b) => compare('date.cmp', a, b),
});

export const dateBefore = defineOperator({
  name: 'date.before',
  description: 'True when date (or timestamp) a is strictly before b.',
  params: [required('a', isoArg), required('b', isoArg)],
  run: (a, b) => compare('date.before', a, b) < 0,
});

export const dateAfter = defineOperator({
  name: 'date.after',
  description: 'True when date (or timestamp) a is strictly after b.',
  params: [required('a', isoArg), required('b', isoArg)],
  run: (a, b) => compare('date.after', a, b) > 0,
});

export const dateBetween = defineOperator({
  name: 'date.between',
  description:
    'True when from ≤ date ≤ to (inclusive). Either bound may be null for an open side, e.g. a VAT rate valid ' +
    'from 2026-04-01 with no end: {"date.between": [d, "2026-04-01", null]}.',
  params: [required('date', isoArg), optional('from', openBound, null), optional('to', openBound, null)],
  run: (date, from, to) =>
    (from === null || compare('date.between', date, from) >= 0) &&
    (to === null || compare('date.between', date, to) <= 0),
});

export const dateAddDays = defineOperator({
  name: 'date.addDays',
  description:
    'The calendar date n days after date (n may be negative), e.g. a due date from an invoice date.',
  params: [required('date', isoDate), required('days', integer(-1_000_000, 1_000_000))],
  run: (date, days) => {
    const result = formatIsoDate(date.days + days);
    if (result === undefined) {
      throw new ExpressionError(`date.addDays: the result is outside the years 0000–9999`, {
        operator: 'date.addDays',
      });
    }
    return result;
  },
});

export const DATE_OPERATORS = [dateLocal, dateCmp, dateBefore, dateAfter, dateBetween, dateAddDays] as const;
