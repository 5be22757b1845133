import { effectPlace, type InvokeOperation } from '../../core/plan/execute-record.ts';
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
  return async (step, input, effect) => {
    // a shared effect (a customer card, keyed by its match key) is the tenant's, reused by every record
    // with that key; a keyed one (a forEach element, a step `key`) is one of several of this record's
    const place = effectPlace(step.id, effect);
    const address = {
      tenant: context.tenant,
      pipeline: context.pipeline,
      recordKey: place.recordKey ?? context.recordKey,
      step: place.step,
    };
    const operation = resolve(step, effectKey(address));
    // a fresh read (the step's `fresh: true`) asks the remote side every time: what it reads may have
    // changed by hand since (a delivered quantity a person corrected before the replay)
    if (effect?.fresh) return operation.run(input);
    const { lookup, remoteIdOf } = operation;
    const outcome = await ledger.perform(
      { ...address, operation: `${step.connection}.${step.operation}`, input },
      {
        run: () => operation.run(input),
        ...(lookup ? { lookup: () => lookup.call(operation, input) } : {}),
        ...(remoteIdOf ? { remoteIdOf: (result: unknown) => remoteIdOf.call(operation, result) } : {}),
        ...(effect?.shared ? { refreshOnInputChange: true } : {}),
        ...(context.runId === undefined ? {} : { runId: context.runId }),
        ...(context.secrets === undefined ? {} : { secrets: context.secrets }),
      },
    );
    return outcome.result;
  };
}
