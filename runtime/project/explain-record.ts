import { resolve } from 'node:path';
import { KopplaUserError } from '../../core/diagnostics/index.ts';
import { executeRecord, StepFailedError, type RecordOutcome } from '../../core/plan/execute-record.ts';
import { createStepEngines } from '../../core/plan/step-engines.ts';
import type { RuleToggles } from '../../core/rules/index.ts';
import type { Workspace } from './workspace.ts';

export interface ExplainedCall {
  readonly step: string;
  readonly uses: string;
  readonly input: unknown;
  /** What `koppla explain` pretended the service answered: the operation's first example. */
  readonly mockedOutput: unknown;
}

export interface Explanation {
  readonly pipeline: string;
  readonly file: string;
  readonly outcome: RecordOutcome;
  readonly calls: readonly ExplainedCall[];
  readonly failure?: { readonly step: string; readonly message: string };
}

/**
 * Runs a pipeline for one record without touching any service: every operation answers with its
 * first documented example, so consultants see each decision, its rule trace and the exact payload
 * each step would send.
 */
export async function explainRecord(
  workspace: Workspace,
  pipelinePath: string,
  record: unknown,
  options: { toggles?: RuleToggles; params?: Record<string, unknown> } = {},
): Promise<Explanation> {
  const loaded = workspace.pipeline(resolve(pipelinePath));
  if (!loaded.value)
    throw new KopplaUserError(`${pipelinePath}: the pipeline does not compile`, loaded.diagnostics);
  const { plan, packs } = loaded.value;
  const manifests = workspace.connectors.manifests();
  const calls: ExplainedCall[] = [];
  const engines = createStepEngines(plan, packs, options.toggles);
  try {
    const outcome = await executeRecord(
      plan,
      { record, params: options.params ?? {} },
      engines,
      async (step, input) => {
        const mockedOutput =
          manifests.get(step.connector)?.operations[step.operation]?.examples[0]?.output ?? {};
        calls.push({ step: step.id, uses: `${step.connection}.${step.operation}`, input, mockedOutput });
        return mockedOutput;
      },
    );
    return { pipeline: plan.id, file: plan.file, outcome, calls };
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    return {
      pipeline: plan.id,
      file: plan.file,
      outcome: error.outcome,
      calls,
      failure: { step: error.step, message: error.message },
    };
  }
}
