import { createHash, randomUUID } from 'node:crypto';
import type { Agenda, Job, JobId } from 'agenda';
import type { Collection, Db } from 'mongodb';
import { insertIfAbsent } from '../store/mongo-errors.ts';
import { whileTouched } from './keep-alive.ts';

/** The one Agenda job definition that runs pipelines; each (tenant, pipeline) gets its own job. */
export const PIPELINE_RUN_JOB = 'pipeline.run';

export interface PipelineRunJobData {
  readonly tenant: string;
  readonly pipeline: string;
  /** Set when a run is triggered by hand or by a webhook rather than by the schedule. */
  readonly trigger?: 'schedule' | 'manual' | 'event';
  /** What started it (a webhook delivery): every log line of the run carries it as `correlationId`. */
  readonly correlationId?: string;
  /** An event run: names the pending-run claim the run removes as it starts (see `runNow`). */
  readonly pendingToken?: string;
}

/** What became of a `runNow`. */
export interface QueuedRun {
  /** An event run already pending covers this one: no job was added. */
  readonly coalesced: boolean;
  /** When coalesced: the correlation id of the pending run that covers it, if it has one. */
  readonly correlationId?: string;
}

/** The handler's answer: `busy` when another run of the pipeline holds its lease, so it did not run. */
export type PipelineRunResult = 'done' | 'busy';

interface ScheduleClaim {
  _id: string;
  tenant: string;
  pipeline: string;
  claimedAt: Date;
}

export type PipelineRunHandler = (
  data: PipelineRunJobData,
  job: Job<PipelineRunJobData>,
) => Promise<PipelineRunResult | void>;

/** Whether another run of the pipeline is going now (its run lease is taken). */
export type PipelineBusy = (data: PipelineRunJobData) => Promise<boolean>;

/**
 * The one event run of (tenant, pipeline) that is queued and not yet started, keyed like schedule
 * claims. `token` is in the job's data; `jobId` is set once the job is saved (or when a busy job is
 * queued again). The job removes it when its run really starts, not while it waits for another.
 */
interface PendingEventRun {
  _id: string;
  token: string;
  jobId?: string;
  correlationId?: string;
  at: Date;
}

/** A schedule claim this old without its job was abandoned by a worker that died while creating it. */
const ABANDONED_CLAIM_MS = 60_000;
const REFRESH_SCHEDULES_MS = 2_000;
/** An event run that found the pipeline running waits this long before it tries again. */
const BUSY_RETRY_MS = 5_000;

interface KnownSchedule {
  readonly id: JobId;
  everyMs: number;
}

/**
 * Schedules pipeline runs on Agenda: one repeating job per (tenant, pipeline), never a shared
 * `every()` name. Agenda's unique upsert is a conditional write, which is not exclusive on every
 * server Koppla supports (see docs/mongodb-compatibility.md), so the right to create a schedule is
 * first won by inserting a claim: when several workers boot at once, one creates the job and the
 * others find it.
 */
export class PipelineScheduler {
  readonly #claims: Collection<ScheduleClaim>;
  readonly #pendingEvents: Collection<PendingEventRun>;
  #busyRetryMs = BUSY_RETRY_MS;
  #busy: PipelineBusy | undefined;
  #known: { at: number; jobs: Map<string, KnownSchedule> } | undefined;

  constructor(
    private readonly agenda: Agenda,
    db: Db,
  ) {
    this.#claims = db.collection<ScheduleClaim>('koppla_schedule_claims');
    this.#pendingEvents = db.collection<PendingEventRun>('koppla_pending_event_runs');
  }

  /**
   * Registers the job handler; call before `agenda.start()`. The job's lock is touched while the
   * handler runs, so `lockLifetimeMs` bounds how long a dead worker's job waits, not how long a run
   * may take. An event run that finds another run going (`busy`, or the handler answering `busy`)
   * waits `busyRetryMs` and tries again, still the pending run, so a change made during the run it
   * met is read after that run.
   */
  define(
    handler: PipelineRunHandler,
    options: {
      lockLifetimeMs?: number;
      concurrency?: number;
      lockLimit?: number;
      busy?: PipelineBusy;
      busyRetryMs?: number;
    } = {},
  ): void {
    const lockLifetime = options.lockLifetimeMs ?? 10 * 60_000;
    this.#busy = options.busy;
    this.#busyRetryMs = options.busyRetryMs ?? BUSY_RETRY_MS;
    // runs mostly wait on remote services and the database: ten at once keep one core busy
    const concurrency = options.concurrency ?? 10;
    this.agenda.define<PipelineRunJobData>(
      PIPELINE_RUN_JOB,
      (job) => whileTouched(job, lockLifetime, () => this.#run(handler, job)),
      {
        lockLifetime,
        concurrency,
        // Agenda locks every due job before it runs any: after downtime thousands would wait, locked,
        // while the queue is filled (and outlive their lock). Enough for one scan interval instead.
        lockLimit: options.lockLimit ?? concurrency * 20,
      },
    );
  }

  /**
   * Makes sure (tenant, pipeline) runs every `everyMs`; safe to call from every worker at boot. The
   * schedules that exist are read once (and again, at most every few seconds, when one is missing),
   * not looked up one by one: FerretDB reads every job for a lookup by data, so a thousand tenants
   * would take minutes to boot.
   */
  async ensureSchedule(tenant: string, pipeline: string, everyMs: number): Promise<void> {
    const key = scheduleKey(tenant, pipeline);
    const data: PipelineRunJobData = { tenant, pipeline, trigger: 'schedule' };
    let existing = (await this.#schedules(false)).get(key);
    if (!existing) {
      if (
        await insertIfAbsent(() =>
          this.#claims.insertOne({ _id: key, tenant, pipeline, claimedAt: new Date() }),
        )
      ) {
        // the claim is ours: no other worker creates this job, so a plain insert cannot make a twin
        const saved = await this.#repeating(data, everyMs, false).save();
        if (saved.attrs._id) this.#known?.jobs.set(key, { id: saved.attrs._id, everyMs });
        return;
      }
      // another worker owns the creation; only an interval change is ours to make
      existing = (await this.#schedules(true)).get(key);
    }
    if (!existing) {
      // no job although the claim exists: its creator is still saving it (a worker booting beside
      // us), or died between claim and save. Only an old claim means the latter; then recreate the
      // job (by a unique upsert, in case another worker does the same), or the schedule is lost
      const claim = await this.#claims.findOne({ _id: key });
      if (claim && Date.now() - claim.claimedAt.getTime() > ABANDONED_CLAIM_MS) {
        await this.#repeating(data, everyMs, true).save();
      }
      return;
    }
    if (existing.everyMs === everyMs) return;
    // rewritten in place, by id
    const job = this.#repeating(data, everyMs, false);
    job.attrs._id = existing.id;
    await job.save();
    existing.everyMs = everyMs;
  }

  /** `ensureSchedule` for many, a few at a time: a worker with a thousand tenants boots in seconds. */
  async ensureSchedules(
    entries: readonly { readonly tenant: string; readonly pipeline: string; readonly everyMs: number }[],
    concurrency = 8,
  ): Promise<void> {
    await this.#schedules(false);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, entries.length) }, async () => {
        for (let entry = entries[next++]; entry; entry = entries[next++]) {
          await this.ensureSchedule(entry.tenant, entry.pipeline, entry.everyMs);
        }
      }),
    );
  }

  async unschedule(tenant: string, pipeline: string): Promise<void> {
    const key = scheduleKey(tenant, pipeline);
    // forget the job first: a cached entry would make a later ensureSchedule believe the (cancelled)
    // job still exists and never recreate it
    this.#known?.jobs.delete(key);
    await this.agenda.cancel({ name: PIPELINE_RUN_JOB, data: { tenant, pipeline, trigger: 'schedule' } });
    await this.#claims.deleteOne({ _id: key });
  }

  /**
   * A run now, besides the schedule (admin "run now", or a webhook for this pipeline). A manual run
   * is always a job of its own. Event runs coalesce: a run reads the pipeline's whole cursor window,
   * so while one event run is queued and not yet started, further events add nothing (a burst of 90
   * webhooks made 90 full runs). Once it has started, the next event queues one more run, which
   * reads what changed during the first.
   *
   * Which event run is pending is decided by inserting a claim keyed by (tenant, pipeline): inserts
   * are exclusive on every server Koppla supports, conditional updates and upserts are not (FerretDB),
   * and Agenda's unique upsert would also match one-off jobs that have already run (they are kept,
   * with no `nextRunAt`). A claim whose job has started, is gone, or was never saved is replaced.
   * Two workers replacing the same claim at once may both queue a run: harmless, as runs of one
   * pipeline are serialized by the run lease and idempotent.
   */
  async runNow(
    tenant: string,
    pipeline: string,
    trigger: 'manual' | 'event' = 'manual',
    correlationId?: string,
  ): Promise<QueuedRun> {
    if (trigger === 'event') return this.#queueEventRun(tenant, pipeline, correlationId);
    await this.agenda.now<PipelineRunJobData>(PIPELINE_RUN_JOB, {
      tenant,
      pipeline,
      trigger,
      ...(correlationId === undefined ? {} : { correlationId }),
    });
    return { coalesced: false };
  }

  async #run(handler: PipelineRunHandler, job: Job<PipelineRunJobData>): Promise<void> {
    const data = job.attrs.data;
    if (data.trigger !== 'event') {
      await handler(data, job);
      return;
    }
    const ours = {
      _id: scheduleKey(data.tenant, data.pipeline),
      $or: [{ token: data.pendingToken ?? '' }, { jobId: String(job.attrs._id) }],
    };
    // another run is going and may have read before the change this event announced: wait for it,
    // still the pending run (its claim kept), so events meanwhile add nothing
    if (this.#busy && (await this.#busy(data))) {
      if (await this.#pendingEvents.findOne(ours)) this.#later(job);
      else await this.#queueEventRun(data.tenant, data.pipeline, data.correlationId, job);
      return;
    }
    // from here on an event queues another run: this one may read before its change. Should the
    // removal fail, the claim is replaced once this job has finished (see #stillPending)
    await this.#pendingEvents.deleteOne(ours).catch(() => undefined);
    if ((await handler(data, job)) !== 'busy') return;
    // the lease was taken between the check and the run: queue again, unless another is pending
    await this.#queueEventRun(data.tenant, data.pipeline, data.correlationId, job);
  }

  /** Runs `job` again later: Agenda saves the new `nextRunAt` as the job finishes (kept, not a new job). */
  #later(job: Job<PipelineRunJobData>): void {
    job.attrs.nextRunAt = new Date(Date.now() + this.#busyRetryMs);
  }

  /** Queues an event run unless one is pending; `again` is a job of this name that answered busy. */
  async #queueEventRun(
    tenant: string,
    pipeline: string,
    correlationId: string | undefined,
    again?: Job<PipelineRunJobData>,
  ): Promise<QueuedRun> {
    const key = scheduleKey(tenant, pipeline);
    // two rounds: one to replace a stale claim; losing the second means another worker just queued
    for (let round = 0; round < 2; round++) {
      const token = randomUUID();
      const claim: PendingEventRun = {
        _id: key,
        token,
        at: new Date(),
        ...(again ? { jobId: String(again.attrs._id) } : {}),
        ...(correlationId === undefined ? {} : { correlationId }),
      };
      if (await insertIfAbsent(() => this.#pendingEvents.insertOne(claim))) {
        if (again) {
          this.#later(again);
          return { coalesced: false };
        }
        try {
          const job = await this.agenda.now<PipelineRunJobData>(PIPELINE_RUN_JOB, {
            tenant,
            pipeline,
            trigger: 'event',
            pendingToken: token,
            ...(correlationId === undefined ? {} : { correlationId }),
          });
          // the job may have started already: then the update finds nothing, which is right
          await this.#pendingEvents.updateOne(
            { _id: key, token },
            { $set: { jobId: String(job.attrs._id) } },
          );
        } catch (error) {
          await this.#pendingEvents.deleteOne({ _id: key, token }).catch(() => undefined);
          throw error;
        }
        return { coalesced: false };
      }
      const pending = await this.#pendingEvents.findOne({ _id: key });
      if (!pending) continue; // its run started just now
      if (await this.#stillPending(pending)) {
        return {
          coalesced: true,
          ...(pending.correlationId === undefined ? {} : { correlationId: pending.correlationId }),
        };
      }
      await this.#pendingEvents.deleteOne({ _id: key, token: pending.token });
    }
    return { coalesced: true };
  }

  /**
   * Whether a claim's job is still to start. It is while due (`nextRunAt`) or locked: a locked job
   * whose claim is still there has not begun its run (it waits for another run, or is about to remove
   * the claim and read). A job neither due nor locked has run (one-off jobs lose `nextRunAt` then).
   */
  async #stillPending(pending: PendingEventRun): Promise<boolean> {
    // no job yet: its creator is saving it, unless the claim is old (the creator died)
    if (pending.jobId === undefined) return Date.now() - pending.at.getTime() < ABANDONED_CLAIM_MS;
    const { jobs } = await this.agenda.queryJobs({ name: PIPELINE_RUN_JOB, id: pending.jobId });
    return jobs.some((job) => job.nextRunAt != null || job.lockedAt != null);
  }

  /** The schedule jobs by key, as last read; `refresh` reads them again unless that was just done. */
  async #schedules(refresh: boolean): Promise<Map<string, KnownSchedule>> {
    if (this.#known && !(refresh && Date.now() - this.#known.at > REFRESH_SCHEDULES_MS))
      return this.#known.jobs;
    const at = Date.now();
    const { jobs } = await this.agenda.queryJobs({ name: PIPELINE_RUN_JOB });
    const known = new Map<string, KnownSchedule>();
    for (const job of jobs) {
      const data = job.data as PipelineRunJobData | undefined;
      if (!job._id || data?.trigger !== 'schedule') continue;
      known.set(scheduleKey(data.tenant, data.pipeline), {
        id: job._id,
        everyMs: Number(job.repeatInterval),
      });
    }
    this.#known = { at, jobs: known };
    return known;
  }

  /**
   * Every `everyMs`, first at a phase of its own within the first interval: schedules made together
   * (a thousand tenants at one boot) would otherwise all fall due at once, every interval, since
   * Agenda counts each next run from the previous start. The phase is a hash of (tenant, pipeline),
   * so it is the same whichever worker creates the job.
   */
  #repeating(data: PipelineRunJobData, everyMs: number, unique: boolean): Job<PipelineRunJobData> {
    const hash = createHash('sha256')
      .update(scheduleKey(data.tenant, data.pipeline))
      .digest()
      .readUInt32BE(0);
    const phase = Math.floor((hash / 2 ** 32) * everyMs);
    const job = this.agenda
      .create<PipelineRunJobData>(PIPELINE_RUN_JOB, data)
      .repeatEvery(everyMs, { skipImmediate: true })
      .schedule(new Date(Date.now() + phase));
    return unique
      ? job.unique({
          'data.tenant': data.tenant,
          'data.pipeline': data.pipeline,
          'data.trigger': data.trigger,
        })
      : job;
  }
}

function scheduleKey(tenant: string, pipeline: string): string {
  return `${tenant}/${pipeline}`; // ids are [a-z0-9-]; no NUL: PostgreSQL (under FerretDB) rejects it in strings
}
