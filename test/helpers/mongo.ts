import { randomBytes } from 'node:crypto';
import { basename } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import { MongoClient, type Db } from 'mongodb';

export interface TestDatabase {
  readonly uri: string;
  readonly name: string;
  client(): MongoClient;
  db(): Db;
}

/**
 * Gives the calling test file its own database on the provisioned server, dropped after the file.
 * Names stay short and plain: FerretDB allows [a-zA-Z0-9_-] and at most 63 characters.
 */
export function useTestDatabase(testFile: string): TestDatabase {
  const uri = inject('mongoUri');
  const stem = basename(testFile)
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-zA-Z0-9]/g, '_')
    .slice(0, 40);
  const name = `t_${stem}_${randomBytes(4).toString('hex')}`;
  let client: MongoClient | undefined;

  beforeAll(async () => {
    client = await MongoClient.connect(uri);
  });
  afterAll(async () => {
    if (!client) return;
    await client.db(name).dropDatabase();
    await client.close();
  });

  return {
    uri,
    name,
    client() {
      if (!client) throw new Error('the test database is only available inside tests and hooks');
      return client;
    },
    db() {
      return this.client().db(name);
    },
  };
}
