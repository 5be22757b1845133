import { MongoError } from 'mongodb';
import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';
import { executeRecord, StepFailedError, type StepEngines } from '../../core/plan/execute-record.ts';
import { isConnectorError, type RejectedRecord } from '../../core/plugin-api/index.ts';
import { recordVersion } from '../dead-letter/dead-letter-store.ts';
import type { FailedRecord, DeadLetterVersion, PipelineRunPorts, RunSummary } from './run-pipeline.ts';
import type { RunReport } from './run-report.ts';

/** What one run carries from record to record. */
export interface RunState {
  readonly ports: PipelineRunPorts;
  readonly summary: RunSummary;
  readonly report: RunReport;
  /** The cursor the run started from (undefined on a first run). */
  readonly startCursor: string | undefined;
}

/**
 * Counts a record read and decides whether it goes on: `source.where`, and its idempotency key (in
 * a batched pipeline also its `source.batch.key`, so a record whose key cannot be read fails alone,
 * not its whole batch). Returns the key, or undefined for a record skipped or dead-lettered here.
 */
export async function admit(state: RunState, record: unknown): Promise<string | undefined> {
  const { ports, summary } = state;
  const { plan, engines } = ports;
  summary.read++;
  const data = { record, params: ports.params ?? {}, tenant: ports.tenant ?? {} };
  try {
    if (plan.source.where !== undefined && !engines.isTruthy(engines.evaluate(plan.source.where, data))) {
      summary.skipped++;
      return undefined;
    }
    if (plan.source.batch?.key !== undefined) engines.evaluate(plan.source.batch.key, data);
    return recordKeyOf(plan, engines, data);
  } catch (error) {
    // a record the pipeline cannot even classify is this record's failure, not the run's
    summary.failed++;
    const id = (record as { id?: unknown } | null)?.id;
    await ports.deadLetter(
      sourceFailure(
        plan,
        `unkeyed:${String(id ?? summary.read)}`,
        record,
        plan.source.batch
          ? 'source.where / source.batch.key / idempotency.key'
          : 'source.where / idempotency.key',
        {
          message: error instanceof Error ? error.message : String(error),
          kind: error instanceof Error ? error.name : 'error',
        },
      ),
    );
    return undefined;
  }
}

/** An admitted record's open dead letter, and whether the record is the one that failed. */
export interface OpenMatch {
  readonly deadLetterId: string;
  readonly unchanged: boolean;
}

/**
 * The open dead letters of a page's admitted records (one query per page), each with whether the
 * record read now is the one that failed. Re-reading is routine (the cursor's lookback, a cursor held
 * before a record set aside), and sending a write the remote system refused for good again would
 * only spend its request budget and fail the same way.
 */
export async function openDeadLettersOf(
  state: RunState,
  units: readonly { readonly record: unknown; readonly key: string }[],
): Promise<ReadonlyMap<string, OpenMatch>> {
  const { ports } = state;
  const matches = new Map<string, OpenMatch>();
  if (!ports.openDeadLetters || units.length === 0) return matches;
  const open: ReadonlyMap<string, DeadLetterVersion> = await ports.openDeadLetters(
    units.map((unit) => unit.key),
  );
  for (const { record, key } of units) {
    const dead = open.get(key);
    if (dead)
      matches.set(key, { deadLetterId: dead.id, unchanged: dead.recordVersion === recordVersion(record) });
  }
  return matches;
}

/**
 * Dead-letters the items of a page the connector could not turn into records, unless one is parked:
 * dead-lettered before and read again unchanged (counted, not failed again).
 */
export async function deadLetterRejected(
  state: RunState,
  rejected: readonly RejectedRecord[],
): Promise<void> {
  const { ports, summary } = state;
  if (rejected.length === 0) return;
  const open = await openDeadLettersOf(
    state,
    rejected.map((item) => ({ record: item.raw, key: item.key })),
  );
  for (const item of rejected) {
    summary.read++;
    if (open.get(item.key)?.unchanged) {
      countParked(summary, 1);
      continue;
    }
    summary.failed++;
    await ports.deadLetter(sourceFailure(ports.plan, item.key, item.raw, 'source', item.error));
  }
}

/**
 * Runs one admitted record, unless it is parked: dead-lettered before and unchanged since, it waits
 * for a replay or a change in the source and is only counted. A record that changed since it was
 * dead-lettered is run again (the shop owner may have fixed it), and its dead letter is closed when
 * it goes through.
 */
export async function runAdmitted(
  state: RunState,
  unit: { readonly record: unknown; readonly key: string },
  open: ReadonlyMap<string, OpenMatch>,
): Promise<'processed' | 'failed' | 'stop' | 'parked'> {
  const { ports, summary } = state;
  const dead = open.get(unit.key);
  if (dead?.unchanged) {
    countParked(summary, 1);
    return 'parked';
  }
  const outcome = await runUnit(state, unit.record, unit.key, 1);
  if (outcome === 'processed' && dead) await ports.recovered?.(unit.key, dead.deadLetterId);
  return outcome;
}

/**
 * Runs the steps for one record or one batch (`count` records) under its key. A retryable failure
 * stops the run (`'stop'`: the next run resumes here) until the pipeline's retry.maxAttempts are
 * spent; then, like any other failure, it is dead-lettered and the run goes on.
 */
export async function runUnit(
  state: RunState,
  record: unknown,
  recordKey: string,
  count: number,
): Promise<'processed' | 'failed' | 'stop'> {
  const { ports, summary, report } = state;
  const { plan } = ports;
  try {
    const outcome = await executeRecord(
      plan,
      { record, params: ports.params ?? {}, tenant: ports.tenant ?? {} },
      ports.engines,
      ports.invokeFor(recordKey),
    );
    summary.processed += count;
    report.add(outcome);
    ports.traced?.(recordKey, 'processed', outcome);
    return 'processed';
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    report.add(error.outcome);
    // Koppla's own database failing under a step (the ledger could not be read or written) says
    // nothing about the record: it is retried by the next run, never dead-lettered, and does not
    // count against the record's attempts.
    if (
      error.cause instanceof MongoError ||
      (isRetryable(plan, error.cause) &&
        // a keyed or shared effect counts its own attempts (error.effect), not the step's
        (await ports.attemptsOf(error.effect?.recordKey ?? recordKey, error.effect?.step ?? error.step)) <
          plan.retry.maxAttempts)
    ) {
      summary.retryLater = { recordKey, step: error.step, message: error.message };
      ports.traced?.(recordKey, 'retry', error.outcome);
      return 'stop';
    }
    ports.traced?.(recordKey, 'failed', error.outcome);
    if ((await ports.deadLetter(failedRecord(recordKey, record, error))) === 'settled')
      countParked(summary, count);
    else summary.failed += count;
    return 'failed';
  }
}

export function sourceFailure(
  plan: ExecutionPlan,
  recordKey: string,
  record: unknown,
  failedStep: string,
  error: FailedRecord['error'],
): FailedRecord {
  return { recordKey, record, failedStep, position: plan.source.position, error, trace: [] };
}

function isRetryable(plan: ExecutionPlan, cause: unknown): boolean {
  return isConnectorError(cause) && cause.retryable && plan.retry.retryOn.includes(cause.kind);
}

function recordKeyOf(
  plan: ExecutionPlan,
  engines: StepEngines,
  data: Readonly<Record<string, unknown>>,
): string {
  const key =
    plan.idempotencyKey === undefined
      ? (data.record as { id?: unknown } | null)?.id
      : engines.evaluate(plan.idempotencyKey, data);
  if (key === undefined || key === null || key === '') {
    throw new Error(
      `pipeline ${plan.id}: a record has no idempotency key (set idempotency.key or give records an id)`,
    );
  }
  return String(key);
}

/** A step failure as a dead letter records it. */
export function failedRecord(recordKey: string, record: unknown, error: StepFailedError): FailedRecord {
  const cause = error.cause;
  const connector = isConnectorError(cause) ? cause : undefined;
  return {
    recordKey,
    record,
    failedStep: error.step,
    position: error.position,
    error: {
      message: cause instanceof Error ? cause.message : String(cause),
      kind: connector?.kind ?? (cause instanceof Error ? cause.name : 'error'),
      ...(connector?.field === undefined ? {} : { field: connector.field }),
      ...(connector?.code === undefined ? {} : { code: connector.code }),
    },
    trace: error.outcome.trace,
  };
}

/** `parked` is left out of a run's summary until something is parked. */
function countParked(summary: RunSummary, count: number): void {
  summary.parked = (summary.parked ?? 0) + count;
}
