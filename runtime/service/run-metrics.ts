import type { RunOutcome } from '../executor/pipeline-runner.ts';

/** Counters of this worker's runs, in the Prometheus text format. */
export class RunMetrics {
  readonly #runs = new Map<string, number>();
  readonly #records = new Map<string, number>();
  /** Seconds since the epoch of the last run finished here, and of the last that succeeded. */
  readonly #lastRun = new Map<string, number>();
  readonly #lastSuccess = new Map<string, number>();

  record(tenant: string, pipeline: string, outcome: RunOutcome, now: number = Date.now()): void {
    this.#add(this.#runs, `tenant="${tenant}",pipeline="${pipeline}",status="${outcome.status}"`, 1);
    if (outcome.status !== 'skipped')
      this.#lastRun.set(`tenant="${tenant}",pipeline="${pipeline}"`, now / 1000);
    if (outcome.status === 'succeeded')
      this.#lastSuccess.set(`tenant="${tenant}",pipeline="${pipeline}"`, now / 1000);
    if (outcome.status === 'skipped') return;
    const { processed, failed, skipped, parked } = outcome.summary;
    // parked: dead-lettered before and read again unchanged, so not run (a series only once there is one)
    const results = { processed, failed, skipped, ...(parked === undefined ? {} : { parked }) };
    for (const [result, count] of Object.entries(results)) {
      this.#add(this.#records, `tenant="${tenant}",pipeline="${pipeline}",result="${result}"`, count);
    }
  }

  prometheus(gauges: { queued: number }): string {
    const lines = [
      '# HELP koppla_runs_total Pipeline runs by outcome.',
      '# TYPE koppla_runs_total counter',
      ...[...this.#runs].map(([labels, n]) => `koppla_runs_total{${labels}} ${n}`),
      '# HELP koppla_records_total Records by result.',
      '# TYPE koppla_records_total counter',
      ...[...this.#records].map(([labels, n]) => `koppla_records_total{${labels}} ${n}`),
      '# HELP koppla_last_run_timestamp_seconds When this worker last finished a run of the pipeline.',
      '# TYPE koppla_last_run_timestamp_seconds gauge',
      ...[...this.#lastRun].map(([labels, t]) => `koppla_last_run_timestamp_seconds{${labels}} ${t}`),
      '# HELP koppla_last_success_timestamp_seconds When this worker last finished a successful run of the pipeline.',
      '# TYPE koppla_last_success_timestamp_seconds gauge',
      ...[...this.#lastSuccess].map(([labels, t]) => `koppla_last_success_timestamp_seconds{${labels}} ${t}`),
      '# HELP koppla_queue_depth Jobs waiting to run.',
      '# TYPE koppla_queue_depth gauge',
      `koppla_queue_depth ${gauges.queued}`,
    ];
    return `${lines.join('\n')}\n`;
  }

  #add(map: Map<string, number>, key: string, n: number): void {
    map.set(key, (map.get(key) ?? 0) + n);
  }
}
