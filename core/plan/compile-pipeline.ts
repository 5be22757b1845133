import { hasErrors, type Diagnostic } from '../diagnostics/index.ts';
import { parseDuration, type YamlSource } from '../config/index.ts';
import { schemaDiagnostics } from '../validate/schema-diagnostics.ts';
import { SCHEMA_IDS, validatorFor } from '../validate/schema-registry.ts';
import { lintPipeline, type ConnectorNames, type PackNames } from '../validate/lint/index.ts';
import { expressions } from '../validate/lint/expressions.ts';
import { expressionSites } from '../validate/lint/expression-sites.ts';
import { deepFreeze } from '../data/deep-freeze.ts';
import type { ExecutionPlan, PlanStep } from './execution-plan.ts';
import { isBuiltinStep, splitUses, type PipelineDocument } from './pipeline-document.ts';

export interface PipelineCompileInput {
  readonly source: YamlSource;
  readonly connectors: ReadonlyMap<string, ConnectorNames>;
  /** Packs by the reference the pipeline uses; a reference missing here is reported. */
  readonly packs: ReadonlyMap<string, PackNames>;
}

export interface PipelineCompileResult {
  /** Present only when there are no errors (warnings allowed). */
  readonly plan: ExecutionPlan | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

const DEFAULT_RETRY = {
  maxAttempts: 6,
  strategy: 'exponential',
  initialMs: 30_000,
  maxMs: 30 * 60_000,
  retryOn: ['transient', 'rate_limited'],
} as const;

/** YAML → schema → lint → an immutable ExecutionPlan, or the diagnostics that stop it. */
export function compilePipeline(input: PipelineCompileInput): PipelineCompileResult {
  const { source } = input;
  const validate = validatorFor(SCHEMA_IDS.pipeline);
  const pipeline = source.value as PipelineDocument;
  if (!validate(source.value)) {
    const findings = sharpenExpressionFindings(
      schemaDiagnostics(validate.errors ?? [], source),
      pipeline,
      input,
    );
    if (findings.length > 0) return { plan: undefined, diagnostics: findings };
  }
  const diagnostics = lintPipeline({ source, pipeline, connectors: input.connectors, packs: input.packs });
  if (hasErrors(diagnostics)) return { plan: undefined, diagnostics };
  return { plan: deepFreeze(buildPlan(pipeline, source)), diagnostics };
}

/**
 * Inside an expression ajv can only say "must be one of <every operator>". Where the expression
 * linter has something sharper to say about an expression (unknown operator with did-you-mean,
 * argument counts), its findings replace the schema's; where it has nothing, the schema's stay. An
 * empty result means the pipeline fits its schema apart from what the linter will report.
 */
function sharpenExpressionFindings(
  schemaFindings: readonly Diagnostic[],
  pipeline: PipelineDocument,
  input: PipelineCompileInput,
): Diagnostic[] {
  const roots = expressionSites(pipeline).map((site) => site.pointer);
  const rootOf = (pointer: string | undefined): string | undefined =>
    pointer === undefined
      ? undefined
      : roots.find((root) => pointer === root || pointer.startsWith(`${root}/`));
  const sharper = expressions.check({
    source: input.source,
    pipeline,
    connectors: input.connectors,
    packs: input.packs,
  });
  const sharpened = new Set(sharper.map((d) => rootOf(d.pointer)));
  const remaining = schemaFindings.filter((d) => {
    const root = rootOf(d.pointer);
    return root === undefined || !sharpened.has(root);
  });
  if (remaining.length === 0) return [];
  return [...remaining, ...sharper].sort((a, b) => a.line - b.line || a.col - b.col);
}

function buildPlan(pipeline: PipelineDocument, source: YamlSource): ExecutionPlan {
  const connectorOf = (connection: string) => pipeline.connections[connection]?.connector ?? '';
  const steps = pipeline.steps.map((step, i): PlanStep => {
    const pointer = `/steps/${i}`;
    const common = {
      id: step.id,
      description: step.description,
      if: step.if,
      with: step.with,
      onError: step.onError ?? 'fail',
      position: source.positionOf(pointer),
      pointer,
    };
    if (isBuiltinStep(step.uses)) return { ...common, kind: step.uses };
    const { connection, operation } = splitUses(step.uses);
    return {
      ...common,
      kind: 'operation',
      connection,
      connector: connectorOf(connection),
      operation,
      match: step.match,
      lookupFirst: step.lookupFirst,
      forEach: step.forEach === undefined ? undefined : { items: step.forEach, as: step.as ?? 'item' },
      key: step.key,
      shared: step.shared ?? false,
      fresh: step.fresh ?? false,
    };
  });
  const backoff = pipeline.retry?.backoff;
  return {
    id: pipeline.metadata.id,
    title: pipeline.metadata.title ?? pipeline.metadata.id,
    version: pipeline.metadata.version,
    file: source.file,
    connections: Object.fromEntries(
      Object.entries(pipeline.connections).map(([name, c]) => [
        name,
        { name, connector: c.connector, secretRef: c.credentials?.secretRef, settings: c.settings ?? {} },
      ]),
    ),
    trigger: {
      everyMs: pipeline.trigger?.schedule?.every ? parseDuration(pipeline.trigger.schedule.every) : undefined,
      cron: pipeline.trigger?.schedule?.cron,
      timezone: pipeline.trigger?.schedule?.timezone ?? 'Europe/Stockholm',
      events: pipeline.trigger?.events ?? [],
    },
    source: {
      connection: pipeline.source.connection,
      connector: connectorOf(pipeline.source.connection),
      stream: pipeline.source.stream,
      cursorField: pipeline.source.cursor?.field,
      lookbackMs: parseDuration(pipeline.source.cursor?.lookback ?? 'PT0S') ?? 0,
      where: pipeline.source.where,
      pageSize: pipeline.source.pageSize,
      batch: pipeline.source.batch
        ? {
            size: pipeline.source.batch.size,
            key: pipeline.source.batch.key,
            position: source.positionOf(
              pipeline.source.batch.key === undefined ? '/source/batch' : '/source/batch/key',
            ),
          }
        : undefined,
      position: source.positionOf('/source'),
    },
    idempotencyKey: pipeline.idempotency?.key,
    packs: (pipeline.rules?.packs ?? []).map((p) => ({
      reference: p.pack,
      enabled: p.enabled ?? true,
      params: p.params ?? {},
    })),
    templates: pipeline.templates ?? {},
    retry: {
      maxAttempts: pipeline.retry?.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
      strategy: backoff?.strategy ?? DEFAULT_RETRY.strategy,
      initialMs: parseDuration(backoff?.initial ?? '') ?? DEFAULT_RETRY.initialMs,
      maxMs: parseDuration(backoff?.max ?? '') ?? DEFAULT_RETRY.maxMs,
      retryOn: pipeline.retry?.retryOn ?? DEFAULT_RETRY.retryOn,
    },
    steps,
  };
}
