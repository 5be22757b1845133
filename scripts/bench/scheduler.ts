/**
 * Scheduler overhead on the provisioned MongoDB (FerretDB here): one `koppla serve` worker with
 * 1 000 tenants × 4 no-op pipelines (the example fixture connectors, no records) every 5 minutes,
 * about 13 runs falling due per second, spread by the scheduler's phases. Printed: the time to
 * create the 4 000 schedules at first boot; over one minute of steady state, runs per second, the
 * schedule drift (Agenda job start minus due time) p50/p99/max, and CPU time per run of the worker
 * process (and of the database server process, when it is a local one we can see); then, with every
 * schedule made due at once, the most runs per second the worker gets through.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { pino } from 'pino';
import { provisionMongo } from '../mongo/provision.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../runtime/registry/connector-registry.ts';
import { startWorker } from '../../runtime/service/worker.ts';
import { DUE_BUCKET_FIELD } from '../../runtime/scheduler/due-index.ts';
import type { Tenant } from '../../runtime/tenants/tenant.ts';

const TENANTS = 1_000;
const PIPELINES = 4;
const EVERY_MS = 5 * 60_000;
const WINDOW_MS = 45_000;
/** Schedules whose phase fell within the boot are due at its end: let that backlog clear first. */
const SETTLE_MS = 10_000;
const BURST_MS = 15_000;
const PLUGINS = ['example-shop.ts', 'example-ledger.ts'].map((file) =>
  fileURLToPath(new URL(`../../test/fixtures/connectors/${file}`, import.meta.url)),
);

/** A pipeline that reads an empty shop: a scheduled run does all its bookkeeping and no work. */
const noopPipeline = (id: string) => `apiVersion: koppla/v1
kind: Pipeline
metadata: { id: ${id} }
connections:
  shop: { connector: example-shop }
  ledger: { connector: example-ledger }
trigger: { schedule: { every: 5 minutes } }
source: { connection: shop, stream: orders }
steps:
  - id: order
    uses: ledger.orders.create
    with: { YourOrderNumber: { var: record.number } }
`;

export async function benchScheduler(): Promise<void> {
  const mongo = await provisionMongo();
  const client = await MongoClient.connect(mongo.uri);
  const dir = mkdtempSync(join(tmpdir(), 'koppla-bench-scheduler-'));
  const db = client.db(`bench_scheduler_${process.pid}`);
  try {
    const files = Array.from({ length: PIPELINES }, (_, i) => {
      const file = join(dir, `noop-${i + 1}.yaml`);
      writeFileSync(file, noopPipeline(`noop-${i + 1}`));
      return file;
    });
    const tenants: Tenant[] = Array.from({ length: TENANTS }, (_, t) => ({
      id: `shop-${t + 1}`,
      name: `Shop ${t + 1}`,
      enabled: true,
      pipelines: files.map((file) => ({ file, enabled: true, everyMs: EVERY_MS })),
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: { shop: { settings: { orders: [] }, secrets: {} }, ledger: { settings: {}, secrets: {} } },
    }));
    const connectors = new ConnectorRegistry();
    for (const plugin of PLUGINS) connectors.register(await loadConnectorPlugin(plugin));

    const bootStarted = performance.now();
    const worker = await startWorker({
      db,
      connectors,
      tenants,
      workerName: 'bench',
      processEveryMs: 1_000,
      logger: pino({ level: 'silent' }),
      // Agenda waits half a lock lifetime after each run before it lets go of a timer: with the
      // default (2 minutes) the process would linger a minute after the bench
      timings: { lockLifetimeMs: 10_000 },
    });
    const bootSeconds = (performance.now() - bootStarted) / 1000;
    const jobs = db.collection('agendaJobs');
    console.log(
      `scheduler boot: ${await jobs.countDocuments({ name: 'pipeline.run' })} schedules created in ${bootSeconds.toFixed(1)} s` +
        ` (${Math.round((TENANTS * PIPELINES) / bootSeconds)} schedules/s)`,
    );

    const database = databaseProcess(mongo.uri);
    const runs = db.collection('koppla_runs');
    const runsStarted = (from: number, to: number) =>
      runs.countDocuments({ startedAt: { $gte: new Date(from), $lt: new Date(to) } });
    /** Runs started, worker and database CPU, over `ms` from now. */
    const measure = async (ms: number) => {
      const from = Date.now();
      const cpuBefore = process.cpuUsage();
      const dbBefore = database?.cpuMs();
      await new Promise((resolve) => setTimeout(resolve, ms));
      const to = Date.now();
      const cpu = process.cpuUsage(cpuBefore);
      const dbMs = database && dbBefore !== undefined ? database.cpuMs() - dbBefore : undefined;
      const started = await runsStarted(from, to);
      const perRun = (total: number) => (total / Math.max(1, started)).toFixed(2);
      return {
        from,
        to,
        perSecond: (started / ((to - from) / 1000)).toFixed(1),
        cpu: `worker ${perRun((cpu.user + cpu.system) / 1000)} ms${dbMs === undefined ? '' : `, database server ${perRun(dbMs)} ms`}`,
      };
    };

    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const steady = await measure(WINDOW_MS);
    // every confirmed lock is a claim keyed by the job and its due time; the job keeps its last start
    const starts = new Map(
      (
        await jobs.find({ name: 'pipeline.run' }, { projection: { lastRunAt: 1, nextRunAt: 1 } }).toArray()
      ).map((job) => [String(job._id), job]),
    );
    const drifts: number[] = [];
    for (const claim of await db.collection('agendaJobs_claims').find({}).toArray()) {
      const [jobId = '', nextRunAt = ''] = String(claim._id).split(':');
      const dueAt = Number(nextRunAt);
      const startedAt = starts.get(jobId)?.lastRunAt as Date | undefined;
      if (dueAt < steady.from || dueAt >= steady.to || !startedAt || startedAt.getTime() < dueAt - 1_000)
        continue;
      drifts.push(startedAt.getTime() - dueAt);
    }
    // due in the window but not started by its end: late by at least this much
    let late = 0;
    for (const job of starts.values()) {
      const dueAt = (job.nextRunAt as Date | null)?.getTime();
      if (dueAt === undefined || dueAt < steady.from || dueAt >= steady.to) continue;
      drifts.push(steady.to - dueAt);
      late++;
    }
    drifts.sort((a, b) => a - b);
    const at = (q: number) => drifts[Math.min(drifts.length - 1, Math.floor(q * drifts.length))] ?? 0;
    console.log(
      `scheduler steady state, ${TENANTS} tenants × ${PIPELINES} pipelines every ${EVERY_MS / 60_000} min on one worker: ` +
        `${steady.perSecond} runs/s (${((TENANTS * PIPELINES) / (EVERY_MS / 1000)).toFixed(1)}/s due)`,
    );
    console.log(
      `scheduler drift (start − due) of the ${drifts.length} runs due in ${WINDOW_MS / 1000} s: p50 ${at(0.5)} ms, ` +
        `p99 ${at(0.99)} ms, max ${drifts.at(-1) ?? 0} ms${late > 0 ? ` (${late} not started by the end: lower bounds)` : ''}`,
    );
    console.log(`scheduler CPU per scheduled run: ${steady.cpu}`);

    // a thousand due at once, more than it gets through in the time: the most this worker does
    const now = Date.now();
    const { modifiedCount } = await jobs.updateMany(
      { name: 'pipeline.run', 'data.pipeline': 'noop-1' },
      { $set: { nextRunAt: new Date(now), [DUE_BUCKET_FIELD]: Math.floor(now / 10_000) } },
    );
    const burst = await measure(BURST_MS);
    console.log(
      `scheduler saturated (${modifiedCount} due at once): ${burst.perSecond} runs/s; CPU per run ${burst.cpu}`,
    );
    await worker.stop();
    console.log(`(database: ${mongo.description})`);
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await mongo.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The local server process listening on the URI's port, if it is one we can read in /proc (Linux):
 * its CPU time, to show where a run's cost lands. PostgreSQL behind FerretDB is not counted.
 */
function databaseProcess(uri: string): { cpuMs(): number } | undefined {
  const port = new URL(uri).port;
  if (!port) return undefined;
  try {
    const ticks = 100; // USER_HZ: /proc reports CPU time in hundredths of a second on Linux
    for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
      const [program = '', ...args] = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (!/(ferretdb|mongod)[^/]*$/.test(program) || !args.some((arg) => arg.endsWith(`:${port}`))) continue;
      const cpuMs = () => {
        const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
      };
      cpuMs();
      return { cpuMs };
    }
  } catch {
    // not Linux, or not ours to read
  }
  return undefined;
}
