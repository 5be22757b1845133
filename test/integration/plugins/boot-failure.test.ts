/**
 * A worker does not start with a plugin it cannot use: `koppla run` (the same boot as `serve`)
 * stops before running anything, naming the plugin, its line in koppla.yaml and the reason.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PLUGIN_API_VERSION } from '../../../core/plugin-api/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { SANDBOX_TOKEN, startHttpJsonSandbox } from '../../../examples/connector-http-json/sandbox.ts';

const mongo = useTestDatabase(import.meta.filename);
const bin = fileURLToPath(new URL('../../../runtime/cli/bin.js', import.meta.url));
const unitFixture = (name: string) =>
  fileURLToPath(new URL(`../../unit/plugins/fixtures/${name}`, import.meta.url));
const examplePipeline = fileURLToPath(
  new URL('../../../examples/connector-http-json/example/pipeline.yaml', import.meta.url),
);

const root = fileURLToPath(new URL('../../../', import.meta.url));
// the CLI runs from the checkout (tsx reads its tsconfig from the working directory); .koppla/ is git-ignored
const work = join(root, '.koppla', `boot-test-${randomBytes(4).toString('hex')}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function runWithPlugins(
  plugins: string[],
  connections = '{ source: {}, target: {} }',
  env: Record<string, string> = {},
) {
  mkdirSync(work, { recursive: true });
  const dir = mkdtempSync(join(work, 'config-'));
  writeFileSync(
    join(dir, 'koppla.yaml'),
    [
      'apiVersion: koppla/v1',
      'kind: Tenants',
      'plugins:',
      ...plugins.map((p) => `  - ${JSON.stringify(p)}`),
      'tenants:',
      '  - id: json-demo',
      `    pipelines: [{ pipeline: ${JSON.stringify(examplePipeline)} }]`,
      `    connections: ${connections}`,
      '',
    ].join('\n'),
  );
  const config = join(dir, 'koppla.yaml');
  // asynchronous: the sandboxes the run talks to live in this process
  const child = spawn(
    process.execPath,
    [bin, 'run', 'http-json-orders', '--tenant', 'json-demo', '-c', config],
    {
      cwd: root,
      env: {
        ...process.env,
        MONGODB_URI: `${mongo.uri.replace(/\/$/, '')}/${mongo.name}`,
        KOPPLA_MASTER_KEY: randomBytes(32).toString('base64'),
        KOPPLA_LOG_LEVEL: 'silent',
        ...env,
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { status, stdout, stderr, config: relative(root, config) };
}

describe('boot with a plugin it cannot use', () => {
  it('written for another plugin API: both versions, the plugin, its line; nothing runs', async () => {
    const plugin = unitFixture('incompatible-plugin.ts');
    const result = await runWithPlugins([plugin]);
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `${result.config}: a connector plugin cannot be loaded\n` +
        `${result.config}:4:5 error invalid-plugin connector plugin "${plugin}": future-books@3.1.0 is written for plugin API ^2.0.0, ` +
        `but this Koppla provides plugin API ${PLUGIN_API_VERSION}; install a version of the plugin made for plugin API 1.x\n`,
    );
  });

  it('an invalid declaration: every problem listed under the plugin', async () => {
    const plugin = unitFixture('unfit-example-plugin.ts');
    const result = await runWithPlugins([
      '../does-not-matter-first'.replace('../does-not-matter-first', plugin),
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `koppla.yaml:4:5 error invalid-plugin connector plugin "${plugin}" is invalid:`,
    );
    expect(result.stderr).toContain(
      `  - operation "invoices.create", example "empty": input does not fit inputSchema: / must have required property 'CustomerNumber'`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('a working plugin, by path, boots and runs', async () => {
    const example = fileURLToPath(new URL('../../../examples/connector-http-json', import.meta.url));
    const source = await startHttpJsonSandbox({
      seed: { records: [{ id: 'a', updatedAt: '2026-03-01T08:00:00.000Z', total: '9.00' }] },
    });
    const target = await startHttpJsonSandbox();
    try {
      const secrets = '{ token: { env: HTTP_JSON_TOKEN } }';
      const result = await runWithPlugins(
        [example],
        `{ source: { settings: { baseUrl: "${source.url}" }, secrets: ${secrets} }, target: { settings: { baseUrl: "${target.url}" }, secrets: ${secrets} } }`,
        { HTTP_JSON_TOKEN: SANDBOX_TOKEN },
      );
      expect(result.stderr).toBe('');
      expect(result.stdout).toMatch(/^run \S+ succeeded: 1 read, 1 processed, 0 skipped, 0 failed/m);
      expect(target.received.get('/orders')).toEqual([{ id: '1', orderId: 'a', total: '9.00' }]);
    } finally {
      await source.stop();
      await target.stop();
    }
  });
});
