import type { SourcePosition } from '../diagnostics/index.ts';
import type { BuiltinStep } from './pipeline-document.ts';

/**
 * A pipeline compiled for execution: validated, durations in ms, every step resolved to a built-in
 * or a (connection, connector, operation), each with its source position. Deeply frozen.
 */
export interface ExecutionPlan {
  readonly id: string;
  readonly title: string;
  readonly version: string | undefined;
  readonly file: string;
  readonly connections: Readonly<Record<string, PlanConnection>>;
  readonly trigger: PlanTrigger;
  readonly source: PlanSource;
  readonly idempotencyKey: unknown;
  readonly packs: readonly PlanPack[];
  readonly templates: Readonly<Record<string, unknown>>;
  readonly retry: PlanRetry;
  readonly steps: readonly PlanStep[];
}

export interface PlanConnection {
  readonly name: string;
  readonly connector: string;
  readonly secretRef: string | undefined;
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface PlanTrigger {
  readonly everyMs: number | undefined;
  readonly cron: string | undefined;
  readonly timezone: string;
  readonly events: readonly string[];
}

export interface PlanSource {
  readonly connection: string;
  readonly connector: string;
  readonly stream: string;
  readonly cursorField: string | undefined;
  readonly lookbackMs: number;
  readonly where: unknown;
  readonly pageSize: number | undefined;
  /** Set when steps run once per batch of records (`record.items`) instead of once per record. */
  readonly batch: PlanBatch | undefined;
  readonly position: SourcePosition;
}

export interface PlanBatch {
  readonly size: number;
  /** Each record's key in `record.byKey`, evaluated with the record as `record`; undefined: no `byKey`. */
  readonly key?: unknown;
  /** Where `source.batch` is written. */
  readonly position: SourcePosition;
}

export interface PlanPack {
  /** As written in the pipeline: a shipped pack id or a local path. */
  readonly reference: string;
  readonly enabled: boolean;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface PlanRetry {
  readonly maxAttempts: number;
  readonly strategy: 'exponential' | 'linear' | 'constant';
  readonly initialMs: number;
  readonly maxMs: number;
  readonly retryOn: readonly string[];
}

interface PlanStepBase {
  readonly id: string;
  readonly description: string | undefined;
  readonly if: unknown;
  readonly with: unknown;
  readonly onError: 'fail' | 'continue';
  /** Where the step starts in its file, and its JSON Pointer (for positions of nested fields). */
  readonly position: SourcePosition;
  readonly pointer: string;
}

export interface BuiltinPlanStep extends PlanStepBase {
  readonly kind: BuiltinStep;
}

export interface OperationPlanStep extends PlanStepBase {
  readonly kind: 'operation';
  readonly connection: string;
  readonly connector: string;
  readonly operation: string;
  readonly match: readonly string[] | undefined;
  readonly lookupFirst: { readonly by: string; readonly value: unknown } | undefined;
  /** Set when the operation runs once per element of this expression's array (`steps.<id>.output` is a list). */
  readonly forEach?: { readonly items: unknown; readonly as: string } | undefined;
  /**
   * Tells this step's effects apart in the ledger: per element with forEach (default: the element's
   * index), else one effect per value, so a new value performs the step again.
   */
  readonly key?: unknown;
  /**
   * The effect belongs to the tenant, keyed by `key`, not to the record: every record with the same
   * key reuses it while the input is unchanged, and performs it again when the input changed.
   */
  readonly shared?: boolean;
  /** A read done again on every run of the record, never answered from the effects ledger. */
  readonly fresh?: boolean;
}

export type PlanStep = BuiltinPlanStep | OperationPlanStep;
