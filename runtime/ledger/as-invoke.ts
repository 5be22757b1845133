import type { InvokeOperation } from '../../core/plan/execute-record.ts';
import type { OperationPlanStep } from '../../core/plan/execution-plan.ts';
import { effectKey } from './effect-key.ts';
import type { EffectsLedger } from './effects-ledger.ts';

/** The record an executor is working on; the ledger keys every effect by it. */
export interface RecordEffectContext {
  readonly tenant: string;
  readonly pipeline: string;
  /** The record's idempotency key, from the pipeline's `idempotency.key`. */
  readonly recordKey: string;
  readonly runId?: string;
  /** The tenant's credential values, scrubbed from recorded errors. */
  readonly secrets?: readonly string[];
}

/** A connector operation bound to its connection: what the ledger runs, and how to find an earlier result. */
export interface BoundOperation {
  run(input: unknown): Promise<unknown>;
  lookup?(input: unknown): Promise<unknown>;
  remoteIdOf?(result: unknown): string | undefined;
}

/**
 * Binds an operation step to its connector. Gets the ledger key, to pass on as the operation
 * context's `idempotencyKey` (stable across retries) to services that accept one.
 */
export type ResolveOperation = (step: OperationPlanStep, idempotencyKey: string) => BoundOperation;

/**
 * The executor's `InvokeOperation` for one record: every operation step goes through the effects
 * ledger, so a re-run of the record skips committed steps and returns their stored outputs.
 */
export function asInvoke(
  ledger: EffectsLedger,
  context: RecordEffectContext,
  resolve: ResolveOperation,
): InvokeOperation {
  return async (step, input) => {
    const address = {
      tenant: context.tenant,
      pipeline: context.pipeline,
      recordKey: context.recordKey,
      step: step.id,
    };
    const operation = resolve(step, effectKey(address));
    const { lookup, remoteIdOf } = operation;
    const outcome = await ledger.perform(
      { ...address, operation: `${step.connection}.${step.operation}`, input },
      {
        run: () => operation.run(input),
        ...(lookup ? { lookup: () => lookup.call(operation, input) } : {}),
        ...(remoteIdOf ? { remoteIdOf: (result: unknown) => remoteIdOf.call(operation, result) } : {}),
        ...(context.runId === undefined ? {} : { runId: context.runId }),
        ...(context.secrets === undefined ? {} : { secrets: context.secrets }),
      },
    );
    return outcome.result;
  };
}
