/**
 * A worker killed with SIGKILL in the middle of a record — its write reached the remote side, its
 * commit never reached the ledger — and a new worker started on the same database: the record is
 * finished by looking the write up (no second document), and the rest follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { startExampleRemote, type ExampleRemote } from '../../fixtures/connectors/example-remote-server.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { REMOTE_PIPELINES, REMOTE_PLUGIN, spawnWorker, type WorkerProcess } from './workers/spawn-worker.ts';

const mongo = useTestDatabase(import.meta.filename);
const TOKEN = 'remote-token-0b7e41c3';
const TENANT = 'crash-shop';
// short lifetimes so that the dead worker's lock, lease and claim run out within the test
const TIMINGS = { lockLifetimeMs: 3_000, runLeaseMs: 3_000, effectClaimMs: 3_000 };

interface EffectDocument {
  recordKey: string;
  step: string;
  attempt: number;
  state: string;
  via?: string;
  owner: string;
}

describe('a worker killed mid-record', () => {
  let remote: ExampleRemote;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    remote = await startExampleRemote({ token: TOKEN });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await remote?.stop();
  });

  it('finishes the record after a restart through lookup: the remote side has exactly one document', async () => {
    const connection = { settings: { url: remote.tenantUrl(TENANT) }, secrets: { token: TOKEN } };
    const tenant: Tenant = {
      id: TENANT,
      name: 'Crash Shop AB',
      enabled: true,
      pipelines: [{ file: REMOTE_PIPELINES.orders, enabled: true, everyMs: 1_000 }],
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: { shop: connection, ledger: connection },
    };
    const orders = remote.addOrders(TENANT, 3);
    const victim = orders[1]!.number;
    const config = (workerName: string) => ({
      mongoUri: mongo.uri,
      dbName: mongo.name,
      workerName,
      plugins: [REMOTE_PLUGIN],
      tenants: [tenant],
      processEveryMs: 100,
      timings: TIMINGS,
    });

    // the remote side stores the second order, then holds its answer: the worker waits for it
    const held = remote.holdNext((call) => call.kind === 'orders' && call.input.YourOrderNumber === victim);
    const first = await spawnWorker(config('doomed'));
    workers.push(first);
    await held;
    await first.kill();
    expect(first.child.signalCode).toBe('SIGKILL');

    const effects = mongo.db().collection<EffectDocument>('koppla_effects');
    const inFlight = await effects.findOne({ recordKey: `order:${victim}`, step: 'order' });
    expect(inFlight).toMatchObject({ state: 'claimed', attempt: 1, owner: 'doomed' });
    expect(remote.documents(TENANT, 'orders').map((d) => d.YourOrderNumber)).toEqual([
      orders[0]!.number,
      victim,
    ]);

    const second = await spawnWorker(config('survivor'));
    workers.push(second);
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && remote.documents(TENANT, 'orders').length < 3) {
      await new Promise((r) => setTimeout(r, 200));
    }
    // settle: let the survivor's run finish and a later tick find nothing to do
    await new Promise((r) => setTimeout(r, 2_000));
    await second.stop();

    const documents = remote.documents(TENANT, 'orders').map((d) => d.YourOrderNumber);
    expect(documents).toEqual(orders.map((o) => o.number));
    expect(remote.calls.filter((c) => c.kind === 'orders').map((c) => c.input.YourOrderNumber)).toEqual(
      orders.map((o) => o.number),
    );
    const attempts = await effects
      .find({ recordKey: `order:${victim}`, step: 'order' })
      .sort({ attempt: 1 })
      .toArray();
    expect(attempts.at(-1)).toMatchObject({ state: 'committed', via: 'lookup', owner: 'survivor' });
    expect(await effects.countDocuments({ state: { $ne: 'committed' }, attempt: { $gt: 1 } })).toBe(0);
    const cursor = await mongo.db().collection('koppla_cursors').findOne({ tenant: TENANT });
    expect(Number(cursor?.value)).toBe(orders.at(-1)!.seq);
  });
});
