import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_RUN_TRACES, RunStore, ensureIndexes } from '../../../runtime/store/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { manualClock } from './separate-clients.ts';

const mongo = useTestDatabase(import.meta.filename);
const clock = manualClock();
let runs: RunStore;

beforeAll(async () => {
  await ensureIndexes(mongo.db());
  runs = new RunStore(mongo.db(), { now: clock.now });
});

describe('RunStore', () => {
  it('records a run from start to finish with counts, duration and error summary', async () => {
    const started = await runs.start({ tenant: 'shop-1', pipeline: 'orders', trigger: 'schedule' });
    expect(started).toMatchObject({
      status: 'running',
      counts: { read: 0, processed: 0, skipped: 0, failed: 0 },
    });
    clock.advance(1500);
    await runs.updateCounts(started.id, { read: 10, processed: 4, skipped: 0, failed: 0 });
    expect((await runs.get(started.id))?.counts.processed).toBe(4);
    clock.advance(500);
    const finished = await runs.finish(started.id, {
      status: 'partial',
      counts: { read: 10, processed: 8, skipped: 1, failed: 1 },
      error: { message: '1 record failed', kind: 'validation' },
      traces: [{ rule: 'se-vat/domestic', matched: true }],
    });
    expect(finished.durationMs).toBe(2000);
    expect(await runs.get(started.id)).toEqual({
      id: started.id,
      tenant: 'shop-1',
      pipeline: 'orders',
      trigger: 'schedule',
      status: 'partial',
      startedAt: new Date(started.startedAt),
      finishedAt: new Date(started.startedAt.getTime() + 2000),
      durationMs: 2000,
      counts: { read: 10, processed: 8, skipped: 1, failed: 1 },
      error: { message: '1 record failed', kind: 'validation' },
      traces: [{ rule: 'se-vat/domestic', matched: true }],
    });
  });

  it('caps the stored traces', async () => {
    const run = await runs.start({ tenant: 'shop-9', pipeline: 'orders', trigger: 'manual' });
    const traces = Array.from({ length: MAX_RUN_TRACES + 5 }, (_, i) => ({ i }));
    await runs.finish(run.id, {
      status: 'succeeded',
      counts: { read: 0, processed: 0, skipped: 0, failed: 0 },
      traces,
    });
    expect((await runs.get(run.id))?.traces).toHaveLength(MAX_RUN_TRACES);
  });

  it('lists runs by tenant and pipeline, newest first', async () => {
    const ids: string[] = [];
    for (const [pipeline, trigger] of [
      ['products', 'schedule'],
      ['stock', 'webhook'],
      ['products', 'manual'],
    ] as const) {
      clock.advance(1000);
      ids.push((await runs.start({ tenant: 'shop-2', pipeline, trigger })).id);
    }
    await runs.start({ tenant: 'shop-3', pipeline: 'products', trigger: 'schedule' });

    expect((await runs.list({ tenant: 'shop-2' })).map((r) => r.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect((await runs.list({ tenant: 'shop-2', pipeline: 'products' })).map((r) => r.id)).toEqual([
      ids[2],
      ids[0],
    ]);
    expect((await runs.list({ tenant: 'shop-2', limit: 1 })).map((r) => r.id)).toEqual([ids[2]]);
    expect(await runs.list({ tenant: 'shop-2', status: 'failed' })).toEqual([]);
  });

  it('deletes old finished runs but keeps running ones', async () => {
    const old = await runs.start({ tenant: 'shop-4', pipeline: 'p', trigger: 'schedule' });
    const stillRunning = await runs.start({ tenant: 'shop-4', pipeline: 'p', trigger: 'schedule' });
    await runs.finish(old.id, {
      status: 'succeeded',
      counts: { read: 1, processed: 1, skipped: 0, failed: 0 },
    });
    clock.advance(10_000);
    await runs.deleteFinishedBefore(new Date(clock.now()));
    expect(await runs.get(old.id)).toBeUndefined();
    expect(await runs.get(stillRunning.id)).toBeDefined();
  });
});
