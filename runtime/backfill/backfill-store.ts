import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../store/collections.ts';

export interface BackfillCounts {
  /** Orders of the window read from the shop (outside-the-window ones not counted). */
  read: number;
  /** Orders whose steps all went through (sent now, or found in the ledger or Fortnox). */
  processed: number;
  /** Orders the pipeline's `where` left out (unpaid, drafts). */
  skipped: number;
  failed: number;
  /** Writes sent to the service. */
  sent: number;
  /** Effects the ledger already had: nothing sent. */
  fromLedger: number;
  /** Effects whose earlier outcome was unknown and that were found on the remote side (lookup-first). */
  foundRemotely: number;
  /** Operation calls made (writes and lookups). */
  calls: number;
}

/** One backfill of one window: its checkpoint (the source cursor after the last finished page) and counts. */
export interface BackfillDocument {
  /** `<tenant>|<pipeline>|<from>|<to>`: the same window resumes the same backfill. */
  readonly _id: string;
  readonly tenant: string;
  readonly pipeline: string;
  readonly from: string;
  readonly to: string | null;
  status: 'running' | 'done';
  cursor: string | null;
  counts: BackfillCounts;
  /** How many times it was started (1 + resumes). */
  starts: number;
  readonly startedAt: Date;
  updatedAt: Date;
  finishedAt?: Date;
}

export const ZERO_COUNTS: BackfillCounts = {
  read: 0,
  processed: 0,
  skipped: 0,
  failed: 0,
  sent: 0,
  fromLedger: 0,
  foundRemotely: 0,
  calls: 0,
};

/** Backfill checkpoints in MongoDB (`koppla_backfills`): what makes an interrupted backfill resumable. */
export class BackfillStore {
  readonly #collection: Collection<BackfillDocument>;

  constructor(db: Db) {
    this.#collection = db.collection<BackfillDocument>(COLLECTIONS.backfills);
  }

  static idOf(tenant: string, pipeline: string, from: string, to: string | undefined): string {
    return [tenant, pipeline, from, to ?? ''].join('|');
  }

  get(id: string): Promise<BackfillDocument | null> {
    return this.#collection.findOne({ _id: id });
  }

  /** The checkpoint to resume from (created when absent); counts a start. */
  async begin(
    doc: Omit<BackfillDocument, 'status' | 'cursor' | 'counts' | 'starts' | 'updatedAt'>,
  ): Promise<BackfillDocument> {
    const now = new Date();
    await this.#collection.updateOne(
      { _id: doc._id },
      {
        $setOnInsert: {
          tenant: doc.tenant,
          pipeline: doc.pipeline,
          from: doc.from,
          to: doc.to,
          cursor: null,
          counts: { ...ZERO_COUNTS },
          startedAt: doc.startedAt,
        },
        $set: { status: 'running', updatedAt: now },
        $inc: { starts: 1 },
      },
      { upsert: true },
    );
    const stored = await this.get(doc._id);
    if (!stored) throw new Error(`backfill ${doc._id} could not be stored`);
    return stored;
  }

  /** After a finished page: where to resume, and the counts so far (cumulative over resumes). */
  async checkpoint(id: string, cursor: string, counts: BackfillCounts): Promise<void> {
    await this.#collection.updateOne({ _id: id }, { $set: { cursor, counts, updatedAt: new Date() } });
  }

  /** Forgets a window's checkpoint (`--restart`). */
  async reset(id: string): Promise<void> {
    await this.#collection.deleteOne({ _id: id });
  }

  async finish(id: string, counts: BackfillCounts): Promise<void> {
    const now = new Date();
    await this.#collection.updateOne(
      { _id: id },
      { $set: { status: 'done', counts, updatedAt: now, finishedAt: now } },
    );
  }
}
