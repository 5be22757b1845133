/**
 * `koppla new connector`: the folder it writes is a working plugin — its own contract test passes
 * as written, and the runtime loads it by path.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPlugin } from '../../../runtime/plugins/index.ts';
import { scaffoldConnector } from '../../../runtime/plugins/scaffold/scaffold-connector.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// inside the repository, so `koppla/plugin-api` resolves to this checkout; .koppla/ is git-ignored
const work = join(root, '.koppla', `scaffold-test-${randomBytes(4).toString('hex')}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('koppla new connector', () => {
  it('writes a plugin whose contract test passes out of the box, and that the runtime loads by path', async () => {
    const dir = join(work, 'visma-erp');
    const cli = spawnSync(
      process.execPath,
      [join(root, 'runtime/cli/bin.js'), 'new', 'connector', 'visma-erp', '--dir', dir],
      { cwd: root, encoding: 'utf8' },
    );
    expect(cli.stderr).toBe('');
    expect(cli.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      'README.md',
      'connector.test.ts',
      'connector.ts',
      'sandbox.ts',
      'vitest.config.ts',
    ]);
    expect(cli.stdout).toContain(`Run its tests:  npx vitest run --root ${dir}`);

    const tests = spawnSync(
      process.execPath,
      [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--root', dir, '--reporter', 'verbose'],
      {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
        timeout: 120_000,
      },
    );
    const output = `${tests.stdout}\n${tests.stderr}`;
    expect(output).toMatch(/Tests\s+13 passed \(13\)/);
    expect(output).toContain('connector contract: visma-erp');
    expect(output).toContain('operation items.create: its examples run against the sandbox');
    expect(tests.status).toBe(0);

    const connector = await loadPlugin(dir);
    expect(connector.meta).toMatchObject({ id: 'visma-erp', name: 'Visma Erp', version: '0.1.0' });
    expect(Object.keys(connector.streams)).toEqual(['items']);
    expect(Object.keys(connector.operations)).toEqual(['items.create']);
    expect(connector.pluginApi).toBe('^1.0.0');
  }, 180_000);

  it('writes a package.json on request, to publish the plugin as an npm package', () => {
    const dir = join(work, 'shopify');
    scaffoldConnector('shopify', dir, { package: true, cwd: work });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg).toMatchObject({
      name: 'koppla-connector-shopify',
      type: 'module',
      exports: { '.': './connector.ts' },
      peerDependencies: { koppla: '*' },
    });
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('npx vitest run --root shopify');
  });

  it('refuses an id that is not kebab case, and a folder that is not empty', () => {
    expect(() => scaffoldConnector('Visma_ERP', join(work, 'bad'))).toThrow(
      '"Visma_ERP" is not a connector id: lower-case letters, digits and dashes, e.g. visma or acme-erp',
    );
    const taken = join(work, 'taken');
    mkdirSync(taken, { recursive: true });
    writeFileSync(join(taken, 'notes.txt'), 'mine');
    expect(() => scaffoldConnector('taken', taken)).toThrow(`${taken} exists and is not empty`);
    expect(existsSync(join(taken, 'connector.ts'))).toBe(false);
  });
});
