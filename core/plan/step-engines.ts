import { evaluate, isTruthy, renderTemplate } from '../expr/index.ts';
import {
  evaluatePacks,
  type CompiledRulePack,
  type Decisions,
  type PackUse,
  type RuleToggles,
} from '../rules/index.ts';
import type { StepEngines } from './execute-record.ts';
import type { ExecutionPlan } from './execution-plan.ts';

/**
 * The engines a plan's steps run on: Koppla's JSON-Logic, its templates, and the plan's rule packs
 * with the tenant's toggles. `packs` maps each reference the pipeline uses to its compiled pack.
 */
export function createStepEngines(
  plan: ExecutionPlan,
  packs: ReadonlyMap<string, CompiledRulePack>,
  toggles?: RuleToggles,
): StepEngines {
  const uses: PackUse[] = plan.packs.map((reference) => {
    const pack = packs.get(reference.reference);
    if (!pack) throw new Error(`plan ${plan.id}: rule pack "${reference.reference}" is not loaded`);
    return { pack, params: reference.params, enabled: reference.enabled };
  });
  return {
    evaluate,
    isTruthy,
    renderTemplate,
    evaluateRules(data) {
      const result = evaluatePacks(
        uses,
        {
          record: data.record,
          params: data.params as Readonly<Record<string, Readonly<Record<string, unknown>>>> | undefined,
          tenant: data.tenant,
          steps: data.steps as Readonly<Record<string, unknown>> | undefined,
          decisions: data.decisions as Decisions | undefined,
        },
        toggles,
      );
      return { decisions: result.decisions as Record<string, unknown>, trace: result.trace };
    },
  };
}
