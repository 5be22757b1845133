import { dirname, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import type { Diagnostic } from '../../core/diagnostics/index.ts';
import { schemaDiagnostics } from '../../core/validate/schema-diagnostics.ts';
import { SCHEMA_IDS, validatorFor } from '../../core/validate/schema-registry.ts';
import { didYouMean } from '../../core/validate/did-you-mean.ts';
import type { CompiledRulePack } from '../../core/rules/index.ts';
import { RULE_SCHEMA_IDS, ruleSchemaValidator } from '../../core/rules/schemas.ts';
import { joinPointer, type YamlSource } from '../../core/config/index.ts';
import type { Workspace } from './workspace.ts';

interface Toggles {
  packs?: Record<string, boolean>;
  rules?: Record<string, boolean>;
}

/** Everything wrong with one file, whatever kind of Koppla file it is. */
export function lintFile(workspace: Workspace, path: string): Diagnostic[] {
  const loaded = workspace.source(path);
  const source = loaded.value;
  if (!source) return [...loaded.diagnostics];
  switch (workspace.kindOf(source)) {
    case 'Pipeline':
      return [...workspace.pipeline(path).diagnostics];
    case 'RulePack':
      return [...workspace.pack(path).diagnostics];
    case 'PipelineTest':
      return lintPipelineTest(workspace, path, source);
    case 'RulePackTest':
      return lintPackTest(workspace, path, source);
    default:
      return [
        {
          ...source.positionOf('/kind'),
          severity: 'error',
          rule: 'unknown-kind',
          message: 'not a Koppla file: kind must be Pipeline, RulePack, PipelineTest or RulePackTest',
          pointer: '/kind',
        },
      ];
  }
}

function lintPipelineTest(workspace: Workspace, path: string, source: YamlSource): Diagnostic[] {
  const validate = validatorFor(SCHEMA_IDS.pipelineTest);
  if (!validate(source.value)) return schemaDiagnostics(validate.errors ?? [], source);
  const test = source.value as {
    pipeline: string;
    cases: {
      toggles?: Toggles;
      mocks?: Record<string, unknown>;
      expect: { calls?: { step: string }[]; notCalled?: string[] };
    }[];
  };
  const pipelinePath = resolve(dirname(path), test.pipeline);
  if (!existsSync(pipelinePath))
    return [at(source, '/pipeline', 'missing-file', `no pipeline at ${test.pipeline}`)];
  const pipeline = workspace.pipeline(pipelinePath);
  if (!pipeline.value) return [...pipeline.diagnostics];
  const stepIds = pipeline.value.plan.steps.map((s) => s.id);
  const diagnostics: Diagnostic[] = [];
  const checkStep = (id: string, pointer: string, onKey = false) => {
    if (!stepIds.includes(id))
      diagnostics.push(
        at(
          source,
          pointer,
          'unknown-step',
          `no step "${id}" in ${test.pipeline}${didYouMean(id, stepIds)}`,
          onKey,
        ),
      );
  };
  for (const [i, testCase] of test.cases.entries()) {
    for (const id of Object.keys(testCase.mocks ?? {}))
      checkStep(id, joinPointer(`/cases/${i}/mocks`, id), true);
    testCase.expect.calls?.forEach((call, j) => checkStep(call.step, `/cases/${i}/expect/calls/${j}/step`));
    testCase.expect.notCalled?.forEach((id, j) => checkStep(id, `/cases/${i}/expect/notCalled/${j}`));
    diagnostics.push(
      ...lintToggles(source, `/cases/${i}/toggles`, testCase.toggles, [...pipeline.value.packs.values()]),
    );
  }
  return diagnostics;
}

function lintPackTest(workspace: Workspace, path: string, source: YamlSource): Diagnostic[] {
  const validate = ruleSchemaValidator(RULE_SCHEMA_IDS.rulePackTest);
  if (!validate(source.value)) return schemaDiagnostics(validate.errors ?? [], source);
  const test = source.value as { pack: string; cases: { toggles?: Toggles }[] };
  const packPath = resolve(dirname(path), test.pack);
  if (!existsSync(packPath)) return [at(source, '/pack', 'missing-file', `no rule pack at ${test.pack}`)];
  const pack = workspace.pack(packPath);
  if (!pack.value) return [...pack.diagnostics];
  const compiled = pack.value;
  return test.cases.flatMap((testCase, i) =>
    lintToggles(source, `/cases/${i}/toggles`, testCase.toggles, [compiled]),
  );
}

/** Toggles name packs and `<pack>/<rule>`s that exist; a typo would silently switch nothing. */
export function lintToggles(
  source: YamlSource,
  pointer: string,
  toggles: Toggles | undefined,
  packs: readonly CompiledRulePack[],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const packIds = packs.map((p) => p.id);
  for (const id of Object.keys(toggles?.packs ?? {})) {
    if (!packIds.includes(id))
      diagnostics.push(
        at(
          source,
          joinPointer(pointer, 'packs', id),
          'unknown-toggle',
          `no rule pack "${id}"${didYouMean(id, packIds)}`,
          true,
        ),
      );
  }
  const ruleKeys = packs.flatMap((p) => p.rules.map((r) => `${p.id}/${r.id}`));
  // a pack-test case may name rules without their pack
  const shortKeys = packs.length === 1 ? (packs[0]?.rules.map((r) => r.id) ?? []) : [];
  for (const key of Object.keys(toggles?.rules ?? {})) {
    if (!ruleKeys.includes(key) && !shortKeys.includes(key))
      diagnostics.push(
        at(
          source,
          joinPointer(pointer, 'rules', key),
          'unknown-toggle',
          `no rule "${key}"${didYouMean(key, [...ruleKeys, ...shortKeys])}`,
          true,
        ),
      );
  }
  return diagnostics;
}

function at(source: YamlSource, pointer: string, rule: string, message: string, onKey = false): Diagnostic {
  const position = onKey ? source.keyPositionOf(pointer) : source.positionOf(pointer);
  return { ...position, severity: 'error', rule, message, pointer };
}
