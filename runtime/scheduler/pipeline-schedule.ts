import type { Agenda, Job } from 'agenda';
import type { Collection, Db, MongoServerError } from 'mongodb';

/** The one Agenda job definition that runs pipelines; each (tenant, pipeline) gets its own job. */
export const PIPELINE_RUN_JOB = 'pipeline.run';

export interface PipelineRunJobData {
  readonly tenant: string;
  readonly pipeline: string;
  /** Set when a run is triggered by hand or by a webhook rather than by the schedule. */
  readonly trigger?: 'schedule' | 'manual' | 'event';
}

interface ScheduleClaim {
  _id: string;
  tenant: string;
  pipeline: string;
  claimedAt: Date;
}

export type PipelineRunHandler = (data: PipelineRunJobData, job: Job<PipelineRunJobData>) => Promise<void>;

const DUPLICATE_KEY = 11000;
/** A schedule claim this old without its job was abandoned by a worker that died while creating it. */
const ABANDONED_CLAIM_MS = 60_000;

/**
 * Schedules pipeline runs on Agenda: one repeating job per (tenant, pipeline), never a shared
 * `every()` name. Agenda's unique upsert is a conditional write, which is not exclusive on every
 * server Koppla supports (see docs/mongodb-compatibility.md), so the right to create a schedule is
 * first won by inserting a claim: when several workers boot at once, one creates the job and the
 * others find it.
 */
export class PipelineScheduler {
  readonly #claims: Collection<ScheduleClaim>;

  constructor(
    private readonly agenda: Agenda,
    db: Db,
  ) {
    this.#claims = db.collection<ScheduleClaim>('koppla_schedule_claims');
  }

  /** Registers the job handler; call before `agenda.start()`. */
  define(handler: PipelineRunHandler, options: { lockLifetimeMs?: number; concurrency?: number } = {}): void {
    this.agenda.define<PipelineRunJobData>(PIPELINE_RUN_JOB, (job) => handler(job.attrs.data, job), {
      lockLifetime: options.lockLifetimeMs ?? 10 * 60_000,
      concurrency: options.concurrency ?? 5,
    });
  }

  /** Makes sure (tenant, pipeline) runs every `everyMs`; safe to call from every worker at boot. */
  async ensureSchedule(tenant: string, pipeline: string, everyMs: number): Promise<void> {
    const key = scheduleKey(tenant, pipeline);
    try {
      await this.#claims.insertOne({ _id: key, tenant, pipeline, claimedAt: new Date() });
    } catch (error) {
      if ((error as MongoServerError).code !== DUPLICATE_KEY) throw error;
      // another worker owns the creation; only an interval change is ours to make
      await this.#updateInterval(tenant, pipeline, everyMs);
      return;
    }
    await this.#job({ tenant, pipeline, trigger: 'schedule' })
      .repeatEvery(everyMs, { skipImmediate: true })
      .save();
  }

  async unschedule(tenant: string, pipeline: string): Promise<void> {
    await this.agenda.cancel({ name: PIPELINE_RUN_JOB, data: { tenant, pipeline, trigger: 'schedule' } });
    await this.#claims.deleteOne({ _id: scheduleKey(tenant, pipeline) });
  }

  /** A run now, besides the schedule (admin "run now", or a webhook for this pipeline). */
  async runNow(tenant: string, pipeline: string, trigger: 'manual' | 'event' = 'manual'): Promise<void> {
    await this.agenda.now<PipelineRunJobData>(PIPELINE_RUN_JOB, { tenant, pipeline, trigger });
  }

  async #updateInterval(tenant: string, pipeline: string, everyMs: number): Promise<void> {
    const data: PipelineRunJobData = { tenant, pipeline, trigger: 'schedule' };
    const { jobs } = await this.agenda.queryJobs({ name: PIPELINE_RUN_JOB, data });
    const [existing] = jobs;
    if (jobs.length > 1) return;
    if (!existing) {
      // no job although the claim exists: its creator is still saving it (a worker booting beside
      // us), or died between claim and save. Only an old claim means the latter; then recreate the
      // job, or the schedule would be lost for good
      const claim = await this.#claims.findOne({ _id: scheduleKey(tenant, pipeline) });
      if (claim && Date.now() - claim.claimedAt.getTime() > ABANDONED_CLAIM_MS) {
        await this.#job(data).repeatEvery(everyMs, { skipImmediate: true }).save();
      }
      return;
    }
    // only an existing job is rewritten: the unique upsert then matches it and cannot insert a twin
    if (Number(existing.repeatInterval) === everyMs) return;
    await this.#job(data).repeatEvery(everyMs, { skipImmediate: true }).save();
  }

  #job(data: PipelineRunJobData): Job<PipelineRunJobData> {
    return this.agenda
      .create<PipelineRunJobData>(PIPELINE_RUN_JOB, data)
      .unique({ 'data.tenant': data.tenant, 'data.pipeline': data.pipeline, 'data.trigger': data.trigger });
  }
}

function scheduleKey(tenant: string, pipeline: string): string {
  return `${tenant}/${pipeline}`; // ids are [a-z0-9-]; no NUL: PostgreSQL (under FerretDB) rejects it in strings
}
