import { MongoServerError, type Db, type IndexDescription } from 'mongodb';
import { COLLECTIONS, type CollectionName } from './collections.ts';

/**
 * Every index Koppla relies on, by collection. Unique indexes are what make claims exclusive, so they
 * must exist before the first worker starts: `ensureIndexes` runs at boot. No TTL indexes (FerretDB
 * rejects them); old documents are removed by our own cleanup calls.
 */
export const INDEXES: Readonly<Record<CollectionName, readonly IndexDescription[]>> = {
  [COLLECTIONS.cursors]: [{ key: { tenant: 1, pipeline: 1 }, name: 'tenant_pipeline_unique', unique: true }],
  [COLLECTIONS.runs]: [
    { key: { tenant: 1, pipeline: 1, startedAt: -1 }, name: 'tenant_pipeline_started' },
    { key: { tenant: 1, startedAt: -1 }, name: 'tenant_started' },
    { key: { startedAt: 1 }, name: 'started' },
  ],
  [COLLECTIONS.leases]: [
    { key: { scope: 1, generation: -1 }, name: 'scope_generation_unique', unique: true },
  ],
  [COLLECTIONS.rateEvents]: [
    { key: { key: 1, until: 1 }, name: 'key_until' },
    { key: { until: 1 }, name: 'until' },
  ],
  [COLLECTIONS.effects]: [
    { key: { key: 1, attempt: 1 }, name: 'key_attempt_unique', unique: true },
    { key: { tenant: 1, pipeline: 1, recordKey: 1 }, name: 'tenant_pipeline_record' },
  ],
  [COLLECTIONS.deadLetters]: [
    { key: { openKey: 1 }, name: 'open_key_unique', unique: true },
    { key: { tenant: 1, pipeline: 1, status: 1, lastFailedAt: -1 }, name: 'tenant_pipeline_status_failed' },
    { key: { tenant: 1, lastFailedAt: -1 }, name: 'tenant_failed' },
    // a run looks up the records of a page resolved by hand (DeadLetterStore.openFor)
    { key: { tenant: 1, pipeline: 1, recordKey: 1 }, name: 'tenant_pipeline_record' },
    // the alerts job finds new dead letters by when they first failed
    { key: { firstFailedAt: 1 }, name: 'first_failed' },
  ],
  [COLLECTIONS.webhookDeliveries]: [{ key: { seenAt: 1 }, name: 'seen' }],
  [COLLECTIONS.alertClaims]: [
    { key: { batchId: 1 }, name: 'batch' },
    { key: { claimedAt: 1 }, name: 'claimed' },
  ],
  [COLLECTIONS.alertBatches]: [
    { key: { done: 1, nextAttemptAt: 1 }, name: 'done_next_attempt' },
    { key: { createdAt: 1 }, name: 'created' },
  ],
  [COLLECTIONS.alertState]: [{ key: { updatedAt: 1 }, name: 'updated' }],
  [COLLECTIONS.alertSettings]: [{ key: { updatedAt: 1 }, name: 'updated' }],
  // one document per change of a tenant; the unique (tenant, revision) makes concurrent edits exclusive
  [COLLECTIONS.tenantRevisions]: [
    { key: { tenant: 1, revision: -1 }, name: 'tenant_revision_unique', unique: true },
  ],
  [COLLECTIONS.adminKeys]: [{ key: { hash: 1 }, name: 'hash_unique', unique: true }],
  [COLLECTIONS.adminUsers]: [{ key: { tenant: 1 }, name: 'tenant' }],
  [COLLECTIONS.adminSessions]: [{ key: { expiresAt: 1 }, name: 'expires' }],
  [COLLECTIONS.oauthStates]: [{ key: { expiresAt: 1 }, name: 'expires' }],
  // keyed by _id (connector:key), read and written by whole keys; by age for a cleanup
  [COLLECTIONS.connectorValues]: [{ key: { updatedAt: 1 }, name: 'updated' }],
  // one offset per (connector, tenant, topic), keyed by _id; by age for a cleanup
  [COLLECTIONS.eventOffsets]: [{ key: { updatedAt: 1 }, name: 'updated' }],
  // one checkpoint per (tenant, pipeline, window), keyed by _id; listed per tenant by `koppla status`
  [COLLECTIONS.backfills]: [{ key: { tenant: 1, startedAt: -1 }, name: 'tenant_started' }],
  // one document per migration, keyed by its version (_id)
  [COLLECTIONS.migrations]: [],
  // one document per (tenant, issue), keyed by _id: when it was last announced
  [COLLECTIONS.alertIssues]: [],
};

/**
 * Creates every missing index; idempotent, so each worker calls it at boot. Creates them one at a
 * time and skips existing names: FerretDB 1.24 drops the connection when one `createIndexes` command
 * repeats several existing indexes.
 */
export async function ensureIndexes(db: Db): Promise<void> {
  for (const [name, indexes] of Object.entries(INDEXES)) {
    const collection = db.collection(name);
    const existing = new Set(
      await collection.indexes().then(
        (found) => found.map((index) => index.name),
        (error: unknown) => {
          if (error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND) return [];
          throw error;
        },
      ),
    );
    for (const index of indexes) {
      if (!existing.has(index.name)) await collection.createIndexes([index]);
    }
    // a collection keyed by _id alone is created too: after boot every collection of ours exists
    if (indexes.length === 0 && existing.size === 0)
      await db.createCollection(name).catch((error: unknown) => {
        if (!(error instanceof MongoServerError && error.code === NAMESPACE_EXISTS)) throw error;
      });
  }
}

const NAMESPACE_NOT_FOUND = 26;
const NAMESPACE_EXISTS = 48;
