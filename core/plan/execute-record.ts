import { formatPosition, type SourcePosition } from '../diagnostics/index.ts';
import type { ExecutionPlan, OperationPlanStep, PlanStep } from './execution-plan.ts';
import { batchRecord } from './batch.ts';
import { ValidationError } from '../plugin-api/errors.ts';

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

/** Which effect of a step an invocation is, when the step has more than one per record or shares them. */
export interface StepEffect {
  /** The step's `key` (or a forEach element's index): tells its effects apart in the ledger. */
  readonly key?: string;
  /** The effect belongs to the tenant under `key`, shared by records (the step's `shared: true`). */
  readonly shared?: boolean;
  /** A read to do again every time, not kept in the effects ledger (the step's `fresh: true`). */
  readonly fresh?: boolean;
}

/**
 * Where an effect of a step is kept in the effects ledger, relative to its record: the step id (with
 * `[key]` for a keyed effect) and, for a shared effect, the record key it is shared under instead of
 * the record's own.
 */
export function effectPlace(
  stepId: string,
  effect: StepEffect | undefined,
): { step: string; recordKey?: string } {
  return {
    step: effect?.key === undefined ? stepId : `${stepId}[${effect.key}]`,
    ...(effect?.shared ? { recordKey: `shared:${stepId}` } : {}),
  };
}

/** Performs one connector operation. The runtime wraps it in the effects ledger; tests fake it. */
export type InvokeOperation = (
  step: OperationPlanStep,
  input: unknown,
  effect?: StepEffect,
) => Promise<unknown>;

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
    /** Where the failed effect is kept in the ledger, when it is not the step's own place (effectPlace). */
    readonly effect?: { readonly step: string; readonly recordKey?: string },
  ) {
    super(`step "${step}" (${position.file}:${position.line}:${position.col}) failed: ${messageOf(cause)}`);
    this.name = 'StepFailedError';
  }
}

/**
 * What a `fail` step throws: a refusal of the record as it is (not retried), with the field it names,
 * so the dead letter says what to fix before the replay.
 */
function pipelineFailure(rendered: unknown): ValidationError {
  const given =
    typeof rendered === 'object' && rendered !== null ? (rendered as Record<string, unknown>) : {};
  const message =
    typeof given.message === 'string' && given.message !== ''
      ? given.message
      : 'the pipeline stopped this record';
  return new ValidationError(message, {
    code: 'pipeline_fail',
    ...(typeof given.field === 'string' && given.field !== '' ? { field: given.field } : {}),
  });
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
    // the effect the step was performing when it failed (a keyed or shared one), for its attempts
    let failedEffect: StepEffect | undefined;
    try {
      // with forEach, `if` is asked per element (below)
      const perElement = step.kind === 'operation' && step.forEach !== undefined;
      if (!perElement && step.if !== undefined && !engines.isTruthy(engines.evaluate(step.if, data()))) {
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
      const place = failedEffect === undefined ? undefined : effectPlace(step.id, failedEffect);
      throw new StepFailedError(step.id, step.position, error, outcome(), place);
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
        case 'fail': {
          input = engines.renderTemplate(current.with ?? {}, data(), plan.templates);
          throw pipelineFailure(input);
        }
        case 'operation': {
          if (current.forEach === undefined) {
            input =
              current.with === undefined ? {} : engines.renderTemplate(current.with, data(), plan.templates);
            failedEffect = effectOf(current, data()) ?? (current.fresh ? { fresh: true } : undefined);
            return invoke(current, input, failedEffect);
          }
          // once per element, each its own effect in the ledger; the output is the list of outputs
          const items = engines.evaluate(current.forEach.items, data());
          if (items === null || items === undefined) return [];
          if (!Array.isArray(items)) throw new Error(`forEach: expected a list, got ${typeof items}`);
          const { as } = current.forEach;
          const inputs: unknown[] = [];
          const outputs: unknown[] = [];
          input = inputs;
          for (let index = 0; index < items.length; index++) {
            const itemData = { ...data(), [as]: items[index], [`${as}Index`]: index };
            // an element the step's `if` turns down keeps its place in the output, as null
            if (current.if !== undefined && !engines.isTruthy(engines.evaluate(current.if, itemData))) {
              inputs.push(null);
              outputs.push(null);
              continue;
            }
            const itemInput =
              current.with === undefined
                ? {}
                : engines.renderTemplate(current.with, itemData, plan.templates);
            inputs.push(itemInput);
            failedEffect = effectOf(current, itemData, String(index));
            outputs.push(await invoke(current, itemInput, failedEffect));
          }
          return outputs;
        }
      }
    }

    function effectOf(
      current: OperationPlanStep,
      stepData: Readonly<Record<string, unknown>>,
      fallback?: string,
    ): StepEffect | undefined {
      const key = current.key === undefined ? fallback : engines.evaluate(current.key, stepData);
      if (key === undefined) return undefined;
      if (key === null || key === '' || typeof key === 'object')
        throw new Error(
          `key: expected a text or a number to tell this step's effects apart, got ${JSON.stringify(key)}`,
        );
      return {
        key: String(key),
        ...(current.shared ? { shared: true } : {}),
        ...(current.fresh ? { fresh: true } : {}),
      };
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
