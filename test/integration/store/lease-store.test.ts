import { beforeAll, describe, expect, it } from 'vitest';
import {
  LeaseStore,
  ensureIndexes,
  oauthRefreshLeaseScope,
  runLeaseScope,
  type Lease,
} from '../../../runtime/store/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { manualClock, withSeparateClients } from './separate-clients.ts';

const mongo = useTestDatabase(import.meta.filename);
const WORKERS = 8;
const TTL = 30_000;

beforeAll(async () => {
  await ensureIndexes(mongo.db());
});

describe('LeaseStore', () => {
  it('gives a free scope to one holder and refuses others until release', async () => {
    const leases = new LeaseStore(mongo.db());
    const scope = runLeaseScope('shop-1', 'orders');
    const lease = await leases.tryAcquire(scope, 'worker-a', TTL);
    expect(lease).toMatchObject({ scope, holder: 'worker-a', generation: 1 });
    expect(await leases.tryAcquire(scope, 'worker-b', TTL)).toBeUndefined();
    expect(await leases.tryAcquire(scope, 'worker-a', TTL)).toBeUndefined();
    expect((await leases.current(scope))?.holder).toBe('worker-a');

    await leases.release(lease as Lease);
    expect(await leases.isHeld(lease as Lease)).toBe(false);
    const next = await leases.tryAcquire(scope, 'worker-b', TTL);
    expect(next).toMatchObject({ holder: 'worker-b', generation: 2 });
  });

  it('keeps scopes apart: run leases per (tenant, pipeline), refresh leases per tenant', async () => {
    const leases = new LeaseStore(mongo.db());
    expect(await leases.tryAcquire(runLeaseScope('shop-2', 'orders'), 'w', TTL)).toBeDefined();
    expect(await leases.tryAcquire(runLeaseScope('shop-2', 'stock'), 'w', TTL)).toBeDefined();
    expect(await leases.tryAcquire(runLeaseScope('shop-3', 'orders'), 'w', TTL)).toBeDefined();
    expect(await leases.tryAcquire(oauthRefreshLeaseScope('shop-2'), 'w', TTL)).toBeDefined();
    expect(await leases.tryAcquire(oauthRefreshLeaseScope('shop-2'), 'w2', TTL)).toBeUndefined();
  });

  it('lets an expired lease be taken over; the old holder then knows it lost', async () => {
    const clock = manualClock();
    const leases = new LeaseStore(mongo.db(), { now: clock.now });
    const scope = runLeaseScope('shop-4', 'orders');
    const crashed = (await leases.tryAcquire(scope, 'crashed-worker', TTL)) as Lease;
    clock.advance(TTL - 1);
    expect(await leases.tryAcquire(scope, 'worker-b', TTL)).toBeUndefined();
    clock.advance(1);
    const taken = await leases.tryAcquire(scope, 'worker-b', TTL);
    expect(taken).toMatchObject({ holder: 'worker-b', generation: crashed.generation + 1 });
    expect(await leases.isHeld(crashed)).toBe(false);
    expect(await leases.renew(crashed, TTL)).toBeUndefined();
    // the late release of the old holder does not free the new holder's lease
    await leases.release(crashed);
    expect(await leases.isHeld(taken as Lease)).toBe(true);
  });

  it('renews a held lease, so it outlives its first expiry', async () => {
    const clock = manualClock();
    const leases = new LeaseStore(mongo.db(), { now: clock.now });
    const scope = runLeaseScope('shop-5', 'orders');
    let lease = (await leases.tryAcquire(scope, 'worker-a', TTL)) as Lease;
    for (let i = 0; i < 3; i++) {
      clock.advance(TTL / 2);
      lease = (await leases.renew(lease, TTL)) as Lease;
      expect(lease).toBeDefined();
    }
    expect(await leases.tryAcquire(scope, 'worker-b', TTL)).toBeUndefined();
    expect(await leases.isHeld(lease)).toBe(true);
  });

  it('does not renew a lease too close to its expiry (another worker may already see it expired)', async () => {
    const clock = manualClock();
    const leases = new LeaseStore(mongo.db(), { now: clock.now, clockSkewMs: 1000 });
    const lease = (await leases.tryAcquire(runLeaseScope('shop-6', 'orders'), 'worker-a', TTL)) as Lease;
    clock.advance(TTL - 500);
    expect(await leases.renew(lease, TTL)).toBeUndefined();
  });

  it('withLease runs the function only when acquired and releases afterwards', async () => {
    const leases = new LeaseStore(mongo.db());
    const scope = oauthRefreshLeaseScope('shop-7');
    const outer = await leases.withLease(scope, 'a', TTL, async () => {
      const inner = await leases.withLease(scope, 'b', TTL, async () => 'inner ran');
      expect(inner).toEqual({ acquired: false });
      return 'refreshed';
    });
    expect(outer).toEqual({ acquired: true, value: 'refreshed' });
    expect(await leases.current(scope)).toBeUndefined();
  });

  it('cleanup keeps only the newest generation of each scope', async () => {
    const leases = new LeaseStore(mongo.db());
    const scope = runLeaseScope('shop-8', 'orders');
    for (let i = 0; i < 3; i++) {
      const lease = (await leases.tryAcquire(scope, `w${i}`, TTL)) as Lease;
      await leases.release(lease);
    }
    const held = (await leases.tryAcquire(scope, 'holder', TTL)) as Lease;
    await leases.cleanup();
    expect(await mongo.db().collection('koppla_leases').countDocuments({ scope })).toBe(1);
    expect(await leases.isHeld(held)).toBe(true);
    expect(await leases.tryAcquire(scope, 'other', TTL)).toBeUndefined();
  });
});

describe(`LeaseStore with ${WORKERS} workers on separate connections`, () => {
  it('admits exactly one holder per round, for a free scope and for an expired one', async () => {
    const clock = manualClock();
    const winnersPerRound = await withSeparateClients(mongo, WORKERS, async (dbs) => {
      const workers = dbs.map((db) => new LeaseStore(db, { now: clock.now }));
      const winners: number[] = [];
      for (let round = 0; round < 10; round++) {
        // rounds 0, 2, 4…: the previous lease expired; 1, 3, 5…: it was released
        const results = await Promise.all(
          workers.map((leases, i) => leases.tryAcquire(runLeaseScope('race', 'orders'), `worker-${i}`, TTL)),
        );
        const won = results.filter((lease): lease is Lease => lease !== undefined);
        winners.push(won.length);
        const [winner] = won;
        if (winner && round % 2 === 1) await workers[0]?.release(winner);
        else clock.advance(TTL);
      }
      return winners;
    });
    expect(winnersPerRound).toEqual(Array(10).fill(1));
    const generations = await mongo
      .db()
      .collection('koppla_leases')
      .find({ scope: runLeaseScope('race', 'orders') })
      .toArray();
    expect(generations.map((g) => g.generation as number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
  });

  it('never has two holders at once while workers keep competing', async () => {
    // every worker loops: try to acquire; if it wins, check no one else holds, then release
    const scope = oauthRefreshLeaseScope('race-refresh');
    const overlaps = await withSeparateClients(mongo, WORKERS, async (dbs) => {
      let holders = 0;
      let maxHolders = 0;
      let wins = 0;
      await Promise.all(
        dbs.map(async (db, i) => {
          const leases = new LeaseStore(db);
          for (let attempt = 0; attempt < 15; attempt++) {
            const lease = await leases.tryAcquire(scope, `worker-${i}`, TTL);
            if (!lease) continue;
            wins++;
            holders++;
            maxHolders = Math.max(maxHolders, holders);
            await db.collection('koppla_leases').findOne({ _id: 'yield' as never });
            holders--;
            await leases.release(lease);
          }
        }),
      );
      return { maxHolders, wins };
    });
    expect(overlaps.maxHolders).toBe(1);
    expect(overlaps.wins).toBeGreaterThan(0);
  });
});
