import { partialMatch } from '../data/partial-match.ts';
import type { ExecutionPlan, OperationPlanStep } from './execution-plan.ts';
import { executeRecord, StepFailedError, type RecordOutcome, type StepEngines } from './execute-record.ts';

export interface RuleToggleSet {
  packs?: Record<string, boolean>;
  rules?: Record<string, boolean>;
}

export interface MockedResult {
  output?: unknown;
  /** One output per call, in call order (forEach steps); the last answers any further call. */
  outputs?: unknown[];
  error?: { kind: string; message: string; field?: string; code?: string };
}

/** One case of a `kind: PipelineTest` file, after schema validation (record files already read). */
export interface PipelineTestCase {
  name: string;
  record: unknown;
  params?: Record<string, unknown>;
  toggles?: RuleToggleSet;
  mocks?: Record<string, MockedResult>;
  expect: {
    calls?: { step: string; uses?: string; input?: unknown }[];
    notCalled?: string[];
    decisions?: unknown;
    trace?: Record<string, unknown>[];
    error?: { step: string; message?: string };
  };
}

export interface PipelineTestEnvironment {
  readonly plan: ExecutionPlan;
  /** Expression and rule engines for one case (its params and toggles). */
  engines(params: Record<string, unknown>, toggles: RuleToggleSet | undefined): StepEngines;
  /** Output of an unmocked operation: its first documented example. */
  exampleOutput(step: OperationPlanStep): unknown;
  /** Turns a mocked error into what the connector would throw. */
  mockError(error: NonNullable<MockedResult['error']>): Error;
}

export interface OperationCall {
  readonly step: string;
  readonly uses: string;
  readonly input: unknown;
}

export interface PipelineTestResult {
  readonly name: string;
  readonly passed: boolean;
  readonly failures: readonly string[];
  readonly calls: readonly OperationCall[];
  readonly outcome: RecordOutcome | undefined;
}

function mismatches(expected: unknown, actual: unknown, at: string): string[] {
  return partialMatch(expected, actual, '', at).map((m) => `${m.path}: ${m.message}`);
}

/** Runs one test case: the plan for its record, operations mocked, then every expectation checked. */
export async function runPipelineTestCase(
  environment: PipelineTestEnvironment,
  testCase: PipelineTestCase,
  defaultParams: Record<string, unknown> = {},
): Promise<PipelineTestResult> {
  const params = { ...defaultParams, ...testCase.params };
  const calls: OperationCall[] = [];
  const failures: string[] = [];
  let outcome: RecordOutcome | undefined;
  let failure: StepFailedError | undefined;

  try {
    outcome = await executeRecord(
      environment.plan,
      { record: testCase.record, params },
      environment.engines(params, testCase.toggles),
      async (step, input) => {
        calls.push({ step: step.id, uses: `${step.connection}.${step.operation}`, input });
        const mock = testCase.mocks?.[step.id];
        if (mock?.error) throw environment.mockError(mock.error);
        if (mock?.outputs !== undefined && mock.outputs.length > 0) {
          const nth = calls.filter((call) => call.step === step.id).length - 1;
          return mock.outputs[Math.min(nth, mock.outputs.length - 1)];
        }
        return mock && 'output' in mock ? mock.output : environment.exampleOutput(step);
      },
    );
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    failure = error;
    outcome = error.outcome;
  }

  const expected = testCase.expect;
  if (expected.error) {
    if (!failure) failures.push(`expected step "${expected.error.step}" to fail, but the record succeeded`);
    else {
      if (failure.step !== expected.error.step)
        failures.push(
          `expected step "${expected.error.step}" to fail, but "${failure.step}" failed: ${failure.message}`,
        );
      if (expected.error.message && !failure.message.includes(expected.error.message))
        failures.push(`failure message "${failure.message}" does not contain "${expected.error.message}"`);
    }
  } else if (failure) {
    failures.push(failure.message);
  }

  if (expected.calls) {
    if (calls.length !== expected.calls.length)
      failures.push(
        `expected ${expected.calls.length} calls (${expected.calls.map((c) => c.step).join(', ')}), got ${calls.length} (${calls.map((c) => c.step).join(', ')})`,
      );
    for (const [i, call] of expected.calls.entries()) {
      const actual = calls[i];
      if (!actual) break;
      if (actual.step !== call.step)
        failures.push(`call ${i + 1}: expected step "${call.step}", got "${actual.step}"`);
      if (call.uses && actual.uses !== call.uses)
        failures.push(`call ${i + 1}: expected ${call.uses}, got ${actual.uses}`);
      if (call.input !== undefined)
        failures.push(...mismatches(call.input, actual.input, `calls[${i}].input`));
    }
  }
  for (const step of expected.notCalled ?? []) {
    if (calls.some((c) => c.step === step)) failures.push(`step "${step}" was called but must not be`);
  }
  if (expected.decisions !== undefined)
    failures.push(...mismatches(expected.decisions, outcome?.decisions, 'decisions'));
  for (const entry of expected.trace ?? []) {
    const found = (outcome?.trace ?? []).some((t) => partialMatch(entry, t).length === 0);
    if (!found) failures.push(`no trace entry matches ${JSON.stringify(entry)}`);
  }
  return { name: testCase.name, passed: failures.length === 0, failures, calls, outcome };
}
