import { argumentError } from '../args.ts';
import type { Coerce } from '../operator-spec.ts';

/** An IANA time zone, checked, with the formatter that reads calendar dates in it. */
export interface TimeZone {
  readonly name: string;
  readonly formatter: Intl.DateTimeFormat;
}

// Building a DateTimeFormat costs far more than using one; a process sees a handful of zones.
const zones = new Map<string, TimeZone>();

export function timeZoneNamed(name: string): TimeZone | undefined {
  let zone = zones.get(name);
  if (zone === undefined) {
    try {
      const formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: name,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
      });
      zone = { name, formatter };
    } catch {
      return undefined;
    }
    zones.set(name, zone);
  }
  return zone;
}

export const timeZone: Coerce<TimeZone> = (value, site) => {
  const zone = typeof value === 'string' && value !== '' ? timeZoneNamed(value) : undefined;
  if (zone === undefined)
    throw argumentError(site, "must be an IANA time zone such as 'Europe/Stockholm'", value);
  return zone;
};

// formatToParts is the slow step of a rule set; rules ask for the same order's date again and
// again (once per line), and the answer is a pure function of zone and second, so remember it.
const MAX_REMEMBERED = 10_000;
const remembered = new Map<string, string>();

/** The calendar date (YYYY-MM-DD) in `zone` at the instant `epochSeconds`. */
export function localDateAt(epochSeconds: number, zone: TimeZone): string {
  const key = `${zone.name} ${epochSeconds}`;
  let date = remembered.get(key);
  if (date === undefined) {
    const parts = zone.formatter.formatToParts(epochSeconds * 1_000);
    const part = (type: Intl.DateTimeFormatPartTypes): string =>
      parts.find((p) => p.type === type)?.value ?? '';
    date = `${part('year').padStart(4, '0')}-${part('month')}-${part('day')}`;
    if (remembered.size >= MAX_REMEMBERED) remembered.clear();
    remembered.set(key, date);
  }
  return date;
}
