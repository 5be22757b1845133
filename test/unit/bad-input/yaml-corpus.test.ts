/**
 * Hostile and broken pipelines, rule packs and tests beyond the core invalid corpus
 * (test/fixtures/invalid): anchors bombs, alias cycles, deep nesting, huge files, unicode tricks,
 * devices named as files. Each file says which findings `koppla lint` must report
 * (`# expect: <rule> <line>:<col>`); the generated ones (too big to keep in the repository) are
 * built here. Every one must end in diagnostics with a position — never a thrown error, a hang or
 * an exhausted heap.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { YAML_LIMITS } from '../../../core/config/index.ts';
import { lintFile } from '../../../runtime/project/lint-file.ts';
import { fixtureWorkspace } from '../../helpers/workspace.ts';

const corpus = fileURLToPath(new URL('../../fixtures/bad-input/yaml/', import.meta.url));
const files = readdirSync(corpus).filter((f) => f.endsWith('.yaml'));

function expectations(file: string): string[] {
  return readFileSync(join(corpus, file), 'latin1')
    .split('\n')
    .filter((line) => line.startsWith('# expect: '))
    .map((line) => line.slice('# expect: '.length).trim());
}

const head = 'apiVersion: koppla/v1\nkind: Pipeline\nmetadata: { id: generated }\n';

/** Inputs too large to keep as files, and the one finding each must give. */
const GENERATED: readonly { name: string; text: () => string; rule: string; message: RegExp }[] = [
  {
    name: 'a file over the size limit (1 MiB of comment)',
    text: () => head + `# ${'x'.repeat(YAML_LIMITS.maxLength)}\n`,
    rule: 'yaml-limit',
    message: /file too large/,
  },
  {
    name: 'flow nesting just past the depth limit',
    text: () => `${head}x: ${'['.repeat(YAML_LIMITS.maxDepth + 1)}${']'.repeat(YAML_LIMITS.maxDepth + 1)}\n`,
    rule: 'yaml-limit',
    message: /nested too deeply/,
  },
  {
    name: 'flow nesting deep enough to exhaust the parser’s stack (20 000 brackets)',
    text: () => `${head}x: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`,
    rule: 'yaml-limit',
    message: /nested too deeply/,
  },
  {
    name: 'block nesting past the depth limit',
    text: () =>
      head +
      Array.from({ length: YAML_LIMITS.maxDepth + 5 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') +
      ' end\n',
    rule: 'yaml-limit',
    message: /nested too deeply/,
  },
  {
    name: '30 000 keys in one map, the last a duplicate (the check is linear)',
    text: () => head + Array.from({ length: 30_000 }, (_, i) => `k${i}: ${i}`).join('\n') + '\nk7: again\n',
    rule: 'duplicate-key',
    message: /unique/,
  },
  {
    name: '5 000 steps, each naming an unknown connection',
    text: () =>
      head +
      'connections: { shop: { connector: example-shop } }\nsource: { connection: shop, stream: orders }\nsteps:\n' +
      Array.from({ length: 5_000 }, (_, i) => `  - { id: s${i}, uses: nowhere.op }`).join('\n') +
      '\n',
    rule: 'unknown-connection',
    message: /./,
  },
  {
    name: 'a 900 000-character scalar',
    text: () => `${head.replace('generated', `"${'a'.repeat(900_000)}"`)}`,
    rule: 'schema',
    message: /./,
  },
  {
    name: 'aliases just over the expansion limit',
    text: () =>
      `${head}a: &a [x]\nb: [${Array.from({ length: YAML_LIMITS.maxAliasCount + 1 }, () => '*a').join(', ')}]\n`,
    rule: 'yaml-limit',
    message: /aliases expand too often/,
  },
];

describe('the bad-input corpus: pipelines, rule packs and tests', async () => {
  const workspace = await fixtureWorkspace();
  const scratch = mkdtempSync(join(tmpdir(), 'koppla-bad-yaml-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has at least 30 hostile files and generated inputs, each with its expectation', () => {
    expect(files.length + GENERATED.length).toBeGreaterThanOrEqual(30);
    for (const file of files) expect(expectations(file), file).not.toHaveLength(0);
  });

  it.each(files)('%s', (file) => {
    const found = lintFile(workspace, join(corpus, file)).map(
      (d) => `${d.rule} ${d.line}:${d.col}${d.severity === 'warning' ? ' warning' : ''}`,
    );
    expect(found.sort()).toEqual(expectations(file).sort());
  });

  it.each(GENERATED.map((g) => [g.name, g] as const))('generated: %s', (_name, generated) => {
    const path = join(scratch, `${generated.rule}-${GENERATED.indexOf(generated)}.yaml`);
    writeFileSync(path, generated.text());
    const found = lintFile(workspace, path);
    expect(found.length).toBeGreaterThan(0);
    const first = found.find((d) => d.rule === generated.rule);
    expect(first, JSON.stringify(found.slice(0, 3))).toBeDefined();
    expect(first!.message).toMatch(generated.message);
    expect(first!.line).toBeGreaterThanOrEqual(1);
    expect(first!.col).toBeGreaterThanOrEqual(1);
  });

  it('no prototype was polluted by any of them', () => {
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
