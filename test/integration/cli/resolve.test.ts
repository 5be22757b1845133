/**
 * `koppla resolve`, as an operator runs it after doing a hand-off's work in Fortnox: the dead letter
 * is closed with who, when and the note; a second resolve, an unknown id or another tenant's dead
 * letter is refused with a clear message and a non-zero exit; a replay leaves it resolved.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterStore, type PutDeadLetter } from '../../../runtime/dead-letter/index.ts';
import { ensureIndexes } from '../../../runtime/store/index.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const MASTER_KEY = randomBytes(32).toString('base64');
const bin = fileURLToPath(new URL('../../../runtime/cli/bin.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const TENANT = 'example-shop-ab';
let letters: DeadLetterStore;

function koppla(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args, ...FIXTURE_PLUGINS.flatMap((p) => ['--plugin', p])], {
    encoding: 'utf8',
    cwd: fixtures,
    env: {
      ...process.env,
      MONGODB_URI: `${mongo.uri.replace(/\/$/, '')}/${mongo.name}`,
      EXAMPLE_LEDGER_TOKEN: 'tok-123',
      KOPPLA_MASTER_KEY: MASTER_KEY,
      KOPPLA_LOG_LEVEL: 'silent',
    },
  });
}

const handOff = (recordKey: string, overrides: Partial<PutDeadLetter> = {}): PutDeadLetter => ({
  tenant: TENANT,
  pipeline: 'orders-example',
  recordKey,
  record: { id: recordKey.slice('order:'.length) },
  failedStep: 'orderRefundByHand',
  position: { file: 'pipelines/orders-example.yaml', line: 12, col: 5 },
  error: {
    message: 'refunded in part: adjust the order in Fortnox by hand, then resolve this dead letter',
    kind: 'validation',
  },
  attempts: 1,
  ...overrides,
});

beforeAll(async () => {
  await ensureIndexes(mongo.db());
  letters = new DeadLetterStore(mongo.db());
});

describe('koppla resolve', { timeout: 120_000 }, () => {
  it('resolves a dead letter with who, when and the note; a second time is refused', async () => {
    const dead = await letters.put(handOff('order:7101'));
    const first = koppla('resolve', dead.id, '--tenant', TENANT, '--note', 'adjusted order 12 in Fortnox');
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(
      `${dead.id} resolved: orders-example record order:7101 at step orderRefundByHand\n1 resolved, 0 refused\n`,
    );
    expect(first.status).toBe(0);
    expect(await letters.get(dead.id)).toMatchObject({
      status: 'resolved',
      resolution: 'resolved by hand',
      resolvedBy: expect.stringMatching(/^cli:\S+$/),
      note: 'adjusted order 12 in Fortnox',
      resolvedAt: expect.any(Date),
    });

    const again = koppla('resolve', dead.id, '--tenant', TENANT, '--note', 'once more');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(
      new RegExp(`^${dead.id} was already resolved at \\S+ by cli:\\S+ \\(resolved by hand\\)\\n$`),
    );
    expect(again.stdout).toBe('0 resolved, 1 refused\n');
    // the first resolution is kept
    expect((await letters.get(dead.id))?.note).toBe('adjusted order 12 in Fortnox');

    // a replay of it runs nothing and says it is resolved
    const replay = koppla('replay', dead.id);
    expect(replay.stdout).toBe(`${dead.id} resolved\n1 resolved, 0 still failing\n`);
    expect((await letters.get(dead.id))?.resolvedBy).toMatch(/^cli:/);
  });

  it("refuses an unknown id and another tenant's dead letter alike, resolving the rest", async () => {
    const own = await letters.put(handOff('order:7102'));
    const foreign = await letters.put(handOff('order:7102', { tenant: 'other-shop' }));
    const result = koppla('resolve', 'no-such-id', foreign.id, own.id, '--tenant', TENANT);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `no-such-id: tenant ${TENANT} has no dead letter with this id\n` +
        `${foreign.id}: tenant ${TENANT} has no dead letter with this id\n`,
    );
    expect(result.stdout).toBe(
      `${own.id} resolved: orders-example record order:7102 at step orderRefundByHand\n1 resolved, 2 refused\n`,
    );
    expect((await letters.get(foreign.id))?.status).toBe('open');
    expect((await letters.get(own.id))?.note).toBeUndefined();
  });

  it('resolves every open dead letter of a tenant with --all (one pipeline with --pipeline)', async () => {
    const a = await letters.put(handOff('order:7201'));
    const other = await letters.put(handOff('order:7202', { pipeline: 'stock-example' }));
    const result = koppla('resolve', '--all', '--pipeline', 'orders-example', '--tenant', TENANT);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(
      `${a.id} resolved: orders-example record order:7201 at step orderRefundByHand\n1 resolved, 0 refused\n`,
    );
    expect((await letters.get(other.id))?.status).toBe('open');
  });

  it('says what is missing: no id, or an unknown tenant', () => {
    const none = koppla('resolve', '--tenant', TENANT);
    expect(none.status).toBe(1);
    expect(none.stderr).toBe('koppla: name dead letter ids, or use --all\n');
    const tenant = koppla('resolve', 'some-id', '--tenant', 'nobody');
    expect(tenant.status).toBe(1);
    expect(tenant.stderr).toMatch(/nobody/);
    expect(tenant.stderr).not.toMatch(/\n\s+at /);
  });
});
