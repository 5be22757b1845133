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
  /** Set when the input was the service's own record, mapped as the source stream reads it. */
  readonly mappedBy?: string;
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
  // a record copied from the service (a WooCommerce order from its API) is read as the stream would
  const { connector, stream } = plan.source;
  const fromNative = workspace.connectors.get(connector).streams[stream]?.fromNative;
  let mappedBy: string | undefined;
  if (fromNative) {
    try {
      const mapped = fromNative(record);
      if (mapped !== undefined) {
        record = mapped;
        mappedBy = `${connector} ${stream} stream`;
      }
    } catch (error) {
      return {
        pipeline: plan.id,
        file: plan.file,
        mappedBy: `${connector} ${stream} stream`,
        outcome: { decisions: {}, trace: [], steps: [] },
        calls,
        failure: { step: 'source', message: error instanceof Error ? error.message : String(error) },
      };
    }
  }
  const mapping = mappedBy === undefined ? {} : { mappedBy };
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
    return { pipeline: plan.id, file: plan.file, ...mapping, outcome, calls };
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    return {
      pipeline: plan.id,
      file: plan.file,
      ...mapping,
      outcome: error.outcome,
      calls,
      failure: { step: error.step, message: error.message },
    };
  }
}
