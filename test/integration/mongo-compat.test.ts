/**
 * The MongoDB boundary of Koppla: every feature the project relies on, proved against the
 * provisioned server (FerretDB here, MongoDB 6/7 or Atlas in production). Features that do NOT
 * work everywhere are recorded as explicit expectations, so nobody builds on them by accident.
 */
import { describe, expect, it, beforeAll, inject } from 'vitest';
import { MongoClient, MongoServerError, type Db, type Document } from 'mongodb';
import { useTestDatabase } from '../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);

interface ServerKind {
  ferretdb: boolean;
  replicaSet: boolean;
}
let server: ServerKind;

beforeAll(async () => {
  const admin = mongo.db().admin();
  const buildInfo = await admin.command({ buildInfo: 1 });
  const hello = await admin.command({ hello: 1 });
  server = { ferretdb: 'ferretdbVersion' in buildInfo, replicaSet: typeof hello.setName === 'string' };
});

describe('what Koppla relies on', () => {
  it('insert and find with sort, skip and limit', async () => {
    const c = mongo.db().collection('paging');
    await c.insertMany(Array.from({ length: 10 }, (_, i) => ({ n: i, group: i % 2 })));
    const page = await c.find({ group: 0 }).sort({ n: -1 }).skip(1).limit(2).toArray();
    expect(page.map((d) => d.n)).toEqual([6, 4]);
  });

  it('findOneAndUpdate with sort and upsert', async () => {
    const c = mongo.db().collection('claims');
    await c.insertMany([
      { queue: 'a', n: 1, state: 'ready' },
      { queue: 'a', n: 2, state: 'ready' },
    ]);
    const claimed = await c.findOneAndUpdate(
      { queue: 'a', state: 'ready' },
      { $set: { state: 'taken' } },
      { sort: { n: -1 }, returnDocument: 'after' },
    );
    expect(claimed?.n).toBe(2);
    expect(claimed?.state).toBe('taken');

    const upserted = await c.findOneAndUpdate(
      { queue: 'b', n: 7 },
      { $setOnInsert: { state: 'new' } },
      { upsert: true, returnDocument: 'after' },
    );
    expect(upserted).toMatchObject({ queue: 'b', n: 7, state: 'new' });
    expect(await c.countDocuments({ queue: 'b' })).toBe(1);
  });

  it('update operators $set $setOnInsert $inc $push $addToSet $unset', async () => {
    interface Cursor {
      _id: string;
      at?: string;
      createdBy?: string;
      runs?: number;
      attempts?: { n: number }[];
      tags?: string[];
    }
    const c = mongo.db().collection<Cursor>('operators');
    await c.updateOne(
      { _id: 'cursor-1' },
      { $set: { at: 'x' }, $setOnInsert: { createdBy: 'first' }, $inc: { runs: 1 } },
      { upsert: true },
    );
    await c.updateOne(
      { _id: 'cursor-1' },
      {
        $set: { at: 'y' },
        $setOnInsert: { createdBy: 'second' },
        $inc: { runs: 2 },
        $push: { attempts: { n: 1 } },
        $addToSet: { tags: 'a' },
      },
      { upsert: true },
    );
    await c.updateOne(
      { _id: 'cursor-1' },
      { $addToSet: { tags: 'a' }, $push: { attempts: { n: 2 } }, $unset: { at: '' } },
    );
    const doc = await c.findOne({ _id: 'cursor-1' });
    expect(doc).toEqual({
      _id: 'cursor-1',
      createdBy: 'first',
      runs: 3,
      attempts: [{ n: 1 }, { n: 2 }],
      tags: ['a'],
    });
  });

  it('a compound unique index rejects a duplicate with error code 11000', async () => {
    const c = mongo.db().collection('ledger');
    await c.createIndex({ tenant: 1, key: 1 }, { unique: true, name: 'tenant_key_unique' });
    await c.insertOne({ tenant: 't1', key: 'order:1' });
    await c.insertOne({ tenant: 't2', key: 'order:1' });
    const duplicate = await c.insertOne({ tenant: 't1', key: 'order:1' }).catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(MongoServerError);
    expect((duplicate as MongoServerError).code).toBe(11000);
    expect(await c.countDocuments()).toBe(2);
  });

  it('bulkWrite with upserts', async () => {
    const c = mongo.db().collection('stock');
    await c.insertOne({ sku: 'A', qty: 1 });
    const result = await c.bulkWrite([
      { updateOne: { filter: { sku: 'A' }, update: { $set: { qty: 5 } }, upsert: true } },
      { updateOne: { filter: { sku: 'B' }, update: { $set: { qty: 7 } }, upsert: true } },
      { updateOne: { filter: { sku: 'C' }, update: { $set: { qty: 9 } }, upsert: true } },
    ]);
    expect(result.matchedCount).toBe(1);
    expect(result.modifiedCount).toBe(1);
    expect(result.upsertedCount).toBe(2);
    const all = await c
      .find({}, { projection: { _id: 0 } })
      .sort({ sku: 1 })
      .toArray();
    expect(all).toEqual([
      { sku: 'A', qty: 5 },
      { sku: 'B', qty: 7 },
      { sku: 'C', qty: 9 },
    ]);
  });

  it('countDocuments and a simple aggregate with $match, $group and $sort', async () => {
    const c = mongo.db().collection('runs');
    await c.insertMany([
      { tenant: 'a', status: 'ok', records: 3 },
      { tenant: 'a', status: 'failed', records: 1 },
      { tenant: 'b', status: 'ok', records: 9 },
      { tenant: 'a', status: 'ok', records: 2 },
      { tenant: 'c', status: 'ok', records: 1 },
    ]);
    expect(await c.countDocuments({ status: 'ok' })).toBe(4);
    expect(await c.countDocuments({ tenant: 'a' })).toBe(3);
    // one accumulator per $group: see the multi-accumulator case below
    const perTenant = await c
      .aggregate<Document>([
        { $match: { status: 'ok' } },
        { $group: { _id: '$tenant', records: { $sum: '$records' } } },
        { $sort: { records: -1 } },
      ])
      .toArray();
    expect(perTenant).toEqual([
      { _id: 'b', records: 9 },
      { _id: 'a', records: 5 },
      { _id: 'c', records: 1 },
    ]);
  });
});

/**
 * Concurrency. FerretDB 1.24 runs an update as read-modify-write without a row lock, so concurrent
 * updates of one document are not atomic there. Koppla therefore makes every exclusive claim (effects
 * ledger, job runs, leases) an insert against a unique key, which is atomic everywhere.
 */
describe('concurrent writers (8 connections)', () => {
  const connections = 8;
  interface Claimable {
    _id: number;
    state: string;
    by?: number;
  }
  interface Counter {
    _id: string;
    n: number;
  }
  async function withClients<T>(fn: (dbs: Db[]) => Promise<T>): Promise<T> {
    const clients = await Promise.all(
      Array.from({ length: connections }, () => MongoClient.connect(mongo.uri)),
    );
    try {
      return await fn(clients.map((c) => c.db(mongo.name)));
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  }

  it('an insert against a unique key admits exactly one of many concurrent claimants', async () => {
    await mongo.db().collection('claims_unique').createIndex({ key: 1 }, { unique: true });
    const winnersPerRound = await withClients(async (dbs) => {
      const winners: number[] = [];
      for (let round = 0; round < 10; round++) {
        const results = await Promise.all(
          dbs.map((db, i) =>
            db
              .collection('claims_unique')
              .insertOne({ key: `run-${round}`, by: i })
              .then(
                () => 1,
                (e: MongoServerError) => (e.code === 11000 ? 0 : Promise.reject(e)),
              ),
          ),
        );
        winners.push(results.reduce((a, b) => a + b, 0));
      }
      return winners;
    });
    expect(winnersPerRound).toEqual(Array(10).fill(1));
  });

  it('a conditional findOneAndUpdate is an exclusive claim on MongoDB, not on FerretDB 1.24', async () => {
    const maxWinners = await withClients(async (dbs) => {
      let most = 0;
      for (let round = 0; round < 10; round++) {
        await mongo
          .db()
          .collection<Claimable>('claims_conditional')
          .insertOne({ _id: round, state: 'ready' });
        const results = await Promise.all(
          dbs.map((db, i) =>
            db
              .collection<Claimable>('claims_conditional')
              .findOneAndUpdate({ _id: round, state: 'ready' }, { $set: { state: 'taken', by: i } }),
          ),
        );
        most = Math.max(most, results.filter(Boolean).length);
      }
      return most;
    });
    if (server.ferretdb) expect(maxWinners).toBeGreaterThan(1);
    else expect(maxWinners).toBe(1);
  });

  it('concurrent $inc on one document: exact on MongoDB, loses updates on FerretDB 1.24', async () => {
    await mongo.db().collection<Counter>('counter').insertOne({ _id: 'c', n: 0 });
    await withClients((dbs) =>
      Promise.all(
        dbs.flatMap((db) =>
          Array.from({ length: 10 }, () =>
            db.collection<Counter>('counter').updateOne({ _id: 'c' }, { $inc: { n: 1 } }),
          ),
        ),
      ),
    );
    const n = (await mongo.db().collection<Counter>('counter').findOne({ _id: 'c' }))?.n;
    if (server.ferretdb) expect(n).toBeLessThan(connections * 10);
    else expect(n).toBe(connections * 10);
  });
});

/**
 * Features that work on some servers and not on others. Koppla must not rely on them: data that
 * should expire is removed by our own jobs, and we poll instead of watching change streams.
 */
describe('what Koppla must not rely on (recorded per server)', () => {
  it('TTL indexes: rejected by FerretDB 1.24, accepted by MongoDB', async () => {
    const c = mongo.db().collection('ttl');
    const outcome = await c.createIndex({ at: 1 }, { expireAfterSeconds: 60 }).then(
      () => 'accepted',
      (e: MongoServerError) => `rejected:${e.code}`,
    );
    expect(outcome).toBe(server.ferretdb ? 'rejected:238' : 'accepted');
  });

  it('change streams: only on a MongoDB replica set', async () => {
    const c = mongo.db().collection('watched');
    await c.insertOne({ a: 1 });
    const stream = c.watch();
    const outcome = await stream.tryNext().then(
      () => 'works',
      (e: MongoServerError) => `fails:${e.codeName ?? e.code}`,
    );
    await stream.close();
    expect(outcome.startsWith('works')).toBe(!server.ferretdb && server.replicaSet);
  });

  it('multi-document transactions: only on a MongoDB replica set', async () => {
    const c = mongo.db().collection('tx');
    const session = mongo.client().startSession();
    const outcome = await session
      .withTransaction(async () => {
        await c.insertOne({ x: 1 }, { session });
      })
      .then(
        () => 'works',
        (e: Error) => `fails:${e.message}`,
      )
      .finally(() => session.endSession());
    expect(outcome === 'works').toBe(!server.ferretdb && server.replicaSet);
  });

  it('$group with two accumulators: FerretDB 1.24 computes only the first one', async () => {
    const c = mongo.db().collection('groups');
    await c.insertMany([
      { t: 'a', n: 3 },
      { t: 'a', n: 2 },
    ]);
    const [group] = await c
      .aggregate<Document>([{ $group: { _id: '$t', count: { $sum: 1 }, total: { $sum: '$n' } } }])
      .toArray();
    expect(group?.count).toBe(2);
    expect(group?.total).toBe(server.ferretdb ? 0 : 5);
  });

  it('a NUL character in a string: rejected by FerretDB on PostgreSQL, stored by MongoDB', async () => {
    const outcome = await mongo
      .db()
      .collection('nul')
      .insertOne({ key: 'a\u0000b' })
      .then(
        () => 'stored',
        () => 'rejected',
      );
    expect(outcome).toBe(inject('mongoSource') === 'ferretdb-postgresql' ? 'rejected' : 'stored');
  });

  it('$group accumulators other than $sum ($max): not implemented by FerretDB 1.24', async () => {
    const c = mongo.db().collection('groups_max');
    await c.insertMany([{ t: 'a', n: 3 }]);
    const outcome = await c
      .aggregate<Document>([{ $group: { _id: '$t', top: { $max: '$n' } } }])
      .toArray()
      .then(
        (rows) => `works:${rows[0]?.top}`,
        (e: MongoServerError) => `rejected:${e.code}`,
      );
    expect(outcome).toBe(server.ferretdb ? 'rejected:238' : 'works:3');
  });
});
