import type { Collection, Db } from 'mongodb';
import type { OffsetStore } from '../../core/plugin-api/index.ts';
import { COLLECTIONS } from './collections.ts';

interface OffsetDocument {
  _id: string;
  offset: string;
  updatedAt: Date;
}

/**
 * Event-feed offsets (`OffsetStore`) in MongoDB, so a feed resumes where it stopped after a
 * reconnect, a restart, or when another worker takes the subscription over. `scope` (connector and
 * tenant) keeps feeds apart. Only the holder of the subscription's lease writes; an offset written
 * last is the one kept (a feed saves them in order).
 */
export class MongoOffsetStore implements OffsetStore {
  readonly #collection: Collection<OffsetDocument>;

  constructor(
    db: Db,
    private readonly scope: string,
  ) {
    this.#collection = db.collection<OffsetDocument>(COLLECTIONS.eventOffsets);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#collection.findOne({ _id: this.#id(key) }))?.offset;
  }

  async save(key: string, offset: string): Promise<void> {
    await this.#collection.replaceOne(
      { _id: this.#id(key) },
      { offset, updatedAt: new Date() },
      { upsert: true },
    );
  }

  #id(key: string): string {
    return `${this.scope}:${key}`;
  }
}
