import type { Diagnostic, Severity } from '../../diagnostics/index.ts';
import type { YamlSource } from '../../config/index.ts';
import type { PipelineDocument } from '../../plan/pipeline-document.ts';

/** What the pipeline linter needs to know about a connector: the names it offers. */
export interface ConnectorNames {
  readonly id: string;
  readonly streams: Readonly<Record<string, unknown>>;
  readonly operations: Readonly<Record<string, unknown>>;
}

/** What the pipeline linter needs to know about a rule pack a pipeline refers to. */
export interface PackNames {
  readonly id: string;
  readonly output: string;
  readonly ruleIds: readonly string[];
}

export interface PipelineLintContext {
  readonly source: YamlSource;
  readonly pipeline: PipelineDocument;
  /** Registered connectors by connector id. */
  readonly connectors: ReadonlyMap<string, ConnectorNames>;
  /** Rule packs by the reference used in the pipeline (shipped id or local path). */
  readonly packs: ReadonlyMap<string, PackNames>;
}

/** One semantic check beyond the schema; `id` is what diagnostics carry as their rule. */
export interface PipelineLintRule {
  readonly id: string;
  readonly description: string;
  check(context: PipelineLintContext): Diagnostic[];
}

/** A diagnostic at the value (or key) that `pointer` names. */
export function report(
  context: PipelineLintContext,
  rule: string,
  pointer: string,
  message: string,
  options: { severity?: Severity; onKey?: boolean } = {},
): Diagnostic {
  const position = options.onKey ? context.source.keyPositionOf(pointer) : context.source.positionOf(pointer);
  return { ...position, severity: options.severity ?? 'error', rule, message, pointer };
}
