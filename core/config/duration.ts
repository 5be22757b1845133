const UNIT_MS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1_000,
  second: 1_000,
  seconds: 1_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

const ISO = /^P(?!$)(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;
const HUMAN = /^(\d+) ?([a-z]+)$/;

/**
 * Milliseconds of an ISO 8601 duration (PT5M, P1DT2H) or "<n> <unit>" (5 minutes, 30 s).
 * Parsed here, not by Agenda: its human-interval reads "100 milliseconds" as 100 seconds.
 * Returns undefined for anything else (months and years are ambiguous and not accepted).
 */
export function parseDuration(text: string): number | undefined {
  const iso = ISO.exec(text);
  if (iso) {
    const [, d = '0', h = '0', m = '0', s = '0'] = iso;
    return (
      Number(d) * 86_400_000 + Number(h) * 3_600_000 + Number(m) * 60_000 + Math.round(Number(s) * 1_000)
    );
  }
  const human = HUMAN.exec(text.trim().toLowerCase());
  if (human) {
    const unit = UNIT_MS[human[2] ?? ''];
    if (unit !== undefined) return Number(human[1]) * unit;
  }
  return undefined;
}

/** 5-field cron (minute hour day-of-month month day-of-week), checked field by field. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `cron needs 5 fields (minute hour day month weekday), got ${fields.length}`;
  const ranges: [string, number, number][] = [
    ['minute', 0, 59],
    ['hour', 0, 23],
    ['day of month', 1, 31],
    ['month', 1, 12],
    ['day of week', 0, 7],
  ];
  for (const [i, field] of fields.entries()) {
    const [name, min, max] = ranges[i] ?? ['field', 0, 0];
    for (const part of field.split(',')) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!match) return `invalid ${name} "${part}"`;
      const numbers = [match[2], match[3]].filter((n): n is string => n !== undefined).map(Number);
      if (numbers.some((n) => n < min || n > max)) return `${name} "${part}" is outside ${min}-${max}`;
      if (match[4] !== undefined && Number(match[4]) === 0) return `${name} step must be at least 1`;
    }
  }
  return undefined;
}
