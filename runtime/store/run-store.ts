import { randomUUID } from 'node:crypto';
import type { Collection, Db, Filter } from 'mongodb';
import { systemClock, type Clock } from './clock.ts';
import { COLLECTIONS } from './collections.ts';
import { fromStoredJson, toStoredJson } from './stored-json.ts';

export type RunTrigger = 'schedule' | 'webhook' | 'manual' | 'replay';
export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

export interface RunCounts {
  readonly read: number;
  readonly processed: number;
  readonly skipped: number;
  readonly failed: number;
  /** Records not run because they failed for good before and are unchanged since; absent when none. */
  readonly parked?: number;
}

export interface RunErrorSummary {
  readonly message: string;
  readonly kind?: string;
}

export interface Run {
  readonly id: string;
  readonly tenant: string;
  readonly pipeline: string;
  readonly trigger: RunTrigger;
  readonly status: RunStatus;
  readonly startedAt: Date;
  readonly finishedAt?: Date;
  readonly durationMs?: number;
  readonly counts: RunCounts;
  readonly error?: RunErrorSummary;
  /** Rule traces of a few records, for `koppla status` and the admin API; capped. */
  readonly traces?: readonly unknown[];
  /** Per connection: HTTP requests, operation calls, pages read and time spent (`RunTraceCollector`). */
  readonly calls?: Readonly<Record<string, RunConnectionCalls>>;
}

export interface RunConnectionCalls {
  readonly requests: number;
  readonly operations: number;
  readonly pages: number;
  readonly ms: number;
}

export interface StartRun {
  readonly tenant: string;
  readonly pipeline: string;
  readonly trigger: RunTrigger;
  /** Defaults to a random UUID. */
  readonly id?: string;
}

export interface FinishRun {
  readonly status: Exclude<RunStatus, 'running'>;
  readonly counts: RunCounts;
  readonly error?: RunErrorSummary;
  readonly traces?: readonly unknown[];
  readonly calls?: Readonly<Record<string, RunConnectionCalls>>;
}

interface RunDocument {
  _id: string;
  tenant: string;
  pipeline: string;
  trigger: RunTrigger;
  status: RunStatus;
  startedAt: Date;
  finishedAt?: Date;
  durationMs?: number;
  counts: RunCounts;
  error?: RunErrorSummary;
  traces?: string;
  calls?: Record<string, RunConnectionCalls>;
}

export const MAX_RUN_TRACES = 20;
const ZERO_COUNTS: RunCounts = { read: 0, processed: 0, skipped: 0, failed: 0 };

/**
 * One document per pipeline run. Only the run's owner writes it and it sets counts rather than
 * incrementing them: concurrent `$inc`s on one document lose updates on FerretDB, so a run adds up
 * its records itself and reports totals.
 */
export class RunStore {
  private readonly collection: Collection<RunDocument>;
  private readonly now: Clock;

  constructor(db: Db, options: { readonly now?: Clock } = {}) {
    this.collection = db.collection<RunDocument>(COLLECTIONS.runs);
    this.now = options.now ?? systemClock;
  }

  async start(run: StartRun): Promise<Run> {
    const document: RunDocument = {
      _id: run.id ?? randomUUID(),
      tenant: run.tenant,
      pipeline: run.pipeline,
      trigger: run.trigger,
      status: 'running',
      startedAt: new Date(this.now()),
      counts: ZERO_COUNTS,
    };
    await this.collection.insertOne(document);
    return toRun(document);
  }

  /** Progress of a long run, so `status` shows it before the run ends. */
  async updateCounts(id: string, counts: RunCounts): Promise<void> {
    await this.collection.updateOne({ _id: id }, { $set: { counts: { ...counts } } });
  }

  async finish(id: string, result: FinishRun): Promise<Run> {
    const run = await this.collection.findOne({ _id: id });
    if (!run) throw new Error(`run ${id} does not exist`);
    const finishedAt = new Date(this.now());
    const update: Partial<RunDocument> = {
      status: result.status,
      finishedAt,
      durationMs: finishedAt.getTime() - run.startedAt.getTime(),
      counts: { ...result.counts },
      ...(result.error ? { error: { ...result.error } } : {}),
      // the last records' traces: a run that fails late shows the records that led there
      ...(result.traces ? { traces: toStoredJson(result.traces.slice(-MAX_RUN_TRACES)) ?? undefined } : {}),
      ...(result.calls ? { calls: { ...result.calls } } : {}),
    };
    await this.collection.updateOne({ _id: id }, { $set: update });
    return toRun({ ...run, ...update });
  }

  async get(id: string): Promise<Run | undefined> {
    const found = await this.collection.findOne({ _id: id });
    return found ? toRun(found) : undefined;
  }

  /** Runs of a tenant (optionally one pipeline), newest first. */
  async list(query: {
    readonly tenant: string;
    readonly pipeline?: string;
    readonly status?: RunStatus;
    readonly limit?: number;
  }): Promise<Run[]> {
    const filter: Filter<RunDocument> = { tenant: query.tenant };
    if (query.pipeline !== undefined) filter.pipeline = query.pipeline;
    if (query.status !== undefined) filter.status = query.status;
    const documents = await this.collection
      .find(filter)
      .sort({ startedAt: -1, _id: -1 })
      .limit(query.limit ?? 50)
      .toArray();
    return documents.map(toRun);
  }

  /** Deletes finished runs that started before `before`; our own retention, since TTL indexes are out. */
  async deleteFinishedBefore(before: Date): Promise<number> {
    const result = await this.collection.deleteMany({
      startedAt: { $lt: before },
      status: { $ne: 'running' },
    });
    return result.deletedCount;
  }

  /**
   * Keeps at most `keep` finished runs per (tenant, pipeline), deleting the oldest beyond that; our
   * own retention, since TTL indexes are out. Returns how many were deleted.
   */
  async pruneBeyond(keep: number): Promise<number> {
    if (!Number.isInteger(keep) || keep < 1)
      throw new RangeError(`keep must be a positive integer, not ${keep}`);
    // one accumulator per $group: FerretDB computes only the first of several
    const groups = await this.collection
      .aggregate<{ _id: { tenant: string; pipeline: string }; runs: number }>([
        { $group: { _id: { tenant: '$tenant', pipeline: '$pipeline' }, runs: { $sum: 1 } } },
      ])
      .toArray();
    let deleted = 0;
    for (const { _id: key, runs } of groups) {
      if (runs <= keep) continue;
      const [oldestKept] = await this.collection
        .find({ tenant: key.tenant, pipeline: key.pipeline }, { projection: { startedAt: 1 } })
        .sort({ startedAt: -1, _id: -1 })
        .skip(keep - 1)
        .limit(1)
        .toArray();
      if (!oldestKept) continue;
      const result = await this.collection.deleteMany({
        tenant: key.tenant,
        pipeline: key.pipeline,
        startedAt: { $lt: oldestKept.startedAt },
        status: { $ne: 'running' },
      });
      deleted += result.deletedCount;
    }
    return deleted;
  }

  /** Runs still `running` that started before `before`: candidates for `abandon`. */
  async runningSince(before: Date, limit = 1000): Promise<Run[]> {
    const documents = await this.collection
      .find({ status: 'running', startedAt: { $lt: before } })
      .limit(limit)
      .toArray();
    return documents.map(toRun);
  }

  /**
   * Marks a run whose worker died (its run lease ran out) as failed, so `status` stops showing it as
   * running. Call it only when no one holds the run's lease: then no one else writes this document.
   */
  async abandon(id: string, message: string): Promise<void> {
    const run = await this.collection.findOne({ _id: id, status: 'running' });
    if (!run) return;
    const finishedAt = new Date(this.now());
    await this.collection.updateOne(
      { _id: id, status: 'running' },
      {
        $set: {
          status: 'failed',
          finishedAt,
          durationMs: finishedAt.getTime() - run.startedAt.getTime(),
          error: { message, kind: 'abandoned' },
        },
      },
    );
  }
}

function toRun(document: RunDocument): Run {
  const { _id, traces, ...rest } = document;
  const run: Run = { id: _id, ...rest };
  return traces === undefined ? run : { ...run, traces: fromStoredJson(traces) as unknown[] };
}
