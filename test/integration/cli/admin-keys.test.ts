/** `koppla admin key create|list|revoke` and `koppla admin openapi`, as an operator runs them. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { AdminKeyring } from '../../../runtime/admin/api-keys.ts';
import { openApiDocument } from '../../../runtime/admin/openapi.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const root = fileURLToPath(new URL('../../../', import.meta.url));

function koppla(...args: string[]) {
  return spawnSync(process.execPath, [`${root}runtime/cli/bin.js`, ...args], {
    encoding: 'utf8',
    cwd: root,
    env: {
      ...process.env,
      MONGODB_URI: `${mongo.uri.replace(/\/$/, '')}/${mongo.name}`,
      KOPPLA_LOG_LEVEL: 'silent',
    },
  });
}

describe('koppla admin', { timeout: 120_000 }, () => {
  it('makes a key that opens the admin API, shows it once, lists it by name and revokes it', async () => {
    const created = koppla('admin', 'key', 'create', 'ci-bot');
    expect(created.status).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^kpl_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toContain('shown once');
    const keyring = new AdminKeyring({ db: mongo.db() });
    expect(await keyring.verify(key)).toEqual({ name: 'ci-bot' });
    expect(await keyring.verify(`${key}x`)).toBeUndefined();
    // only a hash is stored
    expect(JSON.stringify(await mongo.db().collection('koppla_admin_keys').find({}).toArray())).not.toContain(
      key,
    );

    expect(koppla('admin', 'key', 'create', 'ci-bot').stderr).toContain('a key named "ci-bot" exists');
    const listed = koppla('admin', 'key', 'list');
    expect(listed.stdout).toMatch(/^ci-bot created \d{4}-\d\d-\d\dT/m);
    expect(listed.stdout).not.toContain(key);

    expect(koppla('admin', 'key', 'revoke', 'ci-bot').stdout).toBe('revoked ci-bot\n');
    expect(await keyring.verify(key)).toBeUndefined();
    expect(koppla('admin', 'key', 'revoke', 'ci-bot').status).toBe(1);
  });

  it('refuses short keys in KOPPLA_ADMIN_API_KEYS, naming the entry and never the key', () => {
    expect(() =>
      AdminKeyring.fromEnv(undefined, { KOPPLA_ADMIN_API_KEYS: `ops:${'k'.repeat(40)},short-key` }),
    ).toThrow(/^KOPPLA_ADMIN_API_KEYS entry 2 is 9 characters; use at least 24/);
  });

  it('prints the OpenAPI document the API serves', () => {
    const printed = koppla('admin', 'openapi');
    expect(printed.status).toBe(0);
    expect(parseYaml(printed.stdout)).toEqual(openApiDocument());
  });
});
