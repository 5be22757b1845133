import type { RunOutcome } from '../executor/pipeline-runner.ts';

/** Counters of this worker's runs, in the Prometheus text format. */
export class RunMetrics {
  readonly #runs = new Map<string, number>();
  readonly #records = new Map<string, number>();

  record(tenant: string, pipeline: string, outcome: RunOutcome): void {
    this.#add(this.#runs, `tenant="${tenant}",pipeline="${pipeline}",status="${outcome.status}"`, 1);
    if (outcome.status === 'skipped') return;
    const { processed, failed, skipped } = outcome.summary;
    for (const [result, count] of Object.entries({ processed, failed, skipped })) {
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
