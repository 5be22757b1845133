/**
 * Every `*.test.yaml` in the repository (pipeline tests and rule-pack tests) runs as part of the
 * vitest suite, case by case, exactly as `koppla test` runs it.
 */
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findFiles } from '../../../runtime/project/find-files.ts';
import { runTestFile } from '../../../runtime/project/run-test-file.ts';
import { formatDiagnostic } from '../../../core/diagnostics/index.ts';
import { fixtureWorkspace } from '../../helpers/workspace.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const places = ['test/fixtures', 'rules', 'pipelines'].map((p) => `${root}${p}`).filter((p) => existsSync(p));
const files = findFiles(places, (name) => /\.test\.ya?ml$/.test(name)).filter(
  (f) => !f.includes('/invalid/'),
);

describe('YAML tests', async () => {
  const workspace = await fixtureWorkspace();

  it('finds the test files', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  for (const file of files) {
    const result = await runTestFile(workspace, file);
    if (!result) continue;
    describe(result.file, () => {
      it('loads', () => {
        expect(result.diagnostics.map(formatDiagnostic)).toEqual([]);
      });
      for (const c of result.cases) {
        it(c.name, () => {
          expect(c.failures).toEqual([]);
          expect(c.passed).toBe(true);
        });
      }
    });
  }
});
