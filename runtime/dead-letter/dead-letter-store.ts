import { randomUUID } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import type { SourcePosition } from '../../core/diagnostics/index.ts';
import { redactDeep } from '../../core/plugin-api/index.ts';
import { systemClock, type Clock } from '../store/clock.ts';
import { COLLECTIONS } from '../store/collections.ts';
import { insertIfAbsent } from '../store/mongo-errors.ts';
import { fromStoredJson, toStoredJson } from '../store/stored-json.ts';

/** Why the record failed, as stored: never a stack, never a secret. */
export interface DeadLetterError {
  readonly message: string;
  /** The connector error kind (`validation`, `transient`…) or another class name. */
  readonly kind: string;
  readonly field?: string;
  readonly code?: string;
}

export interface PutDeadLetter {
  readonly tenant: string;
  readonly pipeline: string;
  readonly recordKey: string;
  /** The original record, exactly as read: replay runs it again. */
  readonly record: unknown;
  readonly failedStep: string;
  /** Where the failing step is written. */
  readonly position: SourcePosition;
  readonly error: DeadLetterError;
  /** How many attempts this failure took (retries included). */
  readonly attempts: number;
  readonly trace?: unknown;
  readonly runId?: string;
}

/** `open`: waiting for someone; `replayed`: a replay is under way; `resolved`: done with. */
export type DeadLetterStatus = 'open' | 'replayed' | 'resolved';

export interface DeadLetter {
  readonly id: string;
  readonly tenant: string;
  readonly pipeline: string;
  readonly recordKey: string;
  readonly record: unknown;
  readonly failedStep: string;
  readonly position: SourcePosition;
  readonly error: DeadLetterError;
  /** Attempts over all failures of this record. */
  readonly attempts: number;
  /** How often the record ended here (the first failure and every failed replay). */
  readonly failures: number;
  readonly trace?: unknown;
  readonly runId?: string;
  readonly status: DeadLetterStatus;
  readonly firstFailedAt: Date;
  readonly lastFailedAt: Date;
  readonly replays: number;
  readonly replayedAt?: Date;
  readonly resolvedAt?: Date;
  readonly resolution?: string;
}

interface DeadLetterDocument {
  _id: string;
  /**
   * Unique. `[tenant, pipeline, recordKey]` while open or replayed, so a record has at most one open
   * dead letter; on resolve it gets the id appended, making room for a later one.
   */
  openKey: string;
  tenant: string;
  pipeline: string;
  recordKey: string;
  record: string | null;
  failedStep: string;
  position: SourcePosition;
  error: DeadLetterError;
  attempts: number;
  failures: number;
  trace?: string | null;
  runId?: string;
  status: DeadLetterStatus;
  firstFailedAt: Date;
  lastFailedAt: Date;
  replays: number;
  replayedAt?: Date;
  resolvedAt?: Date;
  resolution?: string;
}

export interface DeadLetterStoreOptions {
  /** The tenant's credential values, scrubbed from stored errors and traces. */
  readonly secretsOf?: (tenant: string) => readonly string[] | Promise<readonly string[]>;
  readonly now?: Clock;
}

const MAX_PUT_ROUNDS = 3;

/** Records that failed, with everything needed to see why and to replay them. */
export class DeadLetterStore {
  private readonly collection: Collection<DeadLetterDocument>;
  private readonly secretsOf: (tenant: string) => readonly string[] | Promise<readonly string[]>;
  private readonly now: Clock;

  constructor(db: Db, options: DeadLetterStoreOptions = {}) {
    this.collection = db.collection<DeadLetterDocument>(COLLECTIONS.deadLetters);
    this.secretsOf = options.secretsOf ?? (() => []);
    this.now = options.now ?? systemClock;
  }

  /**
   * Records a failure. The first failure of a record opens a dead letter; later ones (a failed
   * replay, a re-run) update that one, adding their attempts.
   */
  async put(input: PutDeadLetter): Promise<DeadLetter> {
    const secrets = await this.secretsOf(input.tenant);
    const openKey = openKeyOf(input.tenant, input.pipeline, input.recordKey);
    const at = new Date(this.now());
    const latest = {
      record: toStoredJson(input.record),
      failedStep: input.failedStep,
      position: { file: input.position.file, line: input.position.line, col: input.position.col },
      error: scrubError(input.error, secrets),
      lastFailedAt: at,
      status: 'open' as const,
      ...(input.trace === undefined ? {} : { trace: toStoredJson(redactDeep(input.trace, secrets)) }),
      ...(input.runId === undefined ? {} : { runId: input.runId }),
    };
    for (let round = 0; round < MAX_PUT_ROUNDS; round++) {
      const document: DeadLetterDocument = {
        _id: randomUUID(),
        openKey,
        tenant: input.tenant,
        pipeline: input.pipeline,
        recordKey: input.recordKey,
        ...latest,
        attempts: input.attempts,
        failures: 1,
        firstFailedAt: at,
        replays: 0,
      };
      if (await insertIfAbsent(() => this.collection.insertOne(document))) return toDeadLetter(document);
      // Failures of one record come from the one job that owns it, so this update has no rival writer.
      const updated = await this.collection.findOneAndUpdate(
        { openKey },
        { $set: latest, $inc: { attempts: input.attempts, failures: 1 } },
        { returnDocument: 'after' },
      );
      if (updated) return toDeadLetter(updated);
      // It was resolved in between: open a new one.
    }
    throw new Error(`could not record the dead letter of ${openKey}: it kept changing`);
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    const found = await this.collection.findOne({ _id: id });
    return found ? toDeadLetter(found) : undefined;
  }

  /** The open (or replaying) dead letter of a record, if any. */
  async findOpen(tenant: string, pipeline: string, recordKey: string): Promise<DeadLetter | undefined> {
    const found = await this.collection.findOne({ openKey: openKeyOf(tenant, pipeline, recordKey) });
    return found ? toDeadLetter(found) : undefined;
  }

  /** A tenant's dead letters, most recent failure first. */
  async list(query: {
    readonly tenant: string;
    readonly pipeline?: string;
    readonly status?: DeadLetterStatus;
    readonly limit?: number;
  }): Promise<DeadLetter[]> {
    const filter: Filter<DeadLetterDocument> = { tenant: query.tenant };
    if (query.pipeline !== undefined) filter.pipeline = query.pipeline;
    if (query.status !== undefined) filter.status = query.status;
    const documents = await this.collection
      .find(filter)
      .sort({ lastFailedAt: -1, _id: 1 })
      .limit(query.limit ?? 100)
      .toArray();
    return documents.map(toDeadLetter);
  }

  /**
   * Dead letters that first failed at or after `from`, oldest first, without their records (the
   * alerts job lists them). Pages: pass the last one of a page as `after`.
   */
  async firstFailedFrom(
    from: Date,
    options: { readonly after?: DeadLetter; readonly limit?: number } = {},
  ): Promise<DeadLetter[]> {
    const { after } = options;
    const filter: Filter<DeadLetterDocument> = after
      ? {
          firstFailedAt: { $gte: from },
          $or: [
            { firstFailedAt: { $gt: after.firstFailedAt } },
            { firstFailedAt: after.firstFailedAt, _id: { $gt: after.id } },
          ],
        }
      : { firstFailedAt: { $gte: from } };
    const documents = await this.collection
      .find(filter, { projection: { record: 0, trace: 0 } })
      .sort({ firstFailedAt: 1, _id: 1 })
      .limit(options.limit ?? 500)
      .toArray();
    return documents.map((document) => toDeadLetter({ ...document, record: null }));
  }

  /** These dead letters, without their records, in no particular order; unknown ids are left out. */
  async summaries(ids: readonly string[]): Promise<DeadLetter[]> {
    if (ids.length === 0) return [];
    const documents = await this.collection
      .find({ _id: { $in: [...ids] } }, { projection: { record: 0, trace: 0 } })
      .toArray();
    return documents.map((document) => toDeadLetter({ ...document, record: null }));
  }

  /** Notes that a replay was enqueued. Undefined if there is no such dead letter or it is resolved. */
  async markReplayed(id: string): Promise<DeadLetter | undefined> {
    const updated = await this.collection.findOneAndUpdate(
      { _id: id, status: { $ne: 'resolved' } },
      { $set: { status: 'replayed', replayedAt: new Date(this.now()) }, $inc: { replays: 1 } },
      { returnDocument: 'after' },
    );
    return updated ? toDeadLetter(updated) : undefined;
  }

  /** Closes a dead letter: the record went through, or someone decided it need not. */
  async resolve(id: string, resolution = 'resolved'): Promise<DeadLetter | undefined> {
    const found = await this.collection.findOne({ _id: id });
    if (!found) return undefined;
    if (found.status === 'resolved') return toDeadLetter(found);
    const update = {
      status: 'resolved' as const,
      resolvedAt: new Date(this.now()),
      resolution,
      openKey: `${found.openKey}#${found._id}`,
    };
    await this.collection.updateOne({ _id: id }, { $set: update });
    return toDeadLetter({ ...found, ...update });
  }

  /** Resolves the record's open dead letter, if any: call it when the record completes. */
  async resolveRecord(
    tenant: string,
    pipeline: string,
    recordKey: string,
    resolution = 'completed',
  ): Promise<DeadLetter | undefined> {
    const open = await this.findOpen(tenant, pipeline, recordKey);
    return open ? this.resolve(open.id, resolution) : undefined;
  }
}

function openKeyOf(tenant: string, pipeline: string, recordKey: string): string {
  return JSON.stringify([tenant, pipeline, recordKey]);
}

function scrubError(error: DeadLetterError, secrets: readonly string[]): DeadLetterError {
  // Copy only the known fields: an Error instance would bring its stack and cause along.
  return redactDeep(
    {
      message: error.message,
      kind: error.kind,
      ...(error.field === undefined ? {} : { field: error.field }),
      ...(error.code === undefined ? {} : { code: error.code }),
    },
    secrets,
  );
}

function toDeadLetter(document: DeadLetterDocument): DeadLetter {
  const { _id, openKey, record, trace, ...rest } = document;
  void openKey;
  const letter: DeadLetter = { id: _id, ...rest, record: fromStoredJson(record) };
  return trace === undefined ? letter : { ...letter, trace: fromStoredJson(trace) };
}
