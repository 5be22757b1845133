import { Agenda, type AgendaBackend, type JobRepository } from 'agenda';
import { MongoBackend } from '@agendajs/mongo-backend';
import type { Db } from 'mongodb';
import { claimConfirmer, guardJobClaims, type JobClaim } from './claim-guard.ts';
import { indexDueJobs } from './due-index.ts';

export interface SchedulerOptions {
  db: Db;
  /** Agenda's job collection; claims go to `<collection>_claims`. */
  collection?: string;
  /** Identifies this worker in job documents (lastModifiedBy). */
  workerName: string;
  /** How often to look for due jobs, in ms. Numbers only: Agenda's human-interval misreads "100 milliseconds". */
  processEveryMs?: number;
  /** After this many ms a locked job whose worker went silent is run again. */
  lockLifetimeMs?: number;
  /** Jobs of all kinds this worker runs at once; default 20. */
  maxConcurrency?: number;
  /** Told Agenda's errors (the database failing while it looks for or locks due jobs). */
  onError?: (error: Error) => void;
}

/**
 * Agenda on MongoDB whose job locks hold on every server Koppla supports, FerretDB included (every
 * lock confirmed by a claim), and which finds due jobs by equality lookups FerretDB can serve from
 * its backend rather than by reading every job (runtime/scheduler/due-index.ts).
 */
export function createAgenda(options: SchedulerOptions): Agenda {
  const collection = options.collection ?? 'agendaJobs';
  const lockLifetimeMs = options.lockLifetimeMs ?? 10 * 60 * 1000;
  const mongo = new MongoBackend({ mongo: options.db, collection });
  const claims = options.db.collection<JobClaim>(`${collection}_claims`);
  const guarded = guardJobClaims(mongo.repository, claims, lockLifetimeMs);
  // due jobs are found by bucket, not by Agenda's range query (a full read on FerretDB)
  const repository = indexDueJobs(guarded, {
    jobs: options.db.collection(collection),
    lockJob: (job, lockOptions) => mongo.repository.lockJob(job, lockOptions),
    confirm: claimConfirmer(claims, lockLifetimeMs),
  });
  const backend: AgendaBackend = {
    name: 'MongoDB (claim-guarded)',
    repository: repository satisfies JobRepository,
    logger: mongo.logger,
    ownsConnection: false,
    connect: () => mongo.connect(),
    disconnect: () => mongo.disconnect(),
  };
  const agenda = new Agenda({
    backend,
    name: options.workerName,
    processEvery: options.processEveryMs ?? 5_000,
    defaultLockLifetime: lockLifetimeMs,
    maxConcurrency: options.maxConcurrency ?? 20,
  });
  // Agenda emits 'error' when the database fails under it (a dropped connection while it fills its
  // queue); an EventEmitter with no 'error' listener throws, which killed the whole worker. Agenda
  // itself tries again on its next tick.
  agenda.on('error', (error: Error) => options.onError?.(error));
  return agenda;
}
