import { cronProblem, parseDuration } from '../../config/index.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

const MIN_INTERVAL_MS = 10_000;

export const schedule: PipelineLintRule = {
  id: 'invalid-schedule',
  description: 'Schedules, lookbacks and backoffs are valid durations or cron expressions.',
  check(context) {
    const { pipeline } = context;
    const diagnostics = [];
    const every = pipeline.trigger?.schedule?.every;
    if (every !== undefined) {
      const ms = parseDuration(every);
      if (ms === undefined)
        diagnostics.push(report(context, this.id, '/trigger/schedule/every', `"${every}" is not a duration`));
      else if (ms < MIN_INTERVAL_MS)
        diagnostics.push(
          report(
            context,
            this.id,
            '/trigger/schedule/every',
            `"${every}" is shorter than the 10 s minimum interval`,
          ),
        );
    }
    const cron = pipeline.trigger?.schedule?.cron;
    const problem = cron === undefined ? undefined : cronProblem(cron);
    if (problem) diagnostics.push(report(context, this.id, '/trigger/schedule/cron', problem));
    const durations: [string, string | undefined][] = [
      ['/source/cursor/lookback', pipeline.source.cursor?.lookback],
      ['/retry/backoff/initial', pipeline.retry?.backoff?.initial],
      ['/retry/backoff/max', pipeline.retry?.backoff?.max],
    ];
    for (const [pointer, value] of durations) {
      if (value !== undefined && parseDuration(value) === undefined)
        diagnostics.push(report(context, this.id, pointer, `"${value}" is not a duration`));
    }
    const initial = parseDuration(pipeline.retry?.backoff?.initial ?? '');
    const max = parseDuration(pipeline.retry?.backoff?.max ?? '');
    if (initial !== undefined && max !== undefined && max < initial)
      diagnostics.push(
        report(context, this.id, '/retry/backoff/max', 'backoff max is shorter than its initial delay'),
      );
    return diagnostics;
  },
};
