/**
 * Effects-ledger throughput on the provisioned MongoDB (FerretDB here): writes/s through
 * claim → perform → commit, one worker and eight concurrent ones, and the cost of a repeat that the
 * ledger answers without calling the remote side.
 */
import { performance } from 'node:perf_hooks';
import { MongoClient } from 'mongodb';
import { provisionMongo } from '../mongo/provision.ts';
import { EffectsLedger } from '../../runtime/ledger/effects-ledger.ts';
import { ensureIndexes } from '../../runtime/store/index.ts';

export async function benchLedger(): Promise<void> {
  const mongo = await provisionMongo();
  const client = await MongoClient.connect(mongo.uri);
  try {
    const db = client.db(`bench_ledger_${process.pid}`);
    await ensureIndexes(db);
    const ledger = new EffectsLedger(db, { owner: 'bench' });
    const perform = (recordKey: string) =>
      ledger.perform(
        {
          tenant: 't',
          pipeline: 'p',
          recordKey,
          step: 'invoice',
          operation: 'ledger.invoices.create',
          input: { n: recordKey },
        },
        { run: async () => ({ DocumentNumber: recordKey }) },
      );
    const measure = async (label: string, count: number, concurrency: number, key: (i: number) => string) => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < count) await perform(key(next++));
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `ledger ${label}: ${Math.round(count / seconds)} records/s (${count} records, ${concurrency} concurrent)`,
      );
    };
    await measure('claim+commit', 1_000, 1, (i) => `a${i}`);
    await measure('claim+commit', 2_000, 8, (i) => `b${i}`);
    await measure('repeat answered by the ledger', 1_000, 1, (i) => `a${i}`);
    await db.dropDatabase();
    console.log(`(database: ${mongo.description})`);
  } finally {
    await client.close();
    await mongo.stop();
  }
}
