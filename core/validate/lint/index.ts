import type { Diagnostic } from '../../diagnostics/index.ts';
import type { PipelineLintContext, PipelineLintRule } from './lint-rule.ts';
import { unknownConnector } from './unknown-connector.ts';
import { unknownConnection } from './unknown-connection.ts';
import { unknownOperation } from './unknown-operation.ts';
import { unknownStream } from './unknown-stream.ts';
import { unknownRulePack } from './unknown-rule-pack.ts';
import { duplicateId } from './duplicate-id.ts';
import { schedule } from './schedule.ts';
import { expressions } from './expressions.ts';
import { varRoot } from './var-root.ts';
import { stepReference } from './step-reference.ts';
import { rulesStep } from './rules-step.ts';
import { batchRecord } from './batch-record.ts';
import { stepEffects } from './step-effects.ts';

export type { ConnectorNames, PackNames, PipelineLintContext, PipelineLintRule } from './lint-rule.ts';

/** Every semantic check a pipeline goes through after its schema, in reporting order. */
export const PIPELINE_LINT_RULES: readonly PipelineLintRule[] = Object.freeze([
  unknownConnector,
  unknownConnection,
  unknownOperation,
  unknownStream,
  unknownRulePack,
  duplicateId,
  schedule,
  expressions,
  varRoot,
  stepReference,
  rulesStep,
  batchRecord,
  stepEffects,
]);

export function lintPipeline(context: PipelineLintContext): Diagnostic[] {
  return PIPELINE_LINT_RULES.flatMap((rule) => rule.check(context));
}
