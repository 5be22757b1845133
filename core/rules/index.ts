/**
 * Rule packs: versioned YAML files of when/then rules with ids, compiled once into immutable packs,
 * evaluated per record with a trace that explains every decision, switched on and off per tenant.
 */
export { compileRulePack, type RulePackCompileResult } from './compile-pack.ts';
export { evaluatePacks, RuleEvaluationError } from './evaluate-packs.ts';
export { resolvePackParams } from './params.ts';
export { runRulePackTests, type PackTestOptions, type PackTestResult } from './run-pack-tests.ts';
export { formatTraceEntry } from './trace.ts';
export { RULE_PACK_CHECKS, type PackCheck, type PackCheckContext } from './checks/index.ts';
export { RULE_SCHEMA_IDS, ruleSchemaValidator } from './schemas.ts';
export {
  DEFAULT_RULE,
  PACK_RULE,
  type CompiledDefault,
  type CompiledRule,
  type CompiledRulePack,
  type Decisions,
  type EvaluationResult,
  type LineDecisions,
  type PackScope,
  type PackStrategy,
  type PackUse,
  type RuleContext,
  type RuleDocument,
  type RulePackDocument,
  type RuleToggles,
  type TraceEntry,
  type TraceReason,
} from './types.ts';
