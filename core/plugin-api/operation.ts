import type { ConnectionSettings, OperationContext } from './context.ts';
import type { JsonSchema } from './json.ts';

/** A worked call: `koppla explain` and dry runs return `output` instead of calling the service. */
export interface OperationExample<I = unknown, O = unknown> {
  readonly name: string;
  readonly description?: string;
  readonly input: I;
  readonly output: O;
}

/**
 * One thing a connector can do to a remote system, e.g. `invoices.create`. `I` and `O` are the
 * TypeScript shapes of `inputSchema` and `outputSchema`; keeping them in step is the connector's
 * job, and the contract tests check every example against both schemas.
 */
export interface OperationDefinition<I = unknown, O = unknown, S extends object = ConnectionSettings> {
  readonly description: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema: JsonSchema;
  /** At least one. */
  readonly examples: readonly OperationExample<I, O>[];
  /** True when running it twice with the same input leaves the same remote state (an upsert, a PUT). */
  readonly idempotent: boolean;
  /**
   * True when it only reads (a lookup, a list): it changes nothing on the remote side. A dry run
   * (`koppla dry-run`) runs read-only operations for real and refuses every other one, answering
   * with its first example instead. Absent: the operation writes.
   */
  readonly readOnly?: boolean;
  /**
   * Finds the remote object an earlier attempt may have created (e.g. an invoice by
   * `YourOrderNumber`), so the effects ledger can finish a write that crashed before it was
   * recorded instead of doing it twice. Resolves `undefined` when there is none.
   */
  lookup?(ctx: OperationContext<S>, input: I): Promise<O | undefined>;
  run(ctx: OperationContext<S>, input: I): Promise<O>;
  /**
   * How long one call of `run` or `lookup` may take, retries and waits for the request budget
   * included, before the runtime aborts `ctx.signal` and fails the step with a `TransientError`.
   * Default 120 000 ms.
   */
  readonly timeoutMs?: number;
}

/**
 * What any operation is assignable to. Method parameters are compared bivariantly, so an operation
 * with a narrower input or settings type still fits; callers that need the exact types keep them
 * through `defineConnector`'s inference.
 */
export type AnyOperationDefinition = OperationDefinition<unknown, unknown, object>;

/**
 * Types one operation: `defineOperation<Input, Output, Settings>({ … })` checks `run`, `lookup` and the
 * examples against the same types. Returns its argument.
 */
export function defineOperation<I, O, S extends object = ConnectionSettings>(
  definition: OperationDefinition<I, O, S>,
): OperationDefinition<I, O, S> {
  return definition;
}
