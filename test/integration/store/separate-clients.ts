import { MongoClient, type Db } from 'mongodb';
import type { TestDatabase } from '../../helpers/mongo.ts';

/** Runs `fn` with `count` databases, each on its own connection, as separate workers would have. */
export async function withSeparateClients<T>(
  mongo: TestDatabase,
  count: number,
  fn: (dbs: Db[]) => Promise<T>,
): Promise<T> {
  const clients = await Promise.all(
    Array.from({ length: count }, () => MongoClient.connect(mongo.uri, { maxPoolSize: 1 })),
  );
  try {
    return await fn(clients.map((client) => client.db(mongo.name)));
  } finally {
    await Promise.all(clients.map((client) => client.close()));
  }
}

/** A clock tests move by hand. */
export function manualClock(start = Date.parse('2025-03-01T10:00:00Z')) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  };
}
