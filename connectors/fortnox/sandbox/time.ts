/** Dates the way Fortnox writes them, in the sandbox's time zone (Fortnox is in Sweden). */
export function localParts(ms: number, timeZone: string): { date: string; dateTime: string } {
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '00';
  const date = `${get('year')}-${get('month')}-${get('day')}`;
  return { date, dateTime: `${date} ${get('hour')}:${get('minute')}:${get('second')}` };
}

/**
 * `lastmodified` as Fortnox takes it: `YYYY-MM-DD HH:mm`, also with seconds or as a bare date.
 * Returns the value normalised to `YYYY-MM-DD HH:mm:ss` for comparison, or undefined if malformed.
 */
export function parseLastModified(value: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  if (!match) return undefined;
  return `${match[1]} ${match[2] ?? '00'}:${match[3] ?? '00'}:${match[4] ?? '00'}`;
}

export function addDays(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}
