/**
 * Agenda 6 with @agendajs/mongo-backend on the provisioned server, as the runtime creates it
 * (createAgenda: Agenda's locks confirmed by a unique-key claim, which FerretDB needs): the
 * scheduling guarantees the runtime builds on.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { backoffStrategies, type Agenda, type Job } from 'agenda';
import { createAgenda } from '../../runtime/scheduler/create-agenda.ts';
import { useTestDatabase } from '../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const running: Agenda[] = [];

function agendaOn(collection: string, name: string): Agenda {
  const agenda = createAgenda({
    db: mongo.db(),
    collection,
    workerName: name,
    processEveryMs: 100,
    lockLifetimeMs: 10_000,
  });
  running.push(agenda);
  return agenda;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop()));
});

describe('Agenda 6 on the provisioned MongoDB', () => {
  it('runs a repeating job more than once', async () => {
    const agenda = agendaOn('jobs_repeat', 'worker-1');
    const runs: Date[] = [];
    agenda.define('tick', async () => {
      runs.push(new Date());
    });
    await agenda.start();
    await agenda.every(300, 'tick');
    await until(() => runs.length >= 3);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    // one job document serves all runs: a repeating job is rescheduled, not duplicated
    expect(await mongo.db().collection('jobs_repeat').countDocuments({ name: 'tick' })).toBe(1);
  });

  it('runs jobs scheduled now exactly once with two Agenda instances on one collection', async () => {
    const first = agendaOn('jobs_shared', 'worker-1');
    const second = agendaOn('jobs_shared', 'worker-2');
    const ranOn: string[] = [];
    for (const [agenda, worker] of [
      [first, 'worker-1'],
      [second, 'worker-2'],
    ] as const) {
      agenda.define('sync-order', async (job: Job<{ order: number }>) => {
        ranOn.push(`${worker}:${job.attrs.data.order}`);
      });
    }
    await Promise.all([first.start(), second.start()]);
    const orders = Array.from({ length: 10 }, (_, i) => i + 1);
    for (const order of orders) await (order % 2 ? first : second).now('sync-order', { order });
    await until(() => ranOn.length >= orders.length);
    // both workers keep polling for a good while longer: neither may pick a job up again
    await new Promise((r) => setTimeout(r, 1_500));
    const ranOrders = ranOn.map((r) => Number(r.split(':')[1])).sort((a, b) => a - b);
    expect(ranOrders).toEqual(orders);
    const finished = await mongo
      .db()
      .collection('jobs_shared')
      .countDocuments({ name: 'sync-order', lastFinishedAt: { $type: 'date' } });
    expect(finished).toBe(orders.length);
  });

  it('retries a failing job with a backoff, then succeeds', async () => {
    const agenda = agendaOn('jobs_retry', 'worker-1');
    const delay = 400;
    const attempts: number[] = [];
    const retries: number[] = [];
    agenda.on('retry', (_job, details) => {
      retries.push(details.delay);
    });
    agenda.define(
      'flaky',
      async () => {
        attempts.push(Date.now());
        if (attempts.length < 3) throw new Error(`transient failure #${attempts.length}`);
      },
      { backoff: backoffStrategies.exponential({ delay, factor: 2, maxRetries: 5 }) },
    );
    await agenda.start();
    await agenda.now('flaky');
    await until(() => attempts.length >= 3);
    const [a1 = 0, a2 = 0, a3 = 0] = attempts;
    // exponential: the second wait is at least twice the first delay
    expect(a2 - a1).toBeGreaterThanOrEqual(delay);
    expect(a3 - a2).toBeGreaterThanOrEqual(delay * 2);
    expect(retries).toEqual([delay, delay * 2]);
    // the final success is saved after the handler returns; then the failure count is reset
    const jobs = mongo.db().collection('jobs_retry');
    let stored = await jobs.findOne({ name: 'flaky' });
    for (let i = 0; i < 100 && !(stored?.lastFinishedAt >= new Date(a3)); i++) {
      await new Promise((r) => setTimeout(r, 50));
      stored = await jobs.findOne({ name: 'flaky' });
    }
    expect(stored?.failCount ?? 0).toBe(0);
    expect(attempts).toHaveLength(3);
  });
});
