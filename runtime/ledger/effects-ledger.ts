import type { Collection, Db } from 'mongodb';
import { isConnectorError, redact, type ConnectorErrorKind } from '../../core/plugin-api/index.ts';
import { systemClock, type Clock } from '../store/clock.ts';
import { COLLECTIONS } from '../store/collections.ts';
import { insertIfAbsent } from '../store/mongo-errors.ts';
import { fromStoredJson, toStoredJson } from '../store/stored-json.ts';
import { attemptId, effectKey, type EffectAddress } from './effect-key.ts';
import { InFlightError } from './in-flight-error.ts';
import { hashInput } from './input-hash.ts';

/** One side effect to perform at most once: an operation with its input, at an address. */
export interface Effect extends EffectAddress {
  /** `<connection>.<operation>`, e.g. `ledger.invoices.create`; recorded for diagnosis. */
  readonly operation: string;
  readonly input: unknown;
}

export interface PerformOptions<T> {
  /** Performs the effect on the remote system. */
  readonly run: () => Promise<T>;
  /**
   * Finds the object an earlier attempt may have created (the operation's `lookup`). Called before
   * running again when an earlier attempt may have succeeded without recording it.
   */
  readonly lookup?: () => Promise<T | undefined>;
  /** The remote object's id in a result (e.g. an invoice's DocumentNumber), stored for diagnosis. */
  readonly remoteIdOf?: (result: T) => string | undefined;
  readonly runId?: string;
  /**
   * A committed effect whose input differs is performed again (a new attempt) instead of answered
   * from the ledger: for effects shared by records, such as a customer card kept up to date.
   */
  readonly refreshOnInputChange?: boolean;
  /** Values to scrub from recorded error messages: the tenant's credentials. */
  readonly secrets?: readonly string[];
}

export type EffectSource = 'performed' | 'ledger' | 'lookup';

export interface EffectOutcome<T> {
  readonly result: T;
  /** `performed`: run now; `lookup`: found remotely, not run; `ledger`: committed before, nothing called. */
  readonly source: EffectSource;
  readonly attempt: number;
  readonly remoteId?: string;
  /** True when the effect was committed for a different input (the record changed since). */
  readonly inputChanged: boolean;
}

export type EffectState = 'claimed' | 'committed' | 'failed';

export interface EffectError {
  readonly message: string;
  readonly kind: ConnectorErrorKind;
  readonly retryable: boolean;
  readonly code?: string;
  readonly field?: string;
  /** True when the remote system surely did not perform it (it rejected the call); else look up first. */
  readonly outcomeKnown: boolean;
}

/** One attempt at an effect, as stored. */
export interface EffectAttempt {
  readonly key: string;
  readonly attempt: number;
  readonly state: EffectState;
  readonly tenant: string;
  readonly pipeline: string;
  readonly recordKey: string;
  readonly step: string;
  readonly operation: string;
  readonly inputHash: string;
  readonly claimedAt: Date;
  readonly owner: string;
  readonly runId?: string;
  readonly result?: unknown;
  readonly remoteId?: string;
  readonly via?: 'run' | 'lookup';
  readonly committedAt?: Date;
  readonly error?: EffectError;
  readonly failedAt?: Date;
}

interface EffectDocument {
  _id: string;
  key: string;
  attempt: number;
  state: EffectState;
  tenant: string;
  pipeline: string;
  recordKey: string;
  step: string;
  operation: string;
  inputHash: string;
  claimedAt: Date;
  owner: string;
  runId?: string;
  result?: string | null;
  remoteId?: string;
  via?: 'run' | 'lookup';
  committedAt?: Date;
  error?: EffectError;
  failedAt?: Date;
}

export interface EffectsLedgerOptions {
  /**
   * How long a claim protects a running attempt. After it, the attempt is presumed crashed and a new
   * one looks up and takes over. Must exceed the longest an operation can take (its HTTP timeout
   * and retries), or a slow attempt and its successor may both run.
   */
  readonly claimTimeoutMs?: number;
  /** Names this worker in claims, for diagnosis. */
  readonly owner?: string;
  readonly now?: Clock;
}

// Connector error kinds that prove the remote system did nothing. Only a validation refusal does:
// an auth, not-found or rate-limit error may come from a read that followed a write which went
// through (Fortnox's createinvoice is a PUT then a GET), so after those the next attempt looks up.
const REFUSED_KINDS: ReadonlySet<ConnectorErrorKind> = new Set(['validation']);
const NEVER_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
// A few rounds cover the races between reading the state and inserting a claim.
const MAX_CLAIM_ROUNDS = 5;

/**
 * Makes sure each side effect reaches the remote system once, although jobs run at least once.
 *
 * Every attempt is a document of its own, inserted against a unique (key, attempt) and afterwards
 * written only by the attempt that inserted it — so no two workers ever update one document, which
 * FerretDB does not do atomically. The first attempt's `_id` is the effect key; a takeover inserts
 * attempt n+1 (`<key>#<n+1>`), and of all workers that saw attempt n exactly one wins that insert.
 *
 * - no attempt yet → claim attempt 1 and run;
 * - any attempt committed → return its result, call nothing;
 * - newest attempt claimed and younger than the claim timeout → `InFlightError` (never run twice);
 * - newest attempt claimed but stale (its worker may have crashed after the remote call), or failed
 *   without knowing whether the remote system acted → claim the next attempt, `lookup` first and
 *   commit what it finds, else run;
 * - every earlier attempt failed with the remote system refusing it (validation) → claim the next
 *   attempt and run: a replay after a fix runs again.
 * - any earlier attempt may have reached the remote system → the next attempt looks up first.
 */
export class EffectsLedger {
  private readonly collection: Collection<EffectDocument>;
  private readonly claimTimeoutMs: number;
  private readonly owner: string;
  private readonly now: Clock;

  constructor(db: Db, options: EffectsLedgerOptions = {}) {
    this.collection = db.collection<EffectDocument>(COLLECTIONS.effects);
    this.claimTimeoutMs = options.claimTimeoutMs ?? 10 * 60_000;
    this.owner = options.owner ?? `pid-${process.pid}`;
    this.now = options.now ?? systemClock;
  }

  async perform<T>(effect: Effect, options: PerformOptions<T>): Promise<EffectOutcome<T>> {
    const key = effectKey(effect);
    const inputHash = hashInput(effect.input);
    for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
      const attempts = await this.attemptDocuments(key);
      const committed = attempts.find((attempt) => attempt.state === 'committed');
      if (committed && !(options.refreshOnInputChange === true && committed.inputHash !== inputHash)) {
        return outcome<T>(committed, 'ledger', committed.inputHash !== inputHash);
      }
      const latest = attempts[0];
      if (latest?.state === 'claimed' && this.now() - latest.claimedAt.getTime() < this.claimTimeoutMs) {
        throw new InFlightError(key, latest.attempt, latest.claimedAt);
      }
      // any earlier attempt that may have reached the remote side — a stale claim, or a failure of
      // unknown outcome, however many attempts ago — means: look up before writing again. Judging
      // only the newest attempt would let a failed lookup hide an earlier write that went through.
      // (for an effect performed again because its input changed: only what came after the commit)
      const lookupFirst = attempts
        .filter((attempt) => committed === undefined || attempt.attempt > committed.attempt)
        .some(
          (attempt) =>
            attempt.state === 'claimed' || (attempt.state === 'failed' && !attempt.error?.outcomeKnown),
        );
      const claim = this.newAttempt(effect, key, (latest?.attempt ?? 0) + 1, inputHash, options.runId);
      if (!(await insertIfAbsent(() => this.collection.insertOne(claim)))) continue;
      return this.execute(claim, lookupFirst, options);
    }
    const [latest] = await this.attemptDocuments(key);
    throw new InFlightError(key, latest?.attempt ?? 0, latest?.claimedAt ?? new Date(this.now()));
  }

  /** Every attempt at an effect, newest first. */
  async attempts(address: EffectAddress): Promise<EffectAttempt[]> {
    return (await this.attemptDocuments(effectKey(address))).map(toAttempt);
  }

  /** Every attempt at every step of one record, for the admin API and `koppla status`. */
  async forRecord(tenant: string, pipeline: string, recordKey: string): Promise<EffectAttempt[]> {
    const documents = await this.collection
      .find({ tenant, pipeline, recordKey })
      .sort({ step: 1, attempt: -1 })
      .toArray();
    return documents.map(toAttempt);
  }

  private async execute<T>(
    claim: EffectDocument,
    lookupFirst: boolean,
    options: PerformOptions<T>,
  ): Promise<EffectOutcome<T>> {
    let via: 'run' | 'lookup' = 'run';
    let result: T;
    try {
      const found = lookupFirst && options.lookup ? await options.lookup() : undefined;
      if (found !== undefined) {
        via = 'lookup';
        result = found;
      } else {
        result = await options.run();
      }
    } catch (error) {
      await this.fail(claim, error, options.secrets ?? []);
      throw error;
    }
    const remoteId = options.remoteIdOf?.(result);
    const committed: Partial<EffectDocument> = {
      state: 'committed',
      result: toStoredJson(result),
      via,
      committedAt: new Date(this.now()),
      ...(remoteId === undefined ? {} : { remoteId }),
    };
    // Only this attempt writes its own document. If this write fails, the claim stays and a later
    // attempt finds the object by lookup.
    await this.collection.updateOne({ _id: claim._id }, { $set: committed });
    return outcome<T>({ ...claim, ...committed }, via === 'lookup' ? 'lookup' : 'performed', false);
  }

  private async fail(claim: EffectDocument, error: unknown, secrets: readonly string[]): Promise<void> {
    const failure = describeFailure(error, secrets);
    await this.collection.updateOne(
      { _id: claim._id },
      { $set: { state: 'failed', error: failure, failedAt: new Date(this.now()) } },
    );
  }

  private newAttempt(
    effect: Effect,
    key: string,
    attempt: number,
    inputHash: string,
    runId: string | undefined,
  ): EffectDocument {
    return {
      _id: attemptId(key, attempt),
      key,
      attempt,
      state: 'claimed',
      tenant: effect.tenant,
      pipeline: effect.pipeline,
      recordKey: effect.recordKey,
      step: effect.step,
      operation: effect.operation,
      inputHash,
      claimedAt: new Date(this.now()),
      owner: this.owner,
      ...(runId === undefined ? {} : { runId }),
    };
  }

  private attemptDocuments(key: string): Promise<EffectDocument[]> {
    return this.collection.find({ key }).sort({ attempt: -1 }).toArray();
  }
}

function describeFailure(error: unknown, secrets: readonly string[]): EffectError {
  const message = redact(error instanceof Error ? error.message : String(error), secrets);
  if (!isConnectorError(error)) {
    return { message, kind: 'unknown', retryable: false, outcomeKnown: false };
  }
  const outcomeKnown =
    REFUSED_KINDS.has(error.kind) || (error.code !== undefined && NEVER_SENT_CODES.has(error.code));
  return {
    message,
    kind: error.kind,
    retryable: error.retryable,
    outcomeKnown,
    ...(error.code === undefined ? {} : { code: error.code }),
    ...(error.field === undefined ? {} : { field: error.field }),
  };
}

function outcome<T>(document: EffectDocument, source: EffectSource, inputChanged: boolean): EffectOutcome<T> {
  return {
    result: fromStoredJson(document.result) as T,
    source,
    attempt: document.attempt,
    inputChanged,
    ...(document.remoteId === undefined ? {} : { remoteId: document.remoteId }),
  };
}

function toAttempt(document: EffectDocument): EffectAttempt {
  const { _id, result, ...rest } = document;
  void _id;
  return result === undefined ? rest : { ...rest, result: fromStoredJson(result) };
}
