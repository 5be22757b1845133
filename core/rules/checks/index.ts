import type { Diagnostic } from '../../diagnostics/index.ts';
import { conditionCycle } from './condition-cycle.ts';
import { duplicateRuleId } from './duplicate-rule-id.ts';
import { expressionProblems } from './expression-problems.ts';
import { invalidParamsSchema } from './invalid-params-schema.ts';
import type { PackCheck, PackCheckContext } from './pack-check.ts';
import { reservedOutput } from './reserved-output.ts';
import { unknownCondition } from './unknown-condition.ts';
import { unreachableRule } from './unreachable-rule.ts';

export type { PackCheck, PackCheckContext } from './pack-check.ts';

/** Every semantic check a pack goes through after its schema, in reporting order. */
export const RULE_PACK_CHECKS: readonly PackCheck[] = Object.freeze([
  duplicateRuleId,
  reservedOutput,
  unknownCondition,
  conditionCycle,
  expressionProblems,
  invalidParamsSchema,
  unreachableRule,
]);

export function lintRulePack(context: PackCheckContext): Diagnostic[] {
  return RULE_PACK_CHECKS.flatMap((check) => check.check(context));
}
