/** The store's clock: `_gmt` fields in UTC, plain fields in the site's time zone (a fixed offset here). */
export interface StoreClock {
  now(): number;
  /** Minutes east of UTC of the site's time zone (Stockholm in winter: 60). */
  readonly utcOffsetMinutes: number;
}

const wpDate = (ms: number) => new Date(ms).toISOString().slice(0, 19);

export function stamps(clock: StoreClock): { gmt: string; local: string } {
  const now = clock.now();
  return { gmt: wpDate(now), local: wpDate(now + clock.utcOffsetMinutes * 60_000) };
}

/**
 * A date query parameter as WordPress reads it: with `dates_are_gmt` compared to the `_gmt` column,
 * otherwise to the local one, and in both cases any offset or `Z` in the value is ignored.
 */
export function dateParam(value: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?/.exec(value.trim());
  if (!match) return undefined;
  const time = match[2] ?? '00:00:00';
  return `${match[1]}T${time.length === 5 ? `${time}:00` : time}`;
}
