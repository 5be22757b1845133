import { mongodOnPath, startMongod } from './mongod.ts';
import { startFerretDb } from './ferretdb.ts';
import { waitForPing } from './child-process.ts';
import type { ProvisionedMongo } from './provisioned-mongo.ts';

export type { ProvisionedMongo, MongoSource } from './provisioned-mongo.ts';

const HOW_TO_GET_ONE = [
  'Koppla needs a MongoDB-compatible server. Any one of these works:',
  '  1. set MONGODB_URI to your own MongoDB 6/7 or Atlas, e.g. MONGODB_URI=mongodb://127.0.0.1:27017/',
  '  2. put `mongod` on PATH; a temporary one is started on a free port',
  '  3. install Go and run PostgreSQL on 127.0.0.1:5432 (or nothing: SQLite is used); FerretDB is built and started',
  '  4. docker run -p 27017:27017 mongo:7, then MONGODB_URI=mongodb://127.0.0.1:27017/',
].join('\n');

/**
 * Finds or starts a MongoDB-compatible server: MONGODB_URI, else a `mongod` on PATH, else FerretDB
 * (PostgreSQL, or SQLite when no PostgreSQL answers). The caller must call `stop()` when done.
 */
export async function provisionMongo(): Promise<ProvisionedMongo> {
  const given = process.env.MONGODB_URI;
  if (given) {
    await waitForPing(given, undefined, 15_000);
    return {
      uri: given,
      source: 'MONGODB_URI',
      description: 'the server in MONGODB_URI',
      stop: async () => {},
    };
  }
  const failures: string[] = [];
  if (mongodOnPath()) {
    try {
      return await startMongod();
    } catch (error) {
      failures.push(`mongod: ${(error as Error).message}`);
    }
  }
  try {
    return await startFerretDb();
  } catch (error) {
    failures.push(`FerretDB: ${(error as Error).message}`);
  }
  throw new Error(`${HOW_TO_GET_ONE}\n\nWhat was tried:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
}
