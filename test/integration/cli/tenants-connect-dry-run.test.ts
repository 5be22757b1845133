/**
 * The CLI as an operator uses it, against the test database and both sandboxes: `tenants add` (secrets
 * from env and stdin, never echoed), `connect fortnox` (the sandbox's authorization code), `dry-run`
 * (reads, refuses every write, prints the payloads), `tenants set` (schedules re-synced) and `run`
 * with its summary.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_AUTHORIZATION_CODE,
  DEFAULT_CLIENT,
  DEFAULT_SEED,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const bin = `${root}runtime/cli/bin.js`;
const seed = (file: string) =>
  JSON.parse(readFileSync(`${root}scripts/demo/seed/${file}`, 'utf8')) as unknown;
const MASTER_KEY = randomBytes(32).toString('base64');

let woo: Awaited<ReturnType<typeof startWooSandbox>>;
let fortnox: RunningFortnoxSandbox;
/** Everything the CLI printed, to scan for secrets at the end. */
const printed: string[] = [];

/** The bin, asynchronously: the sandboxes answer from this process, so it must not block. */
function koppla(args: readonly string[], options: { input?: string; env?: Record<string, string> } = {}) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: root,
      env: {
        ...process.env,
        MONGODB_URI: `${mongo.uri.replace(/\/$/, '')}/${mongo.name}`,
        KOPPLA_MASTER_KEY: MASTER_KEY,
        KOPPLA_LOG_LEVEL: 'silent',
        ...options.env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += String(chunk)));
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.on('error', reject);
    child.on('close', (status) => {
      printed.push(stdout, stderr);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

const fortnoxWrites = () =>
  fortnox.state.requests.filter((r) => r.method !== 'GET' && r.url.startsWith('/3/')).length;
const count = (collection: string) => mongo.db().collection(collection).countDocuments();

beforeAll(async () => {
  woo = await startWooSandbox({ seed: seed('woocommerce-store.json') as never });
  fortnox = await startFortnoxSandbox({
    seed: { ...DEFAULT_SEED, articles: seed('fortnox-articles.json') as never },
  });
});

afterAll(async () => {
  await woo?.stop();
  await fortnox?.stop();
});

// each step spawns the CLI, which takes seconds on a busy machine
describe('koppla tenants, connect fortnox, dry-run and run', { timeout: 180_000 }, () => {
  it('adds a tenant with secrets from the environment and stdin, echoing none', async () => {
    const refused = await koppla(['tenants', 'add', 'nope', '--secret', 'ledger.clientSecret=hunter2']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('a value on the command line would stay in the shell history');
    expect(refused.stderr).not.toContain('hunter2');

    const added = await koppla(
      [
        'tenants',
        'add',
        'shop-one',
        '--name',
        'Shop One AB',
        '--pipeline',
        'pipelines/orders-to-fortnox.yaml=1 hour',
        '--setting',
        `shop.url=${woo.url}`,
        '--setting',
        'shop.auth=basic',
        '--setting',
        `ledger.clientId=${DEFAULT_CLIENT.clientId}`,
        '--setting',
        `ledger.apiUrl=${fortnox.url}`,
        '--setting',
        `ledger.authUrl=${fortnox.url}`,
        '--secret',
        'shop.consumerKey=env:SHOP_KEY',
        '--secret',
        'shop.consumerSecret',
        '--secret',
        'ledger.clientSecret',
      ],
      {
        env: { SHOP_KEY: SANDBOX_CONSUMER_KEY },
        input: `${SANDBOX_CONSUMER_SECRET}\n${DEFAULT_CLIENT.clientSecret}\n`,
      },
    );
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(/^added tenant shop-one \(revision 1\)$/m);
    expect(added.stdout).toMatch(/^shop-one \(Shop One AB\) enabled, from MongoDB, revision 1 by cli$/m);
    expect(added.stdout).toMatch(/^ {2}pipeline orders-to-fortnox: enabled, every 1 h$/m);
    expect(added.stdout).toContain(
      'connection ledger (fortnox): settings clientId, apiUrl, authUrl; secrets clientSecret set (MongoDB)',
    );
    expect(added.stdout).toMatch(/refreshToken not set/);
    // scheduled by the CLI, in the collection every worker reads
    const job = await mongo
      .db()
      .collection('agendaJobs')
      .findOne({ 'data.tenant': 'shop-one', 'data.trigger': 'schedule' });
    expect(job?.repeatInterval).toBe(3_600_000);

    const listed = await koppla(['tenants', 'list', '--format', 'json']);
    const { tenants } = JSON.parse(listed.stdout) as {
      tenants: { id: string; connections: Record<string, unknown> }[];
    };
    expect(tenants.map((t) => t.id)).toEqual(['shop-one']);
    expect(tenants[0]!.connections.shop).toMatchObject({
      connector: 'woocommerce',
      secrets: {
        consumerKey: { set: true, source: 'store' },
        consumerSecret: { set: true, source: 'store' },
      },
    });
  });

  it('connects Fortnox with the authorization code and stores the tokens encrypted', async () => {
    const connected = await koppla(['connect', 'fortnox', '--tenant', 'shop-one'], {
      input: `${DEFAULT_AUTHORIZATION_CODE}\n`,
    });
    expect(connected.stderr).toBe('');
    expect(connected.status).toBe(0);
    const url = new URL(/^ {2}(\S+)$/m.exec(connected.stdout)![1]!);
    expect(`${url.origin}${url.pathname}`).toBe(`${fortnox.url}/oauth-v1/auth`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      client_id: DEFAULT_CLIENT.clientId,
      response_type: 'code',
      access_type: 'offline',
      state: expect.stringMatching(/^[A-Za-z0-9_-]{16}$/),
    });
    expect(url.searchParams.get('scope')!.split(' ')).toEqual(
      expect.arrayContaining(['customer', 'order', 'invoice']),
    );
    expect(connected.stdout).toContain('connected: tenant shop-one, connection ledger');

    const stored = await mongo.db().collection('koppla_oauth_tokens').find({}).toArray();
    expect(stored.map((t) => t._id)).toEqual([`fortnox:${DEFAULT_CLIENT.clientId}:shop-one`]);
    const raw = JSON.stringify(stored);
    for (const token of fortnox.state.accessTokens.keys()) expect(raw).not.toContain(token);
    expect(stored[0]).toHaveProperty('sealed.data');

    // the code is single use: a second exchange is refused, and says so
    const again = await koppla([
      'connect',
      'fortnox',
      '--tenant',
      'shop-one',
      '--code',
      DEFAULT_AUTHORIZATION_CODE,
    ]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^koppla: Fortnox did not accept the code/m);
  });

  it('dry-runs: reads the shop, refuses every write, prints the payloads, records nothing', async () => {
    const writesBefore = fortnoxWrites();
    const dry = await koppla(['dry-run', 'orders-to-fortnox', '--tenant', 'shop-one']);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toMatch(/^Dry run of orders-to-fortnox for shop-one: nothing is sent/);
    expect(dry.stdout).toMatch(
      /✗ customer → ledger\.customers\.upsert: refused; would send\n {6}\{.*"Name":/,
    );
    const totals =
      /^(\d+) read, (\d+) processed, (\d+) skipped, (\d+) failed; (\d+) write\(s\) refused$/m.exec(
        dry.stdout,
      );
    expect(totals).not.toBeNull();
    expect(Number(totals![1])).toBeGreaterThan(0);
    expect(Number(totals![5])).toBeGreaterThan(0);
    expect(fortnoxWrites()).toBe(writesBefore);
    for (const collection of ['koppla_runs', 'koppla_effects', 'koppla_cursors', 'koppla_dead_letters'])
      expect(await count(collection), collection).toBe(0);

    const json = await koppla([
      'dry-run',
      'orders-to-fortnox',
      '--tenant',
      'shop-one',
      '--limit',
      '1',
      '--format',
      'json',
    ]);
    const result = JSON.parse(json.stdout) as {
      summary: { read: number };
      records: { calls: { kind: string; input: unknown }[] }[];
    };
    expect(result.summary.read).toBe(1);
    expect(result.records[0]!.calls.map((c) => c.kind)).toContain('refused');
  });

  it('changes the tenant: switches re-sync the schedule, and a run prints its summary', async () => {
    const off = await koppla([
      'tenants',
      'set',
      'shop-one',
      '--pipeline-set',
      'orders-to-fortnox=off',
      '--toggle',
      'se-vat/gift-card-sale=off',
    ]);
    expect(off.stderr).toBe('');
    expect(off.stdout).toMatch(/^changed tenant shop-one \(revision 3\)$/m);
    expect(off.stdout).toMatch(/^ {2}pipeline orders-to-fortnox: disabled$/m);
    expect(off.stdout).toMatch(/^ {2}toggles se-vat\/gift-card-sale=off$/m);
    expect(
      await mongo
        .db()
        .collection('agendaJobs')
        .findOne({ 'data.tenant': 'shop-one', 'data.trigger': 'schedule' }),
    ).toBeNull();

    const typo = await koppla(['tenants', 'set', 'shop-one', '--toggle', 'se-vatt=off']);
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain('did you mean "se-vat"');

    const on = await koppla([
      'tenants',
      'set',
      'shop-one',
      '--pipeline-set',
      'orders-to-fortnox=on',
      '--pipeline-set',
      'orders-to-fortnox=default',
    ]);
    // default: back to the pipeline's own interval
    expect(on.stdout).toMatch(
      /^ {2}pipeline orders-to-fortnox: enabled, every 5 min \(the pipeline's schedule\)$/m,
    );
    const reset = await koppla([
      'tenants',
      'set',
      'shop-one',
      '--pipeline-set',
      'orders-to-fortnox=30 minutes',
    ]);
    expect(reset.stdout).toMatch(/^ {2}pipeline orders-to-fortnox: enabled, every 30 min$/m);
    expect(
      (
        await mongo
          .db()
          .collection('agendaJobs')
          .findOne({ 'data.tenant': 'shop-one', 'data.trigger': 'schedule' })
      )?.repeatInterval,
    ).toBe(1_800_000);

    const run = await koppla(['run', 'orders-to-fortnox', '--tenant', 'shop-one']);
    expect(run.stdout).toMatch(
      /^run \S+ (succeeded|partial): \d+ read, \d+ processed, \d+ skipped, \d+ failed \(dead letters\)$/m,
    );
    expect(run.stdout).toMatch(/^ {2}took \d+\.\d s over \d+ page\(s\)$/m);
    // no terminal: no progress bar
    expect(run.stderr).toBe('');
    expect(fortnoxWrites()).toBeGreaterThan(0);
    const failed = Number(/(\d+) failed \(dead letters\)/.exec(run.stdout)![1]);
    expect(run.stdout.match(/^ {2}failed \S+ at step /gm)?.length ?? 0).toBe(failed);

    // a dry run from the start now finds every write sent before: nothing would be sent twice
    const writes = fortnoxWrites();
    const again = await koppla([
      'dry-run',
      'orders-to-fortnox',
      '--tenant',
      'shop-one',
      '--from-start',
      '--format',
      'json',
    ]);
    const result = JSON.parse(again.stdout) as { refused: number; records: { calls: { kind: string }[] }[] };
    expect(result.records.flatMap((r) => r.calls).some((c) => c.kind === 'ledger')).toBe(true);
    // only the records that failed in the run would send anything
    const wouldSend = result.records.filter((r) => r.calls.some((c) => c.kind === 'refused')).length;
    expect(wouldSend).toBeLessThanOrEqual(failed);
    expect(fortnoxWrites()).toBe(writes);
  });

  it('never printed a secret', () => {
    for (const secret of [
      SANDBOX_CONSUMER_KEY,
      SANDBOX_CONSUMER_SECRET,
      DEFAULT_CLIENT.clientSecret,
      ...fortnox.state.accessTokens.keys(),
    ])
      expect(printed.filter((text) => text.includes(secret))).toEqual([]);
  });
});
