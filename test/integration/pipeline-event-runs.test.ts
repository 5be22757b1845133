/**
 * Event-triggered runs (webhooks, event feeds) on the real Agenda: a burst queues one run, and an
 * event during a run leads to exactly one more run, after it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { createAgenda } from '../../runtime/scheduler/create-agenda.ts';
import {
  PIPELINE_RUN_JOB,
  PipelineScheduler,
  type PipelineRunJobData,
} from '../../runtime/scheduler/pipeline-schedule.ts';
import { useTestDatabase } from '../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const started: Agenda[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.stop()));
});

function worker(name: string, collection: string) {
  const agenda = createAgenda({
    db: mongo.db(),
    collection,
    workerName: name,
    processEveryMs: 100,
    lockLifetimeMs: 30_000,
  });
  started.push(agenda);
  return { agenda, scheduler: new PipelineScheduler(agenda, mongo.db()) };
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PipelineScheduler event runs', () => {
  it('a burst of events for one pipeline queues one job, run once with the first correlation id', async () => {
    const collection = 'jobs_burst';
    const { agenda, scheduler } = worker('worker-1', collection);
    const runs: PipelineRunJobData[] = [];
    scheduler.define(async (data) => {
      runs.push(data);
    });
    const jobs = mongo.db().collection(collection);

    const first = await scheduler.runNow('burst', 'orders', 'event', 'delivery-0');
    const burst = await Promise.all(
      Array.from({ length: 30 }, (_, i) => scheduler.runNow('burst', 'orders', 'event', `delivery-${i + 1}`)),
    );
    // another pipeline of the tenant is not covered by the pending orders run
    await scheduler.runNow('burst', 'stock', 'event', 'delivery-stock');

    expect(first.coalesced).toBe(false);
    expect(burst.every((queued) => queued.coalesced && queued.correlationId === 'delivery-0')).toBe(true);
    expect(
      await jobs.countDocuments({
        name: PIPELINE_RUN_JOB,
        'data.tenant': 'burst',
        'data.pipeline': 'orders',
      }),
    ).toBe(1);
    expect(
      await jobs.countDocuments({ name: PIPELINE_RUN_JOB, 'data.tenant': 'burst', 'data.pipeline': 'stock' }),
    ).toBe(1);

    await agenda.start();
    await until(() => runs.length >= 2);
    await sleep(1_000);
    const orders = runs.filter((r) => r.pipeline === 'orders');
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ trigger: 'event', correlationId: 'delivery-0' });

    // the finished job is kept (no nextRunAt): the next event queues a new run, not nothing
    const after = await scheduler.runNow('burst', 'orders', 'event', 'delivery-later');
    expect(after.coalesced).toBe(false);
    await until(() => runs.filter((r) => r.pipeline === 'orders').length === 2);
    expect(runs.at(-1)?.correlationId).toBe('delivery-later');
  });

  it('events during a run lead to exactly one more run, after the running one', async () => {
    const collection = 'jobs_running';
    const { agenda, scheduler } = worker('worker-1', collection);
    const spans: { correlationId: string | undefined; start: number; end: number }[] = [];
    let busyChecks = 0;
    let running = false;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    scheduler.define(
      async ({ correlationId }) => {
        if (running) return 'busy';
        running = true;
        const start = Date.now();
        if (spans.length === 0) await gate;
        spans.push({ correlationId, start, end: Date.now() });
        running = false;
        return 'done';
      },
      {
        // stands in for the run lease: one run of the pipeline at a time
        busy: async () => {
          if (running) busyChecks++;
          return running;
        },
        busyRetryMs: 300,
      },
    );
    const jobs = mongo.db().collection(collection);
    const eventJobs = () => jobs.countDocuments({ name: PIPELINE_RUN_JOB, 'data.tenant': 'live' });

    await agenda.start();
    expect((await scheduler.runNow('live', 'orders', 'event', 'first')).coalesced).toBe(false);
    await until(() => running);

    const during = [];
    for (let i = 0; i < 10; i++)
      during.push(await scheduler.runNow('live', 'orders', 'event', `during-${i}`));
    expect(during.filter((queued) => !queued.coalesced)).toHaveLength(1);
    expect(during[0]?.coalesced).toBe(false);
    expect(await eventJobs()).toBe(2);

    // the follow-up found the pipeline running and waits: it is still the one pending run
    await until(() => busyChecks >= 2);
    expect((await scheduler.runNow('live', 'orders', 'event', 'while-waiting')).coalesced).toBe(true);
    expect(await eventJobs()).toBe(2);

    release();
    await until(() => spans.length >= 2);
    await sleep(1_500);
    expect(spans.map((s) => s.correlationId)).toEqual(['first', 'during-0']);
    expect(spans[1]!.start).toBeGreaterThanOrEqual(spans[0]!.end);
    expect(await eventJobs()).toBe(2);
  });

  it('an event run whose handler answers busy runs again later, as the same job', async () => {
    const collection = 'jobs_handler_busy';
    const { agenda, scheduler } = worker('worker-1', collection);
    let answers = 0;
    scheduler.define(async () => (++answers === 1 ? 'busy' : 'done'), { busyRetryMs: 300 });
    await scheduler.runNow('race', 'orders', 'event', 'once');
    await agenda.start();
    await until(() => answers >= 2);
    await sleep(1_000);
    expect(answers).toBe(2);
    const stored = await mongo.db().collection(collection).find({ 'data.tenant': 'race' }).toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.nextRunAt).toBeNull();
  });

  it('replaces a pending-run claim whose job is gone', async () => {
    const collection = 'jobs_stale';
    const { scheduler } = worker('worker-1', collection);
    scheduler.define(async () => {});
    const jobs = mongo.db().collection(collection);
    expect((await scheduler.runNow('stale', 'orders', 'event', 'a')).coalesced).toBe(false);
    await jobs.deleteMany({ 'data.tenant': 'stale' });
    expect((await scheduler.runNow('stale', 'orders', 'event', 'b')).coalesced).toBe(false);
    expect((await scheduler.runNow('stale', 'orders', 'event', 'c')).coalesced).toBe(true);
    const stored = await jobs.find({ name: PIPELINE_RUN_JOB, 'data.tenant': 'stale' }).toArray();
    expect(stored.map((job) => (job.data as PipelineRunJobData).correlationId)).toEqual(['b']);
  });

  it('manual runs are not coalesced', async () => {
    const collection = 'jobs_manual';
    const { scheduler } = worker('worker-1', collection);
    scheduler.define(async () => {});
    await scheduler.runNow('hand', 'orders', 'manual');
    await scheduler.runNow('hand', 'orders', 'manual');
    await scheduler.runNow('hand', 'orders', 'event', 'e');
    expect(
      await mongo
        .db()
        .collection(collection)
        .countDocuments({ name: PIPELINE_RUN_JOB, 'data.tenant': 'hand' }),
    ).toBe(3);
  });
});
