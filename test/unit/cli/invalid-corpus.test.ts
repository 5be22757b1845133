/**
 * The corpus of broken pipelines, rule packs and tests: each file says in its first lines which
 * findings `koppla lint` must report (`# expect: <rule> <line>:<col> [warning]`), and nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintFile } from '../../../runtime/project/lint-file.ts';
import { fixtureWorkspace } from '../../helpers/workspace.ts';

const corpus = fileURLToPath(new URL('../../fixtures/invalid/', import.meta.url));
const files = readdirSync(corpus).filter((f) => f.endsWith('.yaml'));

function expectations(file: string): string[] {
  return readFileSync(join(corpus, file), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('# expect: '))
    .map((line) => line.slice('# expect: '.length).trim());
}

describe('the invalid corpus', async () => {
  const workspace = await fixtureWorkspace();

  it('has at least 30 broken files, each with its expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const file of files) expect(expectations(file), file).not.toHaveLength(0);
  });

  it.each(files)('%s', (file) => {
    const found = lintFile(workspace, join(corpus, file)).map(
      (d) => `${d.rule} ${d.line}:${d.col}${d.severity === 'warning' ? ' warning' : ''}`,
    );
    expect(found.sort()).toEqual(expectations(file).sort());
  });
});
