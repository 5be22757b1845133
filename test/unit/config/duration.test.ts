import { describe, expect, it } from 'vitest';
import { cronProblem, parseDuration } from '../../../core/config/index.ts';

describe('parseDuration', () => {
  it.each([
    ['PT5M', 300_000],
    ['PT15M', 900_000],
    ['P1D', 86_400_000],
    ['P1DT2H', 93_600_000],
    ['PT0.5S', 500],
    ['PT0S', 0],
    ['5 minutes', 300_000],
    ['1 minute', 60_000],
    ['30 seconds', 30_000],
    ['30s', 30_000],
    ['100 milliseconds', 100],
    ['2 hours', 7_200_000],
    ['1 day', 86_400_000],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['P', 'PT', '5', 'five minutes', 'P1M', 'P1Y', '5 fortnights', '-5 minutes', ''])(
    'rejects %j',
    (text) => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );
});

describe('cronProblem', () => {
  it.each(['*/5 * * * *', '0 3 * * 1-5', '15,45 8-17 1 1,6 0', '0 0 * * 7'])('accepts %s', (cron) => {
    expect(cronProblem(cron)).toBeUndefined();
  });

  it.each([
    ['* * * *', 'cron needs 5 fields (minute hour day month weekday), got 4'],
    ['60 * * * *', 'minute "60" is outside 0-59'],
    ['* 24 * * *', 'hour "24" is outside 0-23'],
    ['* * 0 * *', 'day of month "0" is outside 1-31'],
    ['*/0 * * * *', 'minute step must be at least 1'],
    ['a * * * *', 'invalid minute "a"'],
  ])('rejects %s', (cron, message) => {
    expect(cronProblem(cron)).toBe(message);
  });
});
