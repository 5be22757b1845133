import type { Collection, Db } from 'mongodb';
import type { DeliveryDedupe } from '../../core/plugin-api/index.ts';
import { systemClock, type Clock } from './clock.ts';
import { COLLECTIONS } from './collections.ts';
import { insertIfAbsent } from './mongo-errors.ts';

/** Remembers webhook deliveries of one tenant's connection, for every worker. */
export interface ScopedDeliveryDedupe extends DeliveryDedupe {
  /** Forgets a key whose delivery could not be handled, so the sender's retry is not dropped. */
  forget(key: string): Promise<void>;
}

interface DeliveryDocument {
  /** `<tenant>/<connection>/<key>`: unique, so of all workers that see a delivery exactly one wins it. */
  _id: string;
  tenant: string;
  connection: string;
  seenAt: Date;
}

/**
 * Webhook deliveries already handled, shared by all workers through MongoDB: a delivery is claimed by
 * inserting its key (a duplicate loses with 11000 — atomic on FerretDB too, unlike a conditional
 * update). There is no TTL index on FerretDB, so `deleteSeenBefore` (the cleanup job) expires keys;
 * keep them longer than the sender retries (WooCommerce: a few hours at most).
 */
export class MongoDeliveryDedupe {
  private readonly collection: Collection<DeliveryDocument>;
  private readonly now: Clock;

  constructor(db: Db, options: { readonly now?: Clock } = {}) {
    this.collection = db.collection<DeliveryDocument>(COLLECTIONS.webhookDeliveries);
    this.now = options.now ?? systemClock;
  }

  forScope(tenant: string, connection: string): ScopedDeliveryDedupe {
    // tenant ids and connection names hold no '/', so the prefix cannot be forged by a key
    const idOf = (key: string) => `${tenant}/${connection}/${key}`;
    return {
      firstTime: (key) =>
        insertIfAbsent(() =>
          this.collection.insertOne({ _id: idOf(key), tenant, connection, seenAt: new Date(this.now()) }),
        ),
      forget: async (key) => {
        await this.collection.deleteOne({ _id: idOf(key) });
      },
    };
  }

  /** Deletes keys recorded before `before`; returns how many. */
  async deleteSeenBefore(before: Date): Promise<number> {
    const result = await this.collection.deleteMany({ seenAt: { $lt: before } });
    return result.deletedCount;
  }
}
