import type { SourcePosition } from '../../core/diagnostics/index.ts';
import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';
import {
  executeRecord,
  StepFailedError,
  type InvokeOperation,
  type StepEngines,
} from '../../core/plan/execute-record.ts';
import { isConnectorError, type StreamContext, type StreamDefinition } from '../../core/plugin-api/index.ts';

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
  deadLetter(failure: FailedRecord): Promise<void>;
  /** How many times this record's step has been attempted (the ledger counts them). */
  attemptsOf(recordKey: string, step: string): Promise<number>;
}

export interface RunSummary {
  read: number;
  processed: number;
  skipped: number;
  failed: number;
  pages: number;
  /**
   * Set when a record failed in a way worth retrying (the service was down or rate-limited): the
   * run stopped there without moving the cursor, so the next run resumes at that page.
   */
  retryLater?: { recordKey: string; step: string; message: string };
}

/**
 * One run of a pipeline: read the source stream from the cursor, keep the records `where` accepts,
 * run the steps for each under its idempotency key, dead-letter what fails, and move the cursor
 * only past pages that are fully handled — a crash re-reads the page, and the ledger keeps the
 * second pass from repeating any write.
 */
export async function runPipeline(ports: PipelineRunPorts): Promise<RunSummary> {
  const { plan, engines } = ports;
  const summary: RunSummary = { read: 0, processed: 0, skipped: 0, failed: 0, pages: 0 };
  const cursor = await ports.readCursor();
  const pages = ports.stream.read(ports.streamContext, {
    ...(cursor === undefined ? {} : { cursor }),
    ...(plan.source.pageSize === undefined ? {} : { pageSize: plan.source.pageSize }),
  });
  for await (const page of pages) {
    summary.pages++;
    for (const rejected of page.rejected ?? []) {
      summary.read++;
      summary.failed++;
      await ports.deadLetter(sourceFailure(plan, rejected.key, rejected.raw, 'source', rejected.error));
    }
    for (const record of page.records) {
      summary.read++;
      const data = { record, params: ports.params ?? {}, tenant: ports.tenant ?? {} };
      let recordKey: string;
      try {
        if (plan.source.where !== undefined && !engines.isTruthy(engines.evaluate(plan.source.where, data))) {
          summary.skipped++;
          continue;
        }
        recordKey = recordKeyOf(plan, engines, data);
      } catch (error) {
        // a record the pipeline cannot even classify is this record's failure, not the run's
        summary.failed++;
        const id = (record as { id?: unknown } | null)?.id;
        await ports.deadLetter(
          sourceFailure(
            plan,
            `unkeyed:${String(id ?? summary.read)}`,
            record,
            'source.where / idempotency.key',
            {
              message: error instanceof Error ? error.message : String(error),
              kind: error instanceof Error ? error.name : 'error',
            },
          ),
        );
        continue;
      }
      try {
        await executeRecord(
          plan,
          { record, params: data.params, tenant: data.tenant },
          engines,
          ports.invokeFor(recordKey),
        );
        summary.processed++;
      } catch (error) {
        if (!(error instanceof StepFailedError)) throw error;
        // retryable failures stop the run (the next one resumes here) until the pipeline's
        // retry.maxAttempts are spent; then the record is dead-lettered and the rest goes on
        if (
          isRetryable(plan, error.cause) &&
          (await ports.attemptsOf(recordKey, error.step)) < plan.retry.maxAttempts
        ) {
          summary.retryLater = { recordKey, step: error.step, message: error.message };
          return summary;
        }
        summary.failed++;
        await ports.deadLetter(failedRecord(recordKey, record, error));
      }
    }
    if (page.cursor) await ports.advanceCursor(page.cursor);
  }
  return summary;
}

function sourceFailure(
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
