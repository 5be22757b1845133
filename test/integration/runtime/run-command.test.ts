/** `koppla run` as a user runs it: tenants from koppla.yaml, state in the MongoDB of MONGODB_URI. */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const MASTER_KEY = randomBytes(32).toString('base64');
const bin = fileURLToPath(new URL('../../../runtime/cli/bin.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function koppla(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args, ...FIXTURE_PLUGINS.flatMap((p) => ['--plugin', p])], {
    encoding: 'utf8',
    cwd: fixtures,
    env: { ...process.env, ...env, KOPPLA_LOG_LEVEL: 'silent' },
  });
}

describe('koppla run', () => {
  it('runs a tenant pipeline once and prints the summary; a second run finds nothing new', () => {
    const uri = `${mongo.uri.replace(/\/$/, '')}/${mongo.name}`;
    const env = { MONGODB_URI: uri, EXAMPLE_LEDGER_TOKEN: 'tok-123', KOPPLA_MASTER_KEY: MASTER_KEY };
    const first = koppla(env, 'run', 'orders-example', '--tenant', 'example-shop-ab');
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(
      /^run \S+ succeeded: 2 read, 1 processed, 1 skipped, 0 failed \(dead letters\)$/m,
    );
    expect(first.status).toBe(0);
    const second = koppla(env, 'run', 'orders-example', '--tenant', 'example-shop-ab');
    expect(second.stdout).toMatch(/succeeded: 0 read/);
  });

  it('status lists the runs; replay of a resolved-nothing tenant says so', () => {
    const uri = `${mongo.uri.replace(/\/$/, '')}/${mongo.name}`;
    const env = { MONGODB_URI: uri, EXAMPLE_LEDGER_TOKEN: 'tok-123', KOPPLA_MASTER_KEY: MASTER_KEY };
    const status = koppla(env, 'status', '--tenant', 'example-shop-ab');
    expect(status.stdout).toMatch(/^example-shop-ab \(Example Shop AB\)$/m);
    expect(status.stdout).toMatch(/^ {2}run \S+ orders-example succeeded: 2 read, 1 processed, 0 failed$/m);
    const replay = koppla(env, 'replay', '--all', '--tenant', 'example-shop-ab');
    expect(replay.stdout).toBe('0 resolved, 0 still failing\n');
  });

  it('says which secret is missing, without a stack trace', () => {
    const result = koppla(
      { MONGODB_URI: mongo.uri, KOPPLA_MASTER_KEY: MASTER_KEY },
      'run',
      'orders-example',
      '--tenant',
      'example-shop-ab',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('secret "token" comes from $EXAMPLE_LEDGER_TOKEN, which is not set');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to run without a master key, saying how to make one', () => {
    const result = koppla(
      { MONGODB_URI: mongo.uri, EXAMPLE_LEDGER_TOKEN: 'x', KOPPLA_MASTER_KEY: '' },
      'run',
      'orders-example',
      '--tenant',
      'example-shop-ab',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /^koppla: KOPPLA_MASTER_KEY is not set: it must be the base64 of 32 random bytes/,
    );
  });

  it('refuses to run without MONGODB_URI', () => {
    const result = koppla(
      { MONGODB_URI: '', EXAMPLE_LEDGER_TOKEN: 'x' },
      'run',
      'orders-example',
      '--tenant',
      'example-shop-ab',
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^koppla: set MONGODB_URI/);
  });
});
