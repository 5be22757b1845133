import { formatPosition, KopplaUserError } from '../diagnostics/index.ts';
import { joinPointer, type YamlSource } from '../config/index.ts';
import { schemaDiagnostics } from '../validate/schema-diagnostics.ts';
import { evaluatePacks, RuleEvaluationError } from './evaluate-packs.ts';
import { partialMatch } from '../data/partial-match.ts';
import { RULE_SCHEMA_IDS, ruleSchemaValidator } from './schemas.ts';
import type { CompiledRulePack, RuleToggles, TraceEntry } from './types.ts';

type Json = Readonly<Record<string, unknown>>;
type RuleIds = readonly string[] | readonly (readonly string[])[];

/** A pack.test.yaml as written, once it passed rule-pack-test.schema.json. */
interface PackTestDocument {
  readonly pack: string;
  readonly params?: Json;
  readonly cases: readonly PackTestCase[];
}

interface PackTestCase {
  readonly name: string;
  readonly record?: Json;
  readonly recordFile?: string;
  readonly params?: Json;
  readonly tenant?: Json;
  readonly steps?: Json;
  readonly decisions?: Json;
  readonly toggles?: {
    readonly packs?: Readonly<Record<string, boolean>>;
    readonly rules?: Readonly<Record<string, boolean>>;
  };
  readonly expect: { readonly decisions?: Json; readonly matched?: RuleIds; readonly notMatched?: RuleIds };
}

export interface PackTestResult {
  readonly name: string;
  readonly passed: boolean;
  /** Each starts with the file:line:col of the expectation (or case) that failed. */
  readonly failures: string[];
  /** Where the case is written. */
  readonly position: ReturnType<YamlSource['positionOf']>;
}

export interface PackTestOptions {
  /**
   * Loads a case's `recordFile` (as written, relative to the test file). core/ does no I/O: the CLI
   * or the test harness passes a reader.
   */
  readonly resolveRecord?: (recordFile: string) => unknown;
}

/**
 * Runs a pack's test file (RuleTester style). Throws KopplaUserError when the file does not fit its
 * schema; otherwise one result per case, failures included, never a throw.
 */
export function runRulePackTests(
  testSource: YamlSource,
  pack: CompiledRulePack,
  options: PackTestOptions = {},
): PackTestResult[] {
  const validate = ruleSchemaValidator(RULE_SCHEMA_IDS.rulePackTest);
  if (!validate(testSource.value)) {
    throw new KopplaUserError(
      `${testSource.file}: invalid rule pack test`,
      schemaDiagnostics(validate.errors ?? [], testSource),
    );
  }
  const document = testSource.value as PackTestDocument;
  return document.cases.map((testCase, i) =>
    runCase(testSource, pack, document, testCase, `/cases/${i}`, options),
  );
}

function runCase(
  source: YamlSource,
  pack: CompiledRulePack,
  document: PackTestDocument,
  testCase: PackTestCase,
  pointer: string,
  options: PackTestOptions,
): PackTestResult {
  const position = source.positionOf(joinPointer(pointer, 'name'));
  const failures: string[] = [];
  const fail = (at: string, message: string): void => {
    failures.push(`${formatPosition(source.positionOf(at))} ${message}`);
  };
  const result = (): PackTestResult => ({
    name: testCase.name,
    passed: failures.length === 0,
    failures,
    position,
  });

  if ((testCase.record === undefined) === (testCase.recordFile === undefined)) {
    fail(pointer, 'give the input as either record or recordFile (exactly one)');
    return result();
  }
  let record: unknown = testCase.record;
  if (testCase.recordFile !== undefined) {
    const at = joinPointer(pointer, 'recordFile');
    if (!options.resolveRecord) {
      fail(at, `recordFile "${testCase.recordFile}" given, but this runner cannot read files`);
      return result();
    }
    try {
      record = options.resolveRecord(testCase.recordFile);
    } catch (error) {
      fail(
        at,
        `cannot read recordFile "${testCase.recordFile}": ${error instanceof Error ? error.message : String(error)}`,
      );
      return result();
    }
  }

  let evaluation;
  try {
    evaluation = evaluatePacks(
      [{ pack, params: { ...document.params, ...testCase.params } }],
      {
        record,
        ...(testCase.tenant === undefined ? {} : { tenant: testCase.tenant }),
        ...(testCase.steps === undefined ? {} : { steps: testCase.steps }),
        ...(testCase.decisions === undefined ? {} : { decisions: structuredClone(testCase.decisions) }),
      },
      togglesFor(pack, testCase.toggles),
    );
  } catch (error) {
    if (error instanceof RuleEvaluationError) {
      fail(pointer, `${error.message} (rule at ${formatPosition(error.source)})`);
    } else if (error instanceof KopplaUserError) {
      for (const d of error.diagnostics) fail(pointer, `${d.message} (${formatPosition(d)})`);
      if (error.diagnostics.length === 0) fail(pointer, error.message);
    } else {
      throw error;
    }
    return result();
  }

  const expectAt = joinPointer(pointer, 'expect');
  const { expect } = testCase;
  if (expect.decisions !== undefined) {
    for (const mismatch of partialMatch(expect.decisions, evaluation.decisions)) {
      fail(
        joinPointer(expectAt, 'decisions') + mismatch.pointer,
        `decisions${mismatch.path}: ${mismatch.message}`,
      );
    }
  }
  const matched = matchedRules(evaluation.trace, pack);
  checkRuleIds(pack, expect.matched, matched, true, joinPointer(expectAt, 'matched'), fail);
  checkRuleIds(pack, expect.notMatched, matched, false, joinPointer(expectAt, 'notMatched'), fail);
  return result();
}

/** Test files name rules by their bare id (the pack is implied); the engine by `<pack>/<rule>`. */
function togglesFor(pack: CompiledRulePack, toggles: PackTestCase['toggles']): RuleToggles | undefined {
  if (!toggles) return undefined;
  const rules = Object.fromEntries(
    Object.entries(toggles.rules ?? {}).map(([key, on]) => [
      key.includes('/') ? key : `${pack.id}/${key}`,
      on,
    ]),
  );
  return { ...(toggles.packs ? { packs: toggles.packs } : {}), rules };
}

/** Matched rule ids: per line for line-scope packs (index = lineIndex), one list for order scope. */
function matchedRules(
  trace: readonly TraceEntry[],
  pack: CompiledRulePack,
): { all: Set<string>; perLine: Set<string>[] } {
  const all = new Set<string>();
  const perLine: Set<string>[] = [];
  for (const entry of trace) {
    if (entry.reason !== 'MATCHED' || entry.pack !== pack.id) continue;
    all.add(entry.rule);
    if (entry.lineIndex !== undefined) (perLine[entry.lineIndex] ??= new Set()).add(entry.rule);
  }
  return { all, perLine };
}

function checkRuleIds(
  pack: CompiledRulePack,
  expected: RuleIds | undefined,
  matched: { all: Set<string>; perLine: Set<string>[] },
  mustMatch: boolean,
  at: string,
  fail: (at: string, message: string) => void,
): void {
  if (expected === undefined) return;
  const known = new Set(pack.rules.map((r) => r.id));
  const check = (id: string, seen: Set<string> | undefined, where: string, itemAt: string): void => {
    if (!known.has(id)) return fail(itemAt, `pack "${pack.id}" has no rule "${id}"`);
    const did = seen?.has(id) ?? false;
    if (did !== mustMatch) fail(itemAt, `rule "${id}" ${mustMatch ? 'did not match' : 'matched'}${where}`);
  };
  if (expected.some((item) => Array.isArray(item))) {
    if (pack.scope !== 'line') return fail(at, 'per-line rule lists need a line-scope pack');
    (expected as readonly (readonly string[])[]).forEach((ids, line) =>
      ids.forEach((id, j) => check(id, matched.perLine[line], ` on line ${line}`, joinPointer(at, line, j))),
    );
  } else {
    (expected as readonly string[]).forEach((id, j) =>
      check(id, matched.all, pack.scope === 'line' ? ' on any line' : '', joinPointer(at, j)),
    );
  }
}
