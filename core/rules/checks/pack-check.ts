import type { Diagnostic, Severity } from '../../diagnostics/index.ts';
import type { YamlSource } from '../../config/index.ts';
import type { RulePackDocument } from '../types.ts';

export interface PackCheckContext {
  readonly source: YamlSource;
  /** The pack as written; it passed the schema. */
  readonly pack: RulePackDocument;
}

/** One semantic check of a pack beyond its schema; `id` is the rule diagnostics carry. */
export interface PackCheck {
  readonly id: string;
  readonly description: string;
  check(context: PackCheckContext): Diagnostic[];
}

/** A diagnostic at the value (or key) that `pointer` names. */
export function report(
  context: PackCheckContext,
  rule: string,
  pointer: string,
  message: string,
  options: { severity?: Severity; onKey?: boolean } = {},
): Diagnostic {
  const position = options.onKey ? context.source.keyPositionOf(pointer) : context.source.positionOf(pointer);
  return { ...position, severity: options.severity ?? 'error', rule, message, pointer };
}
