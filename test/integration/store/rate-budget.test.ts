import { beforeAll, describe, expect, it } from 'vitest';
import type { RateLimiter } from '../../../connectors/fortnox/client/rate-limit.ts';
import { COLLECTIONS, MongoRateBudget, ensureIndexes } from '../../../runtime/store/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { manualClock, withSeparateClients } from './separate-clients.ts';

const mongo = useTestDatabase(import.meta.filename);

beforeAll(async () => {
  await ensureIndexes(mongo.db());
});

/** A budget on a fake clock whose sleep moves the clock instead of waiting. */
function fakeTimeBudget(db = mongo.db(), options: { requests: number; windowMs: number }) {
  const clock = manualClock();
  const sleeps: number[] = [];
  const budget = new MongoRateBudget(db, {
    ...options,
    now: clock.now,
    jitter: () => 0,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  return { budget, clock, sleeps };
}

describe('MongoRateBudget', () => {
  it('has the shape of the Fortnox connector rate limiter', () => {
    const limiter: RateLimiter = new MongoRateBudget(mongo.db());
    expect(typeof limiter.acquire).toBe('function');
  });

  it('lets `requests` requests through at once and makes the next wait until one has left the window', async () => {
    const { budget, clock, sleeps } = fakeTimeBudget(mongo.db(), { requests: 3, windowMs: 1000 });
    const start = clock.now();
    const releases = [];
    for (let i = 0; i < 3; i++) releases.push(await budget.acquire('tenant-a'));
    expect(sleeps).toEqual([]);

    clock.advance(100);
    for (const release of releases) release();
    await budget.settled();

    const release4 = await budget.acquire('tenant-a');
    // the released requests count for a full window after their responses arrived
    expect(clock.now()).toBe(start + 100 + 1000);
    expect(sleeps).toEqual([1000]);
    release4();
    await budget.settled();
  });

  it('counts an unreleased request until its maximum duration has passed (a crashed worker)', async () => {
    const clock = manualClock();
    const budget = new MongoRateBudget(mongo.db(), {
      requests: 1,
      windowMs: 1000,
      maxRequestMs: 5000,
      now: clock.now,
      jitter: () => 0,
      sleep: async (ms) => clock.advance(ms),
    });
    const start = clock.now();
    await budget.acquire('tenant-crash'); // never released
    await budget.acquire('tenant-crash');
    expect(clock.now()).toBe(start + 5000 + 1000);
  });

  it('keeps budgets of different keys apart', async () => {
    const { budget, sleeps } = fakeTimeBudget(mongo.db(), { requests: 1, windowMs: 1000 });
    await budget.acquire('tenant-x');
    await budget.acquire('tenant-y');
    expect(sleeps).toEqual([]);
  });

  it('cleanup deletes only events that have left the window', async () => {
    const { budget, clock } = fakeTimeBudget(mongo.db(), { requests: 10, windowMs: 1000 });
    (await budget.acquire('tenant-clean'))();
    await budget.settled();
    await budget.acquire('tenant-clean'); // still in flight
    clock.advance(1000);
    expect(await budget.cleanup()).toBeGreaterThanOrEqual(1);
    expect(await mongo.db().collection(COLLECTIONS.rateEvents).countDocuments({ key: 'tenant-clean' })).toBe(
      1,
    );
  });

  it('gives up waiting when the signal aborts, and leaves no event behind', async () => {
    const { budget, clock } = fakeTimeBudget(mongo.db(), { requests: 1, windowMs: 1000 });
    await budget.acquire('tenant-abort');
    const controller = new AbortController();
    const aborting = new MongoRateBudget(mongo.db(), {
      requests: 1,
      windowMs: 1000,
      now: clock.now,
      jitter: () => 0,
      sleep: async () => controller.abort(new Error('shutting down')),
    });
    await expect(aborting.acquire('tenant-abort', controller.signal)).rejects.toThrow('shutting down');
    expect(await mongo.db().collection(COLLECTIONS.rateEvents).countDocuments({ key: 'tenant-abort' })).toBe(
      1,
    );
  });
});

describe('MongoRateBudget shared by 8 workers on separate connections', () => {
  it('grants exactly the budget in one window, never more, however the workers race', async () => {
    const requests = 5;
    const clock = manualClock(); // time stands still: nothing leaves the window
    const result = await withSeparateClients(mongo, 8, async (dbs) => {
      let granted = 0;
      const stop = new AbortController();
      const outcomes = await Promise.allSettled(
        dbs.map(async (db) => {
          const budget = new MongoRateBudget(db, {
            requests,
            windowMs: 5000,
            now: clock.now,
            // losers back off briefly and try again, as they would in production
            sleep: (ms, signal) =>
              new Promise<void>((resolve, reject) => {
                if (signal?.aborted) return reject(signal.reason as Error);
                setTimeout(resolve, 1 + Math.random() * 10);
              }),
            jitter: () => 0,
          });
          for (let i = 0; i < 3; i++) {
            await budget.acquire('shared-tenant', stop.signal);
            if (++granted >= requests) stop.abort(new Error('budget used up'));
          }
        }),
      );
      return { granted, rejected: outcomes.filter((o) => o.status === 'rejected').length };
    });
    expect(result.granted).toBe(requests);
    expect(result.rejected).toBeGreaterThan(0);
    expect(await mongo.db().collection(COLLECTIONS.rateEvents).countDocuments({ key: 'shared-tenant' })).toBe(
      requests,
    );
  });
});
