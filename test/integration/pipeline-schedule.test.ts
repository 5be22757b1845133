/**
 * Pipeline schedules on Agenda with two workers on one database: one job per (tenant, pipeline)
 * even when both workers schedule at the same moment, and each tick runs once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Agenda } from 'agenda';
import { createAgenda } from '../../runtime/scheduler/create-agenda.ts';
import { PIPELINE_RUN_JOB, PipelineScheduler } from '../../runtime/scheduler/pipeline-schedule.ts';
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

describe('PipelineScheduler', () => {
  it('two workers scheduling 10 tenants × 2 pipelines at once create 20 jobs, and no tick runs twice', async () => {
    const collection = 'jobs_schedule';
    const runs = new Map<string, number[]>();
    const workers = [worker('worker-1', collection), worker('worker-2', collection)];
    for (const { scheduler } of workers) {
      scheduler.define(async ({ tenant, pipeline }) => {
        const key = `${tenant}/${pipeline}`;
        runs.set(key, [...(runs.get(key) ?? []), Date.now()]);
      });
    }
    const pairs = Array.from({ length: 10 }, (_, t) =>
      ['orders', 'stock'].map((p) => [`tenant-${t}`, p] as const),
    ).flat();
    const intervalMs = 1_000;
    await Promise.all(
      workers.flatMap(({ scheduler }) =>
        pairs.map(([tenant, pipeline]) => scheduler.ensureSchedule(tenant, pipeline, intervalMs)),
      ),
    );
    const jobs = mongo.db().collection(collection);
    expect(await jobs.countDocuments({ name: PIPELINE_RUN_JOB })).toBe(20);

    await Promise.all(workers.map(({ agenda }) => agenda.start()));
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && (runs.size < 20 || [...runs.values()].some((r) => r.length < 3))) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(workers.map(({ agenda }) => agenda.stop()));
    expect(runs.size).toBe(20);
    for (const [key, times] of runs) {
      expect(times.length, key).toBeGreaterThanOrEqual(3);
      // a tick run twice would show as two runs of one schedule moments apart
      const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
      expect(Math.min(...gaps), `${key}: ${gaps.join(', ')} ms between runs`).toBeGreaterThanOrEqual(
        intervalMs / 2,
      );
    }
  });

  it('changes an interval without creating a second job, and unschedules', async () => {
    const collection = 'jobs_interval';
    const { scheduler } = worker('worker-1', collection);
    scheduler.define(async () => {});
    await scheduler.ensureSchedule('t1', 'orders', 60_000);
    await scheduler.ensureSchedule('t1', 'orders', 300_000);
    const jobs = mongo.db().collection(collection);
    const stored = await jobs.find({ name: PIPELINE_RUN_JOB }).toArray();
    expect(stored).toHaveLength(1);
    expect(Number(stored[0]?.repeatInterval)).toBe(300_000);
    await scheduler.unschedule('t1', 'orders');
    expect(await jobs.countDocuments({ name: PIPELINE_RUN_JOB })).toBe(0);
  });
});

describe('PipelineScheduler recovery', () => {
  it('recreates a schedule whose creator died between claim and save', async () => {
    const collection = 'jobs_recover';
    const agenda = createAgenda({ db: mongo.db(), collection, workerName: 'w', processEveryMs: 100 });
    started.push(agenda);
    const scheduler = new PipelineScheduler(agenda, mongo.db());
    scheduler.define(async () => {});
    await mongo
      .db()
      .collection('koppla_schedule_claims')
      .insertOne({ _id: 'lost/orders' as never, claimedAt: new Date(Date.now() - 120_000) });
    await scheduler.ensureSchedule('lost', 'orders', 60_000);
    expect(
      await mongo
        .db()
        .collection(collection)
        .countDocuments({ name: PIPELINE_RUN_JOB, 'data.tenant': 'lost' }),
    ).toBe(1);
  });
});

describe('PipelineScheduler unschedule', () => {
  it('schedules again after an unschedule (the schedule cache forgets the cancelled job)', async () => {
    const collection = 'jobs_reschedule';
    const { scheduler } = worker('worker-1', collection);
    scheduler.define(async () => {});
    const jobs = mongo.db().collection(collection);
    await scheduler.ensureSchedule('t2', 'stock', 60_000);
    expect(await jobs.countDocuments({ name: PIPELINE_RUN_JOB, 'data.tenant': 't2' })).toBe(1);
    await scheduler.unschedule('t2', 'stock');
    expect(await jobs.countDocuments({ name: PIPELINE_RUN_JOB, 'data.tenant': 't2' })).toBe(0);
    // same interval as before: with the stale cache this was a no-op and the tenant lost its schedule
    await scheduler.ensureSchedule('t2', 'stock', 60_000);
    const stored = await jobs.find({ name: PIPELINE_RUN_JOB, 'data.tenant': 't2' }).toArray();
    expect(stored).toHaveLength(1);
    expect(Number(stored[0]?.repeatInterval)).toBe(60_000);
  });
});
