/**
 * SECURITY.md, control "dependency audit": every production dependency is listed, with why it is
 * there, in SECURITY.md's dependency table — so none arrives without someone having looked at it,
 * and the audit section stays about the packages Koppla really ships. The audit itself
 * (`npm audit --omit=dev`) needs the public registry and is recorded in the document.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const security = read('../../../SECURITY.md');
const { dependencies } = JSON.parse(read('../../../package.json')) as {
  dependencies: Record<string, string>;
};

describe('the dependency audit', () => {
  it('lists every production dependency in SECURITY.md, and nothing that is not one', () => {
    const table = security.slice(security.indexOf('## Dependency audit'));
    const listed = [...table.matchAll(/^\| `([^`]+)`\s*\|/gm)].map((m) => m[1]);
    expect(listed.sort()).toEqual(Object.keys(dependencies).sort());
  });

  it('records the result of npm audit --omit=dev', () => {
    expect(security).toMatch(/`npm audit --omit=dev`, run on \d{4}-\d{2}-\d{2}/);
  });

  it('names a test for every control it lists, and every named test exists', () => {
    const controls = security.slice(
      security.indexOf('## Controls and their tests'),
      security.indexOf('### Bad input'),
    );
    const rows = controls.split('\n').filter((line) => /^\| \d+\s+\|/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(13);
    for (const row of rows) {
      const tests = [...row.matchAll(/`(test\/[^`]+\.test\.ts)`/g)].map((m) => m[1]!);
      expect(tests.length, row.slice(0, 60)).toBeGreaterThan(0);
      for (const test of tests) expect(() => read(`../../../${test}`), test).not.toThrow();
    }
  });
});
