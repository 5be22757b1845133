import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KopplaUserError } from '../../../core/diagnostics/index.ts';
import { parseYamlSource } from '../../../core/config/index.ts';
import { compileRulePack, runRulePackTests } from '../../../core/rules/index.ts';
import { HEADER, mustCompile } from './helpers.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/rules');

function load(relative: string) {
  const file = join(fixtures, relative);
  return parseYamlSource(readFileSync(file, 'utf8'), `test/fixtures/rules/${relative}`);
}

describe('shipped example packs', () => {
  for (const name of ['example-vat', 'document-kind']) {
    describe(name, () => {
      const { pack, diagnostics } = compileRulePack(load(`${name}/pack.yaml`));

      it('compiles without findings', () => {
        expect(diagnostics).toEqual([]);
        expect(pack).toBeDefined();
      });

      const results = pack
        ? runRulePackTests(load(`${name}/pack.test.yaml`), pack, {
            resolveRecord: (file) => JSON.parse(readFileSync(join(fixtures, name, file), 'utf8')) as unknown,
          })
        : [];
      for (const result of results) {
        it(result.name, () => {
          expect(result.failures).toEqual([]);
          expect(result.passed).toBe(true);
        });
      }
    });
  }
});

describe('runRulePackTests', () => {
  const pack = mustCompile(
    `${HEADER}scope: line
output: vat
rules:
  - id: standard
    when: { money.eq: [{ var: line.taxRate }, "25"] }
    then: { account: "3001", vatPercent: "25" }
  - id: reduced
    when: { money.eq: [{ var: line.taxRate }, "12"] }
    then: { account: "3002", vatPercent: "12" }
  - id: broken
    when: { money.eq: [{ var: line.taxRate }, "0"] }
    then: { account: "3004" }
`,
    'pack.yaml',
  );
  const run = (cases: string) =>
    runRulePackTests(
      parseYamlSource(
        `apiVersion: koppla/v1\nkind: RulePackTest\npack: ./pack.yaml\ncases:\n${cases}`,
        'pack.test.yaml',
      ),
      pack,
    );

  it('passes a case whose expectations hold (flat and per-line rule lists)', () => {
    const [result] = run(`  - name: ok
    record: { lines: [{ taxRate: "25" }, { taxRate: "12" }] }
    expect:
      decisions: { lines: [{ vat: { account: "3001" } }, { vat: { vatPercent: "12" } }] }
      matched: [[standard], [reduced]]
      notMatched: [broken]
`);
    expect(result).toMatchObject({
      name: 'ok',
      passed: true,
      failures: [],
      position: { file: 'pack.test.yaml', line: 5, col: 11 },
    });
  });

  it('reports each failed expectation at its own position', () => {
    const [result] = run(`  - name: wrong
    record: { lines: [{ taxRate: "25" }, { taxRate: "12" }] }
    expect:
      decisions: { lines: [{ vat: { account: "3002" } }, { vat: { vatPercent: 12 } }] }
      matched: [[reduced], [reduced]]
      notMatched: [standard, nonexistent]
`);
    expect(result?.passed).toBe(false);
    expect(result?.failures).toEqual([
      'pack.test.yaml:8:46 decisions.lines[0].vat.account: expected "3002", got "3001"',
      'pack.test.yaml:8:79 decisions.lines[1].vat.vatPercent: expected 12, got "12"',
      'pack.test.yaml:9:18 rule "reduced" did not match on line 0',
      'pack.test.yaml:10:20 rule "standard" matched on any line',
      'pack.test.yaml:10:30 pack "demo" has no rule "nonexistent"',
    ]);
  });

  it('turns a rule error into a failure of its case, and goes on with the next case', () => {
    const results = run(`  - name: throws
    record: { lines: [{ taxRate: "n/a" }] }
    expect: { matched: [standard] }
  - name: array length
    record: { lines: [{ taxRate: "25" }] }
    expect: { decisions: { lines: [] } }
`);
    expect(results.map((r) => r.passed)).toEqual([false, false]);
    expect(results[0]?.failures[0]).toMatch(
      /^pack\.test\.yaml:5:5 rule demo\/standard \(line 0\) at when\/money\.eq.*\(rule at pack\.yaml:7:9\)$/,
    );
    expect(results[1]?.failures).toEqual(['pack.test.yaml:10:35 decisions.lines: expected 0 items, got 1']);
  });

  it('applies toggles with bare rule ids, and params', () => {
    const [result] = run(`  - name: standard off
    toggles: { rules: { standard: false } }
    record: { lines: [{ taxRate: "25" }] }
    expect: { notMatched: [standard] }
`);
    expect(result?.failures).toEqual([]);
  });

  it('fails a case with recordFile when no reader is given', () => {
    const [result] = run(`  - name: from file
    recordFile: ./x.json
    expect: { matched: [standard] }
`);
    expect(result?.failures).toEqual([
      'pack.test.yaml:6:17 recordFile "./x.json" given, but this runner cannot read files',
    ]);
  });

  it('validates the test file against its schema first', () => {
    const bad = () =>
      runRulePackTests(
        parseYamlSource(
          'apiVersion: koppla/v1\nkind: RulePackTest\npack: ./pack.yaml\ncases:\n  - name: x\n    record: {}\n    expect: { matchd: [a] }\n',
          't.yaml',
        ),
        pack,
      );
    expect(bad).toThrow(KopplaUserError);
    try {
      bad();
    } catch (e) {
      expect((e as KopplaUserError).diagnostics).toEqual([
        expect.objectContaining({
          file: 't.yaml',
          line: 7,
          col: 15,
          rule: 'schema',
          message: expect.stringMatching(/unknown property "matchd" \(did you mean "matched"\?\)/),
        }),
      ]);
    }
  });
});
