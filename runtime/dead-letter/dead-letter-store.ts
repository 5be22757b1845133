import { randomUUID } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import type { SourcePosition } from '../../core/diagnostics/index.ts';
import { redactDeep } from '../../core/plugin-api/index.ts';
import { systemClock, type Clock } from '../store/clock.ts';
import { COLLECTIONS } from '../store/collections.ts';
import { insertIfAbsent } from '../store/mongo-errors.ts';
import { hashInput } from '../ledger/input-hash.ts';
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

/** An open (or replaying) dead letter, as a run that re-reads its record needs it. */
export interface OpenDeadLetter {
  readonly id: string;
  readonly recordKey: string;
  /** `resolved` only for one a person resolved by hand (see `openFor`). */
  readonly status: DeadLetterStatus;
  /** `recordVersion` of the record as it last failed. */
  readonly recordVersion: string;
}

/**
 * A record's content as one value, to tell whether a record read again is the one that failed: any
 * change the source made (its modification time, a field the shop owner fixed) gives another value,
 * key order does not. Taken over the record as stored (JSON), so that a record read now and the same
 * record read back from its dead letter give the same value.
 */
export function recordVersion(record: unknown): string {
  return hashInput(fromStoredJson(toStoredJson(record)));
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
  /** Who resolved it by hand (`api:<key>`, `cli:<user>`); absent when a run or replay resolved it. */
  readonly resolvedBy?: string;
  /** What the person who resolved it wrote (what was done in Fortnox by hand). */
  readonly note?: string;
}

/** What `resolveByHand` found: the dead letter resolved now, one resolved before, or none. */
export type HandResolution =
  | { readonly outcome: 'resolved' | 'already-resolved'; readonly deadLetter: DeadLetter }
  | { readonly outcome: 'unknown' };

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
  resolvedBy?: string;
  note?: string;
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
   * replay, a re-run) update that one, adding their attempts. A failure a person already settled —
   * the record's newest dead letter was resolved by hand, at the same step with the same message —
   * opens none: that letter keeps the record as read now (so the record stays parked) and comes back
   * still resolved. A hand-off asks for its work once, not again whenever the order changes.
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
      ...(input.trace === undefined ? {} : { trace: storedTrace(redactDeep(input.trace, secrets)) }),
      ...(input.runId === undefined ? {} : { runId: input.runId }),
    };
    if (!(await this.collection.findOne({ openKey }, { projection: { _id: 1 } }))) {
      const settled = (await this.#resolvedByHand(input.tenant, input.pipeline, [input.recordKey])).get(
        input.recordKey,
      );
      if (
        settled &&
        settled.failedStep === latest.failedStep &&
        settled.error.message === latest.error.message
      ) {
        await this.collection.updateOne({ _id: settled._id }, { $set: { record: latest.record } });
        return toDeadLetter({ ...settled, record: latest.record });
      }
    }
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

  /** Each record's newest dead letter a person resolved by hand, by record key. */
  async #resolvedByHand(
    tenant: string,
    pipeline: string,
    recordKeys: readonly string[],
  ): Promise<Map<string, DeadLetterDocument>> {
    const documents = await this.collection
      .find(
        {
          tenant,
          pipeline,
          recordKey: { $in: [...recordKeys] },
          status: 'resolved',
          resolvedBy: { $exists: true },
        },
        { projection: { trace: 0 } },
      )
      .sort({ resolvedAt: -1 })
      .toArray();
    const newest = new Map<string, DeadLetterDocument>();
    for (const document of documents)
      if (!newest.has(document.recordKey)) newest.set(document.recordKey, document);
    return newest;
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

  /**
   * The open (or replaying) dead letters of these records of one pipeline, by record key: a run asks
   * once per page, so that a record that failed for good and did not change since is not sent again.
   * A record with none open gives its newest dead letter resolved by hand instead: the person did
   * outside Koppla what the record needed, so running it again unchanged would only stop it at the
   * same step and undo their word. A change in the source runs it again.
   */
  async openFor(
    tenant: string,
    pipeline: string,
    recordKeys: readonly string[],
  ): Promise<Map<string, OpenDeadLetter>> {
    const found = new Map<string, OpenDeadLetter>();
    if (recordKeys.length === 0) return found;
    const openKeys = [...new Set(recordKeys)].map((recordKey) => openKeyOf(tenant, pipeline, recordKey));
    const documents = await this.collection
      .find({ openKey: { $in: openKeys } }, { projection: { trace: 0 } })
      .toArray();
    const entry = (document: DeadLetterDocument): OpenDeadLetter => ({
      id: document._id,
      recordKey: document.recordKey,
      status: document.status,
      recordVersion: hashInput(fromStoredJson(document.record)),
    });
    for (const document of documents) {
      // resolved ones carry their id in the open key and are not found here; the check keeps it so
      if (document.status === 'resolved') continue;
      found.set(document.recordKey, entry(document));
    }
    const others = [...new Set(recordKeys)].filter((recordKey) => !found.has(recordKey));
    if (others.length === 0) return found;
    for (const [recordKey, document] of await this.#resolvedByHand(tenant, pipeline, others))
      found.set(recordKey, entry(document));
    return found;
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

  /** A replay that could not finish (Koppla's own error, not the record's): open again. */
  async reopen(id: string): Promise<void> {
    await this.collection.updateOne({ _id: id, status: 'replayed' }, { $set: { status: 'open' } });
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

  /**
   * Closes a dead letter by a person's word: a hand-off (`uses: fail`, "… by hand, then resolve this
   * dead letter") was done outside Koppla. Only an open or replaying one: resolving twice is a
   * mistake the caller reports (the first resolution, its who and note, are kept). Like any
   * resolution it makes room for a new dead letter of the record: a later failure opens one.
   */
  async resolveByHand(
    id: string,
    by: { readonly resolvedBy: string; readonly note?: string },
  ): Promise<HandResolution> {
    const found = await this.collection.findOne({ _id: id });
    if (!found) return { outcome: 'unknown' };
    if (found.status === 'resolved') return { outcome: 'already-resolved', deadLetter: toDeadLetter(found) };
    const update = {
      status: 'resolved' as const,
      resolvedAt: new Date(this.now()),
      resolution: 'resolved by hand',
      resolvedBy: by.resolvedBy,
      ...(by.note === undefined ? {} : { note: by.note }),
      openKey: `${found.openKey}#${found._id}`,
    };
    // the status in the filter: a replay (or another person) that resolved it in between wins
    const done = await this.collection.updateOne({ _id: id, status: { $ne: 'resolved' } }, { $set: update });
    if (done.modifiedCount === 0) {
      const now = await this.collection.findOne({ _id: id });
      return now ? { outcome: 'already-resolved', deadLetter: toDeadLetter(now) } : { outcome: 'unknown' };
    }
    return { outcome: 'resolved', deadLetter: toDeadLetter({ ...found, ...update }) };
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

/**
 * A document may not exceed 16 MiB (MongoDB, FerretDB), record and all, and a rules trace grows with
 * the record's lines: an order of 10 000 lines has a trace of about 28 MB. Past this bound only the
 * trace's first entries are kept, so the dead letter — the record to replay and its error — is always
 * stored; the trace is for reading, and its start shows how the rules went.
 */
const MAX_TRACE_CHARS = 4 * 1024 * 1024;

function storedTrace(trace: unknown): string | null {
  const text = toStoredJson(trace);
  if (text === null || text.length <= MAX_TRACE_CHARS) return text;
  if (!Array.isArray(trace)) return null;
  let kept = trace.length;
  let shortened = text;
  while (shortened.length > MAX_TRACE_CHARS && kept > 0) {
    kept = Math.floor((kept * MAX_TRACE_CHARS * 0.9) / shortened.length);
    shortened = JSON.stringify(trace.slice(0, kept));
  }
  return shortened;
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
