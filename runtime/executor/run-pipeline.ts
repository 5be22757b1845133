import type { SourcePosition } from '../../core/diagnostics/index.ts';
import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';
import type { InvokeOperation, RecordOutcome, StepEngines } from '../../core/plan/execute-record.ts';
import type { StreamContext, StreamDefinition, StreamPage } from '../../core/plugin-api/index.ts';
import { readStart } from './lookback.ts';
import { admit, openDeadLettersOf, runAdmitted, deadLetterRejected, type RunState } from './record-intake.ts';
import { runBatches } from './run-batches.ts';
import { RunReport, type RunReportSummary } from './run-report.ts';

export { failedRecord } from './record-intake.ts';

/** A record that could not be processed, with everything needed to understand and replay it. */
export interface FailedRecord {
  readonly recordKey: string;
  readonly record: unknown;
  readonly failedStep: string;
  readonly position: SourcePosition;
  readonly error: {
    readonly message: string;
    readonly kind: string;
    readonly field?: string;
    readonly code?: string;
  };
  readonly trace: readonly unknown[];
}

/** A record's open dead letter, as `openDeadLetters` tells it. */
export interface DeadLetterVersion {
  readonly id: string;
  /** The failed record's `recordVersion` (runtime/dead-letter). */
  readonly recordVersion: string;
}

/** What a run needs from the world; the runtime wires MongoDB stores and the effects ledger in. */
export interface PipelineRunPorts {
  readonly plan: ExecutionPlan;
  readonly engines: StepEngines;
  readonly stream: StreamDefinition<unknown, object>;
  readonly streamContext: StreamContext<object>;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly tenant?: Readonly<Record<string, unknown>>;
  readCursor(): Promise<string | undefined>;
  /** Called after every page whose records were all processed or dead-lettered. */
  advanceCursor(cursor: string): Promise<void>;
  /** Operations for one record, through the effects ledger keyed by `recordKey`. */
  invokeFor(recordKey: string): InvokeOperation;
  /**
   * Keeps a failure. `'settled'`: a person already resolved this very failure by hand (same step,
   * same message), so the record is parked rather than failed again.
   */
  deadLetter(failure: FailedRecord): Promise<void | 'settled'>;
  /**
   * The open dead letters of these records, by record key, with the version of the record that
   * failed. A record read again unchanged is parked (not run); without this port none is.
   */
  openDeadLetters?(recordKeys: readonly string[]): Promise<ReadonlyMap<string, DeadLetterVersion>>;
  /** A record with an open dead letter went through after it changed: the dead letter is done with. */
  recovered?(recordKey: string, deadLetterId: string): Promise<void>;
  /** How many times this record's step has been attempted (the ledger counts them). */
  attemptsOf(recordKey: string, step: string): Promise<number>;
  /** Told every record's (or batch's) outcome with its rule trace, for the run's stored traces. */
  traced?(recordKey: string, status: 'processed' | 'failed' | 'retry', outcome: RecordOutcome): void;
}

export interface RunSummary {
  read: number;
  processed: number;
  skipped: number;
  failed: number;
  pages: number;
  /**
   * Set when a record failed in a way worth retrying (the service was down or rate-limited): the
   * cursor stays before its page, so the next run resumes there (the latest such record; the run
   * goes on with the others, up to SET_ASIDE_PER_RUN of them).
   */
  retryLater?: { recordKey: string; step: string; message: string };
  /**
   * Records not run because they failed for good before (an open dead letter) and are unchanged
   * since: they wait for a replay or a change in the source. Absent when none.
   */
  parked?: number;
  /** Batches finished, processed or dead-lettered (batched pipelines only; the counts above stay per record). */
  batches?: number;
  /** What the pipeline's `report` steps found, each value once; absent when nothing. */
  report?: RunReportSummary;
}

/**
 * One run of a pipeline: read the source stream from the cursor, keep the records `where` accepts,
 * run the steps for each under its idempotency key (or once per batch, `source.batch`), dead-letter
 * what fails, and move the cursor only past pages that are fully handled — a crash re-reads the page,
 * and the ledger keeps the second pass from repeating any write.
 */
export async function runPipeline(ports: PipelineRunPorts): Promise<RunSummary> {
  const { plan } = ports;
  const summary: RunSummary = { read: 0, processed: 0, skipped: 0, failed: 0, pages: 0 };
  const cursor = await ports.readCursor();
  const pages = ports.stream.read(ports.streamContext, {
    // the pipeline's lookback: a cursor that is a time is read from that far before it (as `since`)
    ...readStart(cursor, plan.source.lookbackMs),
    ...(plan.source.pageSize === undefined ? {} : { pageSize: plan.source.pageSize }),
  });
  const state: RunState = { ports, summary, report: new RunReport(plan), startCursor: cursor };
  await (plan.source.batch ? runBatches(state, pages) : runRecords(state, pages));
  const report = state.report.summary();
  if (report) summary.report = report;
  return summary;
}

/**
 * How many records one run may set aside for the next run (a retryable failure) before it stops. A
 * record that fails now and then does not hold up every record behind it; a service that is down
 * (every record fails) still stops the run after a few, so a long outage spends the retry.maxAttempts
 * of only these few records per run.
 */
export const SET_ASIDE_PER_RUN = 5;

async function runRecords(state: RunState, pages: AsyncIterable<StreamPage<unknown>>): Promise<void> {
  const { ports, summary } = state;
  let setAside = 0;
  for await (const page of pages) {
    summary.pages++;
    await deadLetterRejected(state, page.rejected ?? []);
    const units: { record: unknown; key: string }[] = [];
    for (const record of page.records) {
      const key = await admit(state, record);
      if (key !== undefined) units.push({ record, key });
    }
    const open = await openDeadLettersOf(state, units);
    for (const unit of units) {
      if ((await runAdmitted(state, unit, open)) === 'stop' && ++setAside >= SET_ASIDE_PER_RUN) return;
    }
    // the cursor stays before the first page with a record set aside: the next run reads it again,
    // and the ledger answers for every record it finished since
    if (page.cursor && setAside === 0) await ports.advanceCursor(page.cursor);
  }
}
