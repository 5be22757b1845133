/**
 * Two `koppla serve` processes on one database, 50 tenants × 2 pipelines on short intervals, orders
 * arriving while they run: every tick of every schedule runs once (no tick twice, none collides with
 * another worker's run of the same pipeline) and every record is processed, and written, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { startExampleRemote, type ExampleRemote } from '../../fixtures/connectors/example-remote-server.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { REMOTE_PIPELINES, REMOTE_PLUGIN, spawnWorker, type WorkerProcess } from './workers/spawn-worker.ts';

const mongo = useTestDatabase(import.meta.filename);
const TOKEN = 'remote-token-5d1c2a9e';
const TENANTS = 50;
// FerretDB on two cores does a few hundred operations a second and an idle run costs about twelve:
// 100 schedules every 8 s keep it under half busy, leaving room for the records
const EVERY_MS = 8_000;
const ORDERS_FIRST = 2;
const ORDERS_LATER = 1;

interface RunDocument {
  tenant: string;
  pipeline: string;
  status: string;
  trigger: string;
  startedAt: Date;
  counts: { processed: number; failed: number };
}

describe('two worker processes on one database', () => {
  let remote: ExampleRemote;
  let workers: WorkerProcess[] = [];
  const ids = Array.from({ length: TENANTS }, (_, i) => `shop-${String(i + 1).padStart(2, '0')}`);

  beforeAll(async () => {
    remote = await startExampleRemote({ token: TOKEN });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.kill()));
    await remote?.stop();
  });

  it('runs every scheduled tick exactly once and processes every record exactly once', async () => {
    const tenants: Tenant[] = ids.map((id) => {
      const connection = { settings: { url: remote.tenantUrl(id) }, secrets: { token: TOKEN } };
      return {
        id,
        name: id,
        enabled: true,
        pipelines: Object.values(REMOTE_PIPELINES).map((file) => ({
          file,
          enabled: true,
          everyMs: EVERY_MS,
        })),
        toggles: { packs: {}, rules: {} },
        params: {},
        connections: { shop: connection, ledger: connection },
      };
    });
    for (const id of ids) remote.addOrders(id, ORDERS_FIRST);

    workers = await Promise.all(
      ['w1', 'w2'].map((workerName) =>
        spawnWorker({
          mongoUri: mongo.uri,
          dbName: mongo.name,
          workerName,
          plugins: [REMOTE_PLUGIN],
          tenants,
          processEveryMs: 200,
        }),
      ),
    );
    const db = mongo.db();
    expect(await db.collection('agendaJobs').countDocuments({ name: 'pipeline.run' })).toBe(TENANTS * 2);

    const written = (n: number) =>
      ids.every(
        (id) => remote.documents(id, 'orders').length >= n && remote.documents(id, 'invoices').length >= n,
      );
    const until = async (done: () => boolean, ms: number) => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline && !done()) await new Promise((r) => setTimeout(r, 200));
    };
    // the first ticks handle the first orders; more arrive, and the next ticks handle those
    await until(() => written(ORDERS_FIRST), 25_000);
    for (const id of ids) remote.addOrders(id, ORDERS_LATER);
    const expected = ORDERS_FIRST + ORDERS_LATER;
    await until(() => written(expected), 25_000);

    // the workers keep ticking: read their metrics at a moment when no run ends in between, and
    // compare them with the runs that had ended by then
    const count = (text: string, status: string) =>
      [...text.matchAll(new RegExp(`^koppla_runs_total\\{.*status="${status}"\\} (\\d+)$`, 'gm'))].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    const ended = () => db.collection('koppla_runs').countDocuments({ status: { $ne: 'running' } });
    let metrics: string[] = [];
    let endedAtMetrics = -1;
    for (const deadline = Date.now() + 15_000; Date.now() < deadline;) {
      const before = await ended();
      metrics = await Promise.all(workers.map(async (w) => (await fetch(`${w.url}/metrics`)).text()));
      if ((await ended()) === before && count(metrics.join('\n'), 'succeeded') === before) {
        endedAtMetrics = before;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(workers.map((w) => w.stop()));

    // every record written once: one call per order per pipeline, one customer per e-mail
    for (const id of ids) {
      for (const kind of ['orders', 'invoices'] as const) {
        const numbers = remote.calls
          .filter((c) => c.tenant === id && c.kind === kind)
          .map((c) => c.input.YourOrderNumber);
        expect(numbers.length, `${id} ${kind}`).toBe(expected);
        expect(new Set(numbers).size, `${id} ${kind}`).toBe(expected);
      }
      const emails = remote.calls
        .filter((c) => c.tenant === id && c.kind === 'customers')
        .map((c) => c.input.Email);
      expect(new Set(emails).size).toBe(emails.length);
    }
    // … and processed once: each record counted by one run only, each effect done by its first attempt
    const runs = await db.collection<RunDocument>('koppla_runs').find({}).sort({ startedAt: 1 }).toArray();
    expect(runs.every((r) => r.status === 'succeeded' && r.trigger === 'schedule')).toBe(true);
    for (const id of ids) {
      for (const pipeline of ['remote-orders', 'remote-invoices']) {
        const own = runs.filter((r) => r.tenant === id && r.pipeline === pipeline);
        expect(
          own.reduce((sum, r) => sum + r.counts.processed, 0),
          `${id} ${pipeline}`,
        ).toBe(expected);
        expect(own.length).toBeGreaterThanOrEqual(2);
        // a tick run twice would start twice within one interval; Agenda's next tick is due an interval
        // after the previous one started
        for (let i = 1; i < own.length; i++) {
          const gap = own[i]!.startedAt.getTime() - own[i - 1]!.startedAt.getTime();
          expect(gap, `${id} ${pipeline} run ${i}`).toBeGreaterThan(EVERY_MS / 2);
        }
      }
    }
    const effects = await db.collection('koppla_effects').find({}).toArray();
    expect(effects.length).toBe(TENANTS * expected * 3);
    expect(effects.every((e) => e.attempt === 1 && e.state === 'committed')).toBe(true);

    // no run was started while the other worker ran the same pipeline, and both workers took part
    expect(metrics.map((m) => count(m, 'skipped'))).toEqual([0, 0]);
    for (const text of metrics) expect(count(text, 'succeeded')).toBeGreaterThan(0);
    expect(endedAtMetrics, 'the metrics count every run that had ended').toBeGreaterThan(0);
    expect(endedAtMetrics).toBeLessThanOrEqual(runs.length);
  });
});
