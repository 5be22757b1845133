import { createHash } from 'node:crypto';
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
}

interface ScheduleClaim {
  _id: string;
  tenant: string;
  pipeline: string;
  claimedAt: Date;
}

export type PipelineRunHandler = (data: PipelineRunJobData, job: Job<PipelineRunJobData>) => Promise<void>;

/** A schedule claim this old without its job was abandoned by a worker that died while creating it. */
const ABANDONED_CLAIM_MS = 60_000;
const REFRESH_SCHEDULES_MS = 2_000;

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
  #known: { at: number; jobs: Map<string, KnownSchedule> } | undefined;

  constructor(
    private readonly agenda: Agenda,
    db: Db,
  ) {
    this.#claims = db.collection<ScheduleClaim>('koppla_schedule_claims');
  }

  /**
   * Registers the job handler; call before `agenda.start()`. The job's lock is touched while the
   * handler runs, so `lockLifetimeMs` bounds how long a dead worker's job waits, not how long a run
   * may take.
   */
  define(
    handler: PipelineRunHandler,
    options: { lockLifetimeMs?: number; concurrency?: number; lockLimit?: number } = {},
  ): void {
    const lockLifetime = options.lockLifetimeMs ?? 10 * 60_000;
    // runs mostly wait on remote services and the database: ten at once keep one core busy
    const concurrency = options.concurrency ?? 10;
    this.agenda.define<PipelineRunJobData>(
      PIPELINE_RUN_JOB,
      (job) => whileTouched(job, lockLifetime, () => handler(job.attrs.data, job)),
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

  /** A run now, besides the schedule (admin "run now", or a webhook for this pipeline). */
  async runNow(
    tenant: string,
    pipeline: string,
    trigger: 'manual' | 'event' = 'manual',
    correlationId?: string,
  ): Promise<void> {
    await this.agenda.now<PipelineRunJobData>(PIPELINE_RUN_JOB, {
      tenant,
      pipeline,
      trigger,
      ...(correlationId === undefined ? {} : { correlationId }),
    });
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
