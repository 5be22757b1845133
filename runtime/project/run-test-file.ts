import { dirname, resolve } from 'node:path';
import {
  formatPosition,
  KopplaUserError,
  type Diagnostic,
  type SourcePosition,
} from '../../core/diagnostics/index.ts';
import type { YamlSource } from '../../core/config/index.ts';
import { runRulePackTests } from '../../core/rules/index.ts';
import { createStepEngines } from '../../core/plan/step-engines.ts';
import { runPipelineTestCase, type PipelineTestCase } from '../../core/plan/run-pipeline-test.ts';
import { ConnectorError, type ConnectorErrorKind } from '../../core/plugin-api/index.ts';
import { lintFile } from './lint-file.ts';
import type { Workspace } from './workspace.ts';

export interface CaseResult {
  readonly name: string;
  readonly passed: boolean;
  readonly failures: readonly string[];
  readonly position: SourcePosition;
}

export interface TestFileResult {
  readonly file: string;
  /** Problems that stopped the file from running at all (it counts as one failure). */
  readonly diagnostics: readonly Diagnostic[];
  readonly cases: readonly CaseResult[];
}

/** Runs a `kind: PipelineTest` or `kind: RulePackTest` file; undefined for other kinds. */
export async function runTestFile(workspace: Workspace, path: string): Promise<TestFileResult | undefined> {
  const loaded = workspace.source(path);
  const source = loaded.value;
  if (!source) return { file: path, diagnostics: loaded.diagnostics, cases: [] };
  const kind = workspace.kindOf(source);
  if (kind !== 'PipelineTest' && kind !== 'RulePackTest') return undefined;
  const problems = lintFile(workspace, path).filter((d) => d.severity === 'error');
  if (problems.length > 0) return { file: source.file, diagnostics: problems, cases: [] };
  try {
    const cases =
      kind === 'RulePackTest'
        ? runPackTest(workspace, path, source)
        : await runPipelineTest(workspace, path, source);
    return { file: source.file, diagnostics: [], cases };
  } catch (error) {
    if (error instanceof KopplaUserError)
      return { file: source.file, diagnostics: error.diagnostics, cases: [] };
    throw error;
  }
}

function runPackTest(workspace: Workspace, path: string, source: YamlSource): CaseResult[] {
  const { pack } = source.value as { pack: string };
  const compiled = workspace.pack(resolve(dirname(path), pack)).value;
  if (!compiled) return [];
  return runRulePackTests(source, compiled, {
    resolveRecord: (file) => workspace.readRecord(resolve(dirname(path), file)),
  });
}

interface PipelineTestDocument {
  pipeline: string;
  params?: Record<string, unknown>;
  cases: (Omit<PipelineTestCase, 'record'> & { record?: unknown; recordFile?: string })[];
}

async function runPipelineTest(
  workspace: Workspace,
  path: string,
  source: YamlSource,
): Promise<CaseResult[]> {
  const document = source.value as PipelineTestDocument;
  const loaded = workspace.pipeline(resolve(dirname(path), document.pipeline)).value;
  if (!loaded) return [];
  const { plan, packs } = loaded;
  const manifests = workspace.connectors.manifests();
  const results: CaseResult[] = [];
  for (const [i, written] of document.cases.entries()) {
    const record =
      written.recordFile === undefined
        ? written.record
        : workspace.readRecord(resolve(dirname(path), written.recordFile));
    const result = await runPipelineTestCase(
      {
        plan,
        engines: (_params, toggles) => createStepEngines(plan, packs, toggles),
        exampleOutput: (step) =>
          manifests.get(step.connector)?.operations[step.operation]?.examples[0]?.output ?? {},
        mockError: (error) =>
          new ConnectorError(error.kind as ConnectorErrorKind, error.message, {
            ...(error.field === undefined ? {} : { field: error.field }),
            ...(error.code === undefined ? {} : { code: error.code }),
          }),
      },
      { ...written, record },
      document.params,
    );
    const position = source.positionOf(`/cases/${i}`);
    results.push({
      name: result.name,
      passed: result.passed,
      failures: result.failures.map((f) => `${formatPosition(position)} ${f}`),
      position,
    });
  }
  return results;
}
