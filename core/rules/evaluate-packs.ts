import { KopplaUserError, type SourcePosition } from '../diagnostics/index.ts';
import { evaluate, ExpressionError, renderTemplate } from '../expr/index.ts';
import { resolvePackParams, type Params } from './params.ts';
import {
  DEFAULT_RULE,
  PACK_RULE,
  type CompiledRule,
  type CompiledRulePack,
  type Decisions,
  type EvaluationResult,
  type LineDecisions,
  type PackUse,
  type RuleContext,
  type RuleToggles,
  type TraceEntry,
} from './types.ts';

/**
 * A `when` or `then` threw. Carries the trace up to and including the ERROR entry, so the dead letter
 * and `koppla explain` show what was decided before it failed.
 */
export class RuleEvaluationError extends KopplaUserError {
  constructor(
    message: string,
    readonly trace: readonly TraceEntry[],
    readonly pack: string,
    readonly packVersion: string,
    readonly rule: string,
    /** Where the rule's id is written. */
    readonly source: SourcePosition,
    readonly lineIndex: number | undefined,
    /** Where the failing `when` or `then` is written. */
    position: SourcePosition,
    options?: { cause?: unknown },
  ) {
    super(message, [{ ...position, severity: 'error', rule: 'rule-evaluation', message }]);
    this.name = 'RuleEvaluationError';
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** The variables rules read. One object per pack (and per line), never a deep copy of the record. */
interface Scope {
  readonly record: unknown;
  readonly decisions: Decisions;
  readonly params: Params;
  readonly tenant: unknown;
  readonly steps: unknown;
  readonly line?: unknown;
  readonly lineIndex?: number;
}

const NO_DECISION = Symbol('no decision');

/**
 * Runs the packs in order over one record. Order-scope packs write decisions[output]; line-scope packs
 * run once per record.lines[i] and write decisions.lines[i][output]. Later packs read earlier packs'
 * decisions. The trace has one entry per rule considered.
 */
export function evaluatePacks(
  packs: readonly PackUse[],
  context: RuleContext,
  toggles?: RuleToggles,
): EvaluationResult {
  const trace: TraceEntry[] = [];
  const record = context.record;
  // a shallow copy: the caller's decisions stay as they were, packs add their own outputs
  const decisions: Decisions = { ...context.decisions };
  const lines = linesOf(record);
  if (lines) {
    const before = context.decisions?.lines;
    decisions.lines = lines.map((line, i): LineDecisions => ({ ...before?.[i], line }));
  }
  const tenant = context.tenant;
  const steps = context.steps ?? {};

  for (const use of packs) {
    const { pack } = use;
    if (!(toggles?.packs?.[pack.id] ?? use.enabled ?? true)) {
      trace.push({
        pack: pack.id,
        packVersion: pack.version,
        rule: PACK_RULE,
        reason: 'DISABLED',
        source: pack.at,
      });
      continue;
    }
    const params = resolvePackParams(pack, use.params, context.params?.[pack.id]);
    const enabled = ruleStates(pack, toggles);
    if (pack.scope === 'order') {
      const result = decide(pack, enabled, { record, decisions, params, tenant, steps }, trace, undefined);
      if (result !== NO_DECISION) decisions[pack.output] = result;
    } else if (lines && decisions.lines) {
      for (let i = 0; i < lines.length; i++) {
        const scope: Scope = { record, decisions, params, tenant, steps, line: lines[i], lineIndex: i };
        const result = decide(pack, enabled, scope, trace, i);
        if (result !== NO_DECISION) (decisions.lines[i] as Record<string, unknown>)[pack.output] = result;
      }
    }
  }
  return { decisions, trace };
}

function linesOf(record: unknown): readonly unknown[] | undefined {
  const lines = (record as { lines?: unknown } | null | undefined)?.lines;
  return Array.isArray(lines) ? lines : undefined;
}

/** On/off per rule for this evaluation: the tenant's toggle, else the rule's own default. */
function ruleStates(pack: CompiledRulePack, toggles: RuleToggles | undefined): readonly boolean[] {
  const overrides = toggles?.rules;
  if (!overrides) return pack.rules.map((rule) => rule.enabled);
  return pack.rules.map((rule) => overrides[rule.key] ?? rule.enabled);
}

/** One pack over one scope: the decision, or NO_DECISION when nothing matched and there is no default. */
function decide(
  pack: CompiledRulePack,
  enabled: readonly boolean[],
  scope: Scope,
  trace: TraceEntry[],
  lineIndex: number | undefined,
): unknown {
  // the hot path: no closures, no copies; one try around the loop, which tracks where it is
  const data = scope as unknown as Readonly<Record<string, unknown>>;
  const { rules } = pack;
  let merged: Record<string, unknown> | undefined;
  let r = 0;
  let part: 'when' | 'then' = 'when';
  try {
    for (; r < rules.length; r++) {
      const rule = rules[r]!;
      if (!enabled[r]) {
        trace.push(traceEntry(pack, rule.id, 'DISABLED', rule.at, lineIndex));
        continue;
      }
      part = 'when';
      if (rule.when !== true && !truthy(evaluate(rule.when, data))) {
        trace.push(traceEntry(pack, rule.id, 'NOT_MATCHED', rule.at, lineIndex));
        continue;
      }
      part = 'then';
      const output = renderTemplate(rule.then, data);
      trace.push(traceEntry(pack, rule.id, 'MATCHED', rule.at, lineIndex));
      if (pack.strategy !== 'all') return output;
      merged = merged ? Object.assign(merged, output) : { ...(output as Record<string, unknown>) };
    }
    if (merged) return merged;
    if (!pack.default) return NO_DECISION;
    part = 'then';
    const output = renderTemplate(pack.default.then, data);
    trace.push(traceEntry(pack, DEFAULT_RULE, 'DEFAULT', pack.default.at, lineIndex));
    return output;
  } catch (error) {
    throw failure(pack, rules[r], part, error, trace, lineIndex);
  }
}

function traceEntry(
  pack: CompiledRulePack,
  rule: string,
  reason: TraceEntry['reason'],
  source: string,
  lineIndex: number | undefined,
  message?: string,
): TraceEntry {
  const entry: { -readonly [K in keyof TraceEntry]: TraceEntry[K] } = {
    pack: pack.id,
    packVersion: pack.version,
    rule,
    reason,
    source,
  };
  if (lineIndex !== undefined) entry.lineIndex = lineIndex;
  if (message !== undefined) entry.message = message;
  return entry;
}

/** Records the ERROR entry and builds the error for a `when`/`then` (or the default, when `rule` is undefined) that threw. */
function failure(
  pack: CompiledRulePack,
  rule: CompiledRule | undefined,
  part: 'when' | 'then',
  error: unknown,
  trace: TraceEntry[],
  lineIndex: number | undefined,
): RuleEvaluationError {
  const id = rule?.id ?? DEFAULT_RULE;
  const detail = error instanceof Error ? error.message : String(error);
  const where =
    error instanceof ExpressionError && error.pointer ? ` at ${part}${error.pointer}` : ` in ${part}`;
  const message = `rule ${pack.id}/${id}${lineIndex === undefined ? '' : ` (line ${lineIndex})`}${where}: ${detail}`;
  const at = rule?.at ?? pack.default?.at ?? pack.at;
  trace.push(traceEntry(pack, id, 'ERROR', at, lineIndex, message));
  const source = rule?.source ?? pack.default?.source ?? pack.source;
  const position = rule ? (part === 'when' ? rule.whenSource : rule.thenSource) : source;
  return new RuleEvaluationError(
    message,
    [...trace],
    pack.id,
    pack.version,
    id,
    source,
    lineIndex,
    position,
    { cause: error },
  );
}

/** JSON-Logic truthiness: like JavaScript, except that an empty array is false. */
function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
