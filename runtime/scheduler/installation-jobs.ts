import type { Agenda, Job } from 'agenda';
import type { Collection, Db } from 'mongodb';
import { insertIfAbsent } from '../store/mongo-errors.ts';
import { whileTouched } from './keep-alive.ts';

interface InstallationJobClaim {
  _id: string;
  job: string;
  claimedAt: Date;
}

/** A schedule claim this old without its job was abandoned by a worker that died while creating it. */
const ABANDONED_CLAIM_MS = 60_000;

/**
 * Jobs that run once per interval for the whole installation, not per tenant (dead-letter alerts,
 * cleanup): one Agenda job per name, whichever worker locks it runs it. Like pipeline schedules, the
 * right to create a job is won by inserting a claim (Agenda's upsert is a conditional write, not
 * exclusive on FerretDB), and every run's lock is confirmed by the claim guard of `createAgenda`.
 */
export class InstallationJobs {
  readonly #claims: Collection<InstallationJobClaim>;

  constructor(
    private readonly agenda: Agenda,
    db: Db,
  ) {
    // the pipeline schedules' claims; their keys are `<tenant>/<pipeline>`, these `installation:<name>`
    this.#claims = db.collection<InstallationJobClaim>('koppla_schedule_claims');
  }

  /** Registers `name`'s handler; one run at a time per worker, its lock touched while it runs. */
  define(name: string, handler: (job: Job) => Promise<void>, options: { lockLifetimeMs: number }): void {
    this.agenda.define(name, (job) => whileTouched(job, options.lockLifetimeMs, () => handler(job)), {
      lockLifetime: options.lockLifetimeMs,
      concurrency: 1,
    });
  }

  /** Makes sure `name` runs every `everyMs`; safe to call from every worker at boot. */
  async ensure(name: string, everyMs: number): Promise<void> {
    const _id = `installation:${name}`;
    if (await insertIfAbsent(() => this.#claims.insertOne({ _id, job: name, claimedAt: new Date() }))) {
      await this.#save(name, everyMs);
      return;
    }
    const { jobs } = await this.agenda.queryJobs({ name });
    const [existing] = jobs;
    if (jobs.length > 1) return;
    if (!existing) {
      // the creator is still saving it, or died between claim and save: only then recreate it
      const claim = await this.#claims.findOne({ _id });
      if (claim && Date.now() - claim.claimedAt.getTime() > ABANDONED_CLAIM_MS)
        await this.#save(name, everyMs);
      return;
    }
    // an existing job is rewritten in place: the unique upsert matches it and cannot insert a twin
    if (Number(existing.repeatInterval) !== everyMs) await this.#save(name, everyMs);
  }

  async #save(name: string, everyMs: number): Promise<void> {
    await this.agenda.create(name, {}).repeatEvery(everyMs, { skipImmediate: true }).unique({ name }).save();
  }
}
