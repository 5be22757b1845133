/**
 * Versioned, idempotent changes to our collections, run at boot (`koppla serve`, and every command
 * that builds the runtime). Each applied version is recorded in `koppla_migrations` with when and by
 * whom; a version already recorded is never run again, and every `up` is written so that running it
 * twice changes nothing (an interrupted boot may have run it without recording it). Workers booting
 * together take turns under one lease, so a migration never runs twice at the same time.
 *
 * Indexes are not migrations: `ensureIndexes` creates missing ones at every boot. A migration is for
 * documents written by an older version that a newer one reads differently.
 */
import type { Db } from 'mongodb';
import { COLLECTIONS } from './collections.ts';
import { ensureIndexes } from './indexes.ts';
import { LeaseStore } from './lease-store.ts';

export interface Migration {
  /** Increasing, never reused; the `_id` of its record. */
  readonly version: number;
  readonly description: string;
  up(db: Db): Promise<void>;
}

export interface MigrationRecord {
  readonly _id: number;
  readonly description: string;
  readonly appliedAt: Date;
  readonly by: string;
}

/** Every migration, oldest first. Append only: a released version's `up` is never changed. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'baseline: every collection and index of Koppla 0.1',
    up: ensureIndexes,
  },
  {
    version: 2,
    description:
      'koppla_backfills: every checkpoint has counts and a start count (written without them by pre-release builds)',
    async up(db) {
      const backfills = db.collection(COLLECTIONS.backfills);
      await backfills.updateMany(
        { counts: { $exists: false } },
        {
          $set: {
            counts: {
              read: 0,
              processed: 0,
              skipped: 0,
              failed: 0,
              sent: 0,
              fromLedger: 0,
              foundRemotely: 0,
              calls: 0,
            },
          },
        },
      );
      await backfills.updateMany({ starts: { $exists: false } }, { $set: { starts: 1 } });
    },
  },
];

export interface MigrateOptions {
  readonly holder?: string;
  readonly migrations?: readonly Migration[];
  /** How long to wait for another worker's migrations (ms); default 5 minutes. */
  readonly waitMs?: number;
}

/** Applies the versions not yet recorded, in order; returns the versions applied by this call. */
export async function runMigrations(db: Db, options: MigrateOptions = {}): Promise<number[]> {
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const records = db.collection<MigrationRecord>(COLLECTIONS.migrations);
  const pending = async () => {
    const done = new Set((await records.find({}, { projection: { _id: 1 } }).toArray()).map((r) => r._id));
    return migrations.filter((m) => !done.has(m.version));
  };
  if ((await pending()).length === 0) return [];
  const holder = options.holder ?? `pid-${process.pid}`;
  const leases = new LeaseStore(db);
  const deadline = Date.now() + (options.waitMs ?? 5 * 60_000);
  for (;;) {
    const outcome = await leases.withLease('migrations', holder, 10 * 60_000, async () => {
      const applied: number[] = [];
      for (const migration of await pending()) {
        await migration.up(db);
        await records.updateOne(
          { _id: migration.version },
          {
            $setOnInsert: { description: migration.description, appliedAt: new Date(), by: holder },
          },
          { upsert: true },
        );
        applied.push(migration.version);
      }
      return applied;
    });
    if (outcome.acquired) return outcome.value;
    // another worker is migrating: wait for it, then check what is left
    if (Date.now() > deadline) throw new Error('another worker has been running the migrations for too long');
    await new Promise((resolve) => setTimeout(resolve, 500));
    if ((await pending()).length === 0) return [];
  }
}
