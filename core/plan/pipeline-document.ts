/**
 * A pipeline file after YAML parsing and schema validation (schemas/pipeline.schema.json is the truth;
 * these types mirror it).
 */
export interface PipelineDocument {
  apiVersion: 'koppla/v1';
  kind: 'Pipeline';
  metadata: { id: string; title?: string; description?: string; version?: string };
  connections: Record<string, ConnectionDocument>;
  trigger?: {
    schedule?: { every?: string; cron?: string; timezone?: string };
    events?: string[];
  };
  source: {
    connection: string;
    stream: string;
    cursor?: { field: string; lookback?: string };
    where?: unknown;
    pageSize?: number;
    batch?: { size: number; key?: unknown };
  };
  idempotency?: { key: unknown };
  rules?: { packs: PackReference[] };
  templates?: Record<string, unknown>;
  retry?: {
    maxAttempts?: number;
    backoff?: { strategy?: 'exponential' | 'linear' | 'constant'; initial?: string; max?: string };
    retryOn?: string[];
  };
  steps: StepDocument[];
}

export interface ConnectionDocument {
  connector: string;
  credentials?: { secretRef: string };
  settings?: Record<string, unknown>;
}

export interface PackReference {
  pack: string;
  enabled?: boolean;
  params?: Record<string, unknown>;
}

export interface StepDocument {
  id: string;
  uses: string;
  description?: string;
  if?: unknown;
  with?: unknown;
  match?: string[];
  lookupFirst?: { by: string; value: unknown };
  forEach?: unknown;
  as?: string;
  key?: unknown;
  shared?: boolean;
  fresh?: boolean;
  onError?: 'fail' | 'continue';
}

/** Steps Koppla provides itself; every other `uses` is `<connection>.<operation>`. */
export const BUILTIN_STEPS = {
  'rules.evaluate': 'evaluate the pipeline rule packs into decisions',
  transform: 'build a value from a template (its output is the rendered `with`)',
  report: 'add findings to the run report (its output is the rendered `with`, an object of lists)',
  fail: 'stop the record with the rendered `with` ({ message, field? }): dead-lettered, replayable once fixed',
} as const;
export type BuiltinStep = keyof typeof BUILTIN_STEPS;

export function isBuiltinStep(uses: string): uses is BuiltinStep {
  return Object.hasOwn(BUILTIN_STEPS, uses);
}

/** Splits `ledger.orders.create` into connection `ledger` and operation `orders.create`. */
export function splitUses(uses: string): { connection: string; operation: string } {
  const dot = uses.indexOf('.');
  return { connection: uses.slice(0, dot), operation: uses.slice(dot + 1) };
}
