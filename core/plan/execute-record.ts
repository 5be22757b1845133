import { formatPosition, type SourcePosition } from '../diagnostics/index.ts';
import type { ExecutionPlan, OperationPlanStep, PlanStep } from './execution-plan.ts';
import { batchRecord } from './batch.ts';

/** The expression and rule machinery the executor needs; core/expr and core/rules provide it. */
export interface StepEngines {
  evaluate(expression: unknown, data: Readonly<Record<string, unknown>>): unknown;
  /** JSON-Logic truthiness: an empty array is false, unlike in JavaScript. */
  isTruthy(value: unknown): boolean;
  renderTemplate(
    template: unknown,
    data: Readonly<Record<string, unknown>>,
    named?: Readonly<Record<string, unknown>>,
  ): unknown;
  /** Runs the plan's rule packs for the current data; returns decisions and their trace. */
  evaluateRules(data: Readonly<Record<string, unknown>>): {
    decisions: Record<string, unknown>;
    trace: readonly unknown[];
  };
}

/** Performs one connector operation. The runtime wraps it in the effects ledger; tests fake it. */
export type InvokeOperation = (step: OperationPlanStep, input: unknown) => Promise<unknown>;

export interface RecordContext {
  readonly record: unknown;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly tenant?: Readonly<Record<string, unknown>>;
}

export type StepStatus = 'done' | 'skipped' | 'failed';

export interface StepResult {
  readonly id: string;
  readonly status: StepStatus;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: string;
}

export interface RecordOutcome {
  readonly decisions: Record<string, unknown>;
  readonly trace: readonly unknown[];
  readonly steps: readonly StepResult[];
}

/**
 * A step failed. Names the step, where it is written, and — when the cause knows it — the field;
 * the runtime puts all of it in the dead letter.
 */
export class StepFailedError extends Error {
  constructor(
    readonly step: string,
    readonly position: SourcePosition,
    override readonly cause: unknown,
    readonly outcome: RecordOutcome,
  ) {
    super(`step "${step}" (${position.file}:${position.line}:${position.col}) failed: ${messageOf(cause)}`);
    this.name = 'StepFailedError';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs a plan's steps for one record: `if` gates, `with` templates (with `$each`, `$ref` to the
 * plan's templates), the rules step, and `steps.<id>.output` for later steps. A failing step stops
 * the record (strict semantics) unless the step says `onError: continue`. In a batched plan the
 * record is a batch (`{ items }`, or one record as a batch of one) and the steps see `record.items`
 * and `record.byKey`.
 */
export async function executeRecord(
  plan: ExecutionPlan,
  context: RecordContext,
  engines: StepEngines,
  invoke: InvokeOperation,
): Promise<RecordOutcome> {
  const stepOutputs: Record<string, { output: unknown }> = {};
  let decisions: Record<string, unknown> = {};
  let trace: readonly unknown[] = [];
  const results: StepResult[] = [];
  const record = stepRecord(plan, context, engines);
  const data = (): Record<string, unknown> => ({
    record,
    params: context.params ?? {},
    tenant: context.tenant ?? {},
    decisions,
    steps: stepOutputs,
  });
  const outcome = (): RecordOutcome => ({ decisions, trace, steps: [...results] });

  for (const step of plan.steps) {
    let input: unknown;
    try {
      if (step.if !== undefined && !engines.isTruthy(engines.evaluate(step.if, data()))) {
        results.push({ id: step.id, status: 'skipped' });
        continue;
      }
      const output = await runStep(step);
      results.push({ id: step.id, status: 'done', ...(input === undefined ? {} : { input }), output });
      stepOutputs[step.id] = { output };
    } catch (error) {
      results.push({
        id: step.id,
        status: 'failed',
        ...(input === undefined ? {} : { input }),
        error: messageOf(error),
      });
      if (step.onError === 'continue') continue;
      throw new StepFailedError(step.id, step.position, error, outcome());
    }

    async function runStep(current: PlanStep): Promise<unknown> {
      switch (current.kind) {
        case 'rules.evaluate': {
          const evaluated = engines.evaluateRules(data());
          decisions = evaluated.decisions;
          trace = evaluated.trace;
          return decisions;
        }
        case 'transform':
          input = engines.renderTemplate(current.with, data(), plan.templates);
          return input;
        case 'report':
          input = engines.renderTemplate(current.with ?? {}, data(), plan.templates);
          if (typeof input !== 'object' || input === null || Array.isArray(input))
            throw new Error("a report step's with must render to an object: { <finding>: <values> }");
          return input;
        case 'operation':
          input =
            current.with === undefined ? {} : engines.renderTemplate(current.with, data(), plan.templates);
          return invoke(current, input);
      }
    }
  }
  return outcome();
}

/** The record the steps see: the record itself, or in a batched plan the batch with `byKey`. */
function stepRecord(plan: ExecutionPlan, context: RecordContext, engines: StepEngines): unknown {
  const { batch } = plan.source;
  if (!batch) return context.record;
  const base = { params: context.params ?? {}, tenant: context.tenant ?? {} };
  return batchRecord(batch, context.record, (item) => {
    try {
      return engines.evaluate(batch.key, { ...base, record: item });
    } catch (error) {
      throw new Error(`source.batch.key (${formatPosition(batch.position)}): ${messageOf(error)}`, {
        cause: error,
      });
    }
  });
}
