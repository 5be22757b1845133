import type { DeadLetter } from '../../dead-letter/dead-letter-store.ts';
import type { RunOutcome } from '../../executor/pipeline-runner.ts';

/** What `koppla run` prints when the run is over. */
export interface RunSummaryFacts {
  readonly outcome: RunOutcome;
  readonly durationMs?: number;
  /** The dead letters this run opened or updated. */
  readonly deadLetters: readonly DeadLetter[];
}

/**
 * The first line is the one scripts read (`run <id> <status>: N read, …`); below it how long the
 * run took, every record that failed with its step, file:line and error, and the run's report.
 */
export function formatRunSummary({ outcome, durationMs, deadLetters }: RunSummaryFacts): string {
  if (outcome.status === 'skipped') return `skipped: ${outcome.reason}\n`;
  const s = outcome.summary;
  const lines = [
    `run ${outcome.runId} ${outcome.status}: ${s.read} read, ${s.processed} processed, ${s.skipped} skipped, ${s.failed} failed (dead letters)` +
      `${s.retryLater ? `; stopped at ${s.retryLater.recordKey} (${s.retryLater.message}), resumes next run` : ''}`,
  ];
  if (durationMs !== undefined)
    lines.push(
      `  took ${(durationMs / 1000).toFixed(1)} s over ${s.pages} page(s)${s.batches === undefined ? '' : `, ${s.batches} batch(es)`}`,
    );
  if (s.parked)
    lines.push(
      `  parked ${s.parked}: dead-lettered before and unchanged since, not sent again (koppla status lists them; replay once fixed)`,
    );
  for (const d of deadLetters)
    lines.push(
      `  failed ${d.recordKey} at step ${d.failedStep} (${d.position.file}:${d.position.line}): ${d.error.message}  [dead letter ${d.id}]`,
    );
  for (const [name, finding] of Object.entries(s.report ?? {}))
    lines.push(
      `  report ${name}: ${finding.count} (${finding.values
        .slice(0, 10)
        .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
        .join(', ')}${finding.count > 10 ? ', …' : ''})`,
    );
  if (deadLetters.length > 0)
    lines.push(`  replay them once fixed: koppla replay --all --tenant ${deadLetters[0]!.tenant}`);
  return `${lines.join('\n')}\n`;
}
