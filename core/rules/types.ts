import type { SourcePosition } from '../diagnostics/index.ts';

/** A pack exactly as written in YAML, once it passed rule-pack.schema.json. */
export interface RulePackDocument {
  readonly apiVersion: 'koppla/v1';
  readonly kind: 'RulePack';
  readonly metadata: {
    readonly id: string;
    readonly version: string;
    readonly title?: string;
    readonly description?: string;
    readonly docs?: string;
  };
  readonly scope: PackScope;
  readonly output: string;
  readonly strategy?: PackStrategy;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly conditions?: Readonly<Record<string, unknown>>;
  readonly rules: readonly RuleDocument[];
  readonly default?: { readonly description?: string; readonly then: Readonly<Record<string, unknown>> };
}

export interface RuleDocument {
  readonly id: string;
  readonly description?: string;
  readonly enabled?: boolean;
  readonly when: unknown;
  readonly then: Readonly<Record<string, unknown>>;
  readonly docs?: string;
}

export type PackScope = 'order' | 'line';
export type PackStrategy = 'first-match' | 'all';

/** A rule ready to evaluate: conditions inlined, positions resolved, nothing left to look up. */
export interface CompiledRule {
  readonly id: string;
  /** `<packId>/<ruleId>`: the key tenants toggle it by. */
  readonly key: string;
  readonly description?: string;
  /** State when no toggle says otherwise. */
  readonly enabled: boolean;
  /** The condition with every `{ condition: name }` replaced by the named expression. */
  readonly when: unknown;
  readonly then: Readonly<Record<string, unknown>>;
  /** Where the rule's `id` is written. */
  readonly source: SourcePosition;
  /** `file:line` of `source`, as traces print it (formatted once, not per record). */
  readonly at: string;
  readonly whenSource: SourcePosition;
  readonly thenSource: SourcePosition;
}

export interface CompiledDefault {
  readonly description?: string;
  readonly then: Readonly<Record<string, unknown>>;
  readonly source: SourcePosition;
  readonly at: string;
}

/** An immutable, validated pack. Compile once at boot, evaluate for every record. */
export interface CompiledRulePack {
  readonly id: string;
  readonly version: string;
  readonly title?: string;
  readonly description?: string;
  readonly docs?: string;
  readonly scope: PackScope;
  readonly output: string;
  readonly strategy: PackStrategy;
  /** The params JSON Schema as written; undefined when the pack takes no parameters. */
  readonly paramsSchema?: Readonly<Record<string, unknown>>;
  readonly rules: readonly CompiledRule[];
  readonly default?: CompiledDefault;
  /** The pack file, as the caller named it. */
  readonly file: string;
  /** Where the pack's id is written: the position of pack-level findings. */
  readonly source: SourcePosition;
  readonly at: string;
  /** Where `params` is written, for invalid-params findings. */
  readonly paramsSource: SourcePosition;
}

/** One pack as a pipeline uses it. */
export interface PackUse {
  readonly pack: CompiledRulePack;
  /** Parameters from the pipeline; validated against the pack's params schema, defaults applied. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** The pipeline's default state for the pack (true when absent); the tenant's toggles override it. */
  readonly enabled?: boolean;
}

/** What rules can read, besides `params`, `line` and `lineIndex` which the engine binds. */
export interface RuleContext {
  readonly record: unknown;
  /**
   * The tenant's parameters per pack id, over PackUse.params key by key (the pipeline sets
   * defaults, the shop owner tunes them).
   */
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly tenant?: unknown;
  /** Outputs of earlier steps, read as steps.<id>.output. */
  readonly steps?: Readonly<Record<string, unknown>>;
  /** Decisions made before these packs (e.g. by an earlier rules step); packs add to a copy. */
  readonly decisions?: Decisions;
}

/** The tenant's switches; anything not named keeps its default. */
export interface RuleToggles {
  /** Pack id → on/off. */
  readonly packs?: Readonly<Record<string, boolean>>;
  /** `<packId>/<ruleId>` → on/off. */
  readonly rules?: Readonly<Record<string, boolean>>;
}

/** One line's decisions: the canonical line itself plus one entry per line-scope pack output. */
export interface LineDecisions {
  readonly line: unknown;
  [output: string]: unknown;
}

/** Decisions by pack output; `lines` holds per-line decisions when the record has lines. */
export interface Decisions {
  lines?: LineDecisions[];
  [output: string]: unknown;
}

export type TraceReason = 'MATCHED' | 'NOT_MATCHED' | 'DISABLED' | 'DEFAULT' | 'ERROR';

/** Why a rule did or did not decide: one entry per rule considered. */
export interface TraceEntry {
  readonly pack: string;
  readonly packVersion: string;
  /** Rule id; `*` for a disabled pack, `(default)` for the pack default. */
  readonly rule: string;
  readonly reason: TraceReason;
  /** `file:line` of the rule. */
  readonly source: string;
  /** Set for line-scope packs. */
  readonly lineIndex?: number;
  /** For ERROR: what went wrong. */
  readonly message?: string;
}

export interface EvaluationResult {
  readonly decisions: Decisions;
  readonly trace: TraceEntry[];
}

/** Trace `rule` of the pack-level entries. */
export const PACK_RULE = '*';
export const DEFAULT_RULE = '(default)';
