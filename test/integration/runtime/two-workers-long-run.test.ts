/**
 * Two workers on one database, lock and lease lifetimes of one and two seconds: a run that takes four
 * is neither cancelled nor taken over (its Agenda lock is touched, its run lease renewed); and the
 * installation's cleanup job runs once per tick between them, expiring what the retention says.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import { startWorker, type RunningWorker } from '../../../runtime/service/worker.ts';
import { COLLECTIONS, RunStore, ensureIndexes, runLeaseScope } from '../../../runtime/store/index.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { startExampleRemote, type ExampleRemote } from '../../fixtures/connectors/example-remote-server.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { REMOTE_PIPELINES, REMOTE_PLUGIN } from './workers/spawn-worker.ts';

const mongo = useTestDatabase(import.meta.filename);
const TOKEN = 'remote-token-long-run';

function capture(lines: string[]) {
  return pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
}

describe('long runs and installation jobs with two workers', () => {
  let remote: ExampleRemote;
  let connectors: ConnectorRegistry;
  const workers: RunningWorker[] = [];

  beforeAll(async () => {
    await ensureIndexes(mongo.db());
    remote = await startExampleRemote({ token: TOKEN });
    connectors = new ConnectorRegistry();
    connectors.register(await loadConnectorPlugin(REMOTE_PLUGIN));
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await remote?.stop();
  });

  function tenant(id: string, everyMs: number): Tenant {
    const connection = { settings: { url: remote.tenantUrl(id) }, secrets: { token: TOKEN } };
    return {
      id,
      name: id,
      enabled: true,
      pipelines: [{ file: REMOTE_PIPELINES.orders, enabled: true, everyMs }],
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: { shop: connection, ledger: connection },
    };
  }

  it('keeps a run longer than its lock and lease to itself: not cancelled, not started twice', async () => {
    const [order] = remote.addOrders('slow-shop', 1);
    const slow = remote.holdNext((call) => call.kind === 'orders', { releaseAfterMs: 4_000 });
    const timings = { lockLifetimeMs: 1_000, runLeaseMs: 2_000, effectClaimMs: 60_000 };
    const pair = await Promise.all(
      ['long-a', 'long-b'].map((workerName) =>
        startWorker({
          db: mongo.db(),
          connectors,
          tenants: [tenant('slow-shop', 1_000)],
          workerName,
          processEveryMs: 100,
          timings,
        }),
      ),
    );
    workers.push(...pair);
    await slow;
    const runs = new RunStore(mongo.db());
    const deadline = Date.now() + 20_000;
    const slowRun = async () =>
      (await runs.list({ tenant: 'slow-shop' })).find(
        (r) => r.status !== 'running' && r.counts.processed === 1,
      );
    while (Date.now() < deadline && !(await slowRun())) await new Promise((r) => setTimeout(r, 200));
    const metrics = await Promise.all(pair.map(async (w) => (await fetch(`${w.url}/metrics`)).text()));
    await Promise.all(pair.map((w) => w.stop()));

    const run = await slowRun();
    expect(run).toMatchObject({ status: 'succeeded', counts: { processed: 1, failed: 0 } });
    expect(run!.durationMs).toBeGreaterThanOrEqual(3_500);
    expect(remote.calls.filter((c) => c.kind === 'orders').map((c) => c.input.YourOrderNumber)).toEqual([
      order!.number,
    ]);
    // no other run of the pipeline started meanwhile, and no worker was refused the lease
    const all = await runs.list({ tenant: 'slow-shop' });
    for (const other of all.filter((r) => r.id !== run!.id)) {
      const startedDuring = other.startedAt > run!.startedAt && other.startedAt < run!.finishedAt!;
      expect(startedDuring, `run ${other.id} started during the slow run`).toBe(false);
    }
    const leases = await mongo
      .db()
      .collection(COLLECTIONS.leases)
      .find({ scope: runLeaseScope('slow-shop', 'remote-orders') })
      .toArray();
    expect(leases.filter((l) => l.acquiredAt > run!.startedAt && l.acquiredAt < run!.finishedAt!)).toEqual(
      [],
    );
    const skipped = metrics.join('\n').match(/^koppla_runs_total\{.*status="skipped"\} \d+$/gm) ?? [];
    expect(skipped).toEqual([]);
    // Agenda did not cancel it for exceeding the lock lifetime
    const job = await mongo.db().collection('agendaJobs').findOne({ 'data.tenant': 'slow-shop' });
    expect(job?.failReason ?? null).toBeNull();
  });

  it('runs the cleanup job once per tick across workers and expires old runs, leases, rate events, delivery keys and one-off jobs', async () => {
    const db = mongo.db();
    const now = Date.now();
    const ago = (ms: number) => new Date(now - ms);
    const runs = db.collection(COLLECTIONS.runs);
    const run = (id: string, startedAt: Date, status = 'succeeded') => ({
      _id: id as never,
      tenant: 'tidy-shop',
      pipeline: 'remote-orders',
      trigger: 'schedule',
      status,
      startedAt,
      counts: { read: 0, processed: 0, skipped: 0, failed: 0 },
    });
    await runs.insertMany([1, 2, 3, 4, 5, 6].map((n) => run(`old-${n}`, ago(86_400_000 + n * 60_000))));
    // its worker died ten minutes ago: running, and nobody holds its lease
    await runs.insertOne(run('orphan', ago(10 * 60_000), 'running'));
    await db.collection(COLLECTIONS.rateEvents).insertMany([
      { _id: 'gone' as never, key: 'fortnox:tidy', startedAt: ago(120_000), until: ago(60_000) },
      { _id: 'live' as never, key: 'fortnox:tidy', startedAt: ago(1_000), until: new Date(now + 60_000) },
    ]);
    await db.collection(COLLECTIONS.leases).insertMany(
      [1, 2, 3].map((generation) => ({
        _id: `oauth-refresh:tidy#${generation}` as never,
        scope: 'oauth-refresh:tidy',
        generation,
        holder: 'w',
        acquiredAt: ago(10_000),
        expiresAt: ago(5_000),
      })),
    );
    await db.collection(COLLECTIONS.webhookDeliveries).insertMany([
      {
        _id: 'tidy-shop/shop/old' as never,
        tenant: 'tidy-shop',
        connection: 'shop',
        seenAt: ago(4 * 86_400_000),
      },
      { _id: 'tidy-shop/shop/new' as never, tenant: 'tidy-shop', connection: 'shop', seenAt: ago(60_000) },
    ]);

    // a webhook's one-off run, finished two days ago, and one still to run
    await db.collection('agendaJobs').insertMany([
      {
        name: 'pipeline.run',
        data: { tenant: 'tidy-shop', pipeline: 'remote-orders', trigger: 'event' },
        nextRunAt: null,
        lockedAt: null,
        lastFinishedAt: ago(2 * 86_400_000),
      },
      {
        name: 'pipeline.run',
        data: { tenant: 'tidy-shop', pipeline: 'remote-orders', trigger: 'manual' },
        nextRunAt: new Date(now + 3_600_000),
        lockedAt: null,
        lastFinishedAt: null,
      },
    ]);

    const logs: string[][] = [[], []];
    const pair = await Promise.all(
      ['tidy-a', 'tidy-b'].map((workerName, i) =>
        startWorker({
          db,
          connectors,
          tenants: [tenant('tidy-shop', 3_600_000)],
          workerName,
          processEveryMs: 100,
          logger: capture(logs[i]!),
          cleanup: { everyMs: 700, runsPerPipeline: 3 },
        }),
      ),
    );
    workers.push(...pair);
    const passes = () =>
      logs
        .flat()
        .map((line) => JSON.parse(line) as { msg: string; time: number })
        .filter((entry) => entry.msg === 'cleanup done')
        .map((entry) => entry.time)
        .sort((a, b) => a - b);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && passes().length < 4) await new Promise((r) => setTimeout(r, 100));
    await Promise.all(pair.map((w) => w.stop()));

    const times = passes();
    expect(times.length).toBeGreaterThanOrEqual(4);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThan(350);
    expect(await db.collection('agendaJobs').countDocuments({ name: 'koppla.cleanup' })).toBe(1);
    expect(await db.collection('agendaJobs').countDocuments({ name: 'koppla.alerts' })).toBe(1);

    const kept = await runs.find({ tenant: 'tidy-shop' }).sort({ startedAt: -1 }).toArray();
    expect(kept.map((r) => r._id)).toEqual(['orphan', 'old-1', 'old-2']);
    expect(kept[0]).toMatchObject({ status: 'failed', error: { kind: 'abandoned' } });
    expect((await db.collection(COLLECTIONS.rateEvents).find({}).toArray()).map((e) => e._id)).toEqual([
      'live',
    ]);
    expect(
      (await db.collection(COLLECTIONS.leases).find({ scope: 'oauth-refresh:tidy' }).toArray()).map(
        (l) => l.generation,
      ),
    ).toEqual([3]);
    expect(
      (await db.collection(COLLECTIONS.webhookDeliveries).find({ tenant: 'tidy-shop' }).toArray()).map(
        (d) => d._id,
      ),
    ).toEqual(['tidy-shop/shop/new']);
    const oneOff = await db
      .collection('agendaJobs')
      .find({ 'data.tenant': 'tidy-shop', 'data.trigger': { $ne: 'schedule' } })
      .toArray();
    expect(oneOff.map((job) => job.data.trigger)).toEqual(['manual']);
  });
});
