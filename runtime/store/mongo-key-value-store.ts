import type { AnyBulkWriteOperation, Collection, Db } from 'mongodb';
import type { KeyValueStore } from '../../core/plugin-api/index.ts';
import { COLLECTIONS } from './collections.ts';
import { fromStoredJson, toStoredJson } from './stored-json.ts';

interface ValueDocument {
  _id: string;
  /** JSON text: connector values may hold keys MongoDB refuses (dots, `$`). */
  value: string;
  updatedAt: Date;
}

/** Reads and writes this many keys per round trip. */
const CHUNK = 500;

/**
 * Connectors' key-value store (`PluginServices.keyValueStore`) in one collection shared by every
 * worker. A key is written whole (last writer wins): what connectors keep here is a cache they can
 * always rebuild from the remote system, never the only copy of anything.
 */
export class MongoKeyValueStore implements KeyValueStore {
  readonly #collection: Collection<ValueDocument>;

  constructor(db: Db) {
    this.#collection = db.collection<ValueDocument>(COLLECTIONS.connectorValues);
  }

  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    for (let i = 0; i < keys.length; i += CHUNK) {
      const docs = await this.#collection.find({ _id: { $in: keys.slice(i, i + CHUNK) } }).toArray();
      for (const doc of docs) found.set(doc._id, fromStoredJson(doc.value));
    }
    return found;
  }

  async setMany(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    const updatedAt = new Date();
    for (let i = 0; i < entries.length; i += CHUNK) {
      const operations: AnyBulkWriteOperation<ValueDocument>[] = entries
        .slice(i, i + CHUNK)
        .map(([key, value]) => ({
          replaceOne: {
            filter: { _id: key },
            replacement: { value: toStoredJson(value) ?? 'null', updatedAt },
            upsert: true,
          },
        }));
      if (operations.length > 0) await this.#collection.bulkWrite(operations, { ordered: false });
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += CHUNK)
      await this.#collection.deleteMany({ _id: { $in: keys.slice(i, i + CHUNK) } });
  }
}
