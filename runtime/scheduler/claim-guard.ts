import type { Collection, MongoServerError } from 'mongodb';
import type { JobParameters, JobRepository } from 'agenda';

export interface JobClaim {
  _id: string;
  jobId: string;
  claimedAt: Date;
  by: string | null;
}

const DUPLICATE_KEY = 11000;
/** Claims older than this are deleted now and then; they only matter while a run is young. */
const CLAIM_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * Agenda locks a job with a conditional `findOneAndUpdate`. On MongoDB that is atomic; on FerretDB
 * 1.24 it is not (two workers both "lock" the same job — see test/integration/mongo-compat.test.ts).
 * An insert against a unique key is atomic on both, so every lock is confirmed by inserting a claim
 * keyed by the job and the run it is about to start. The worker that loses the insert behaves as if
 * the lock had failed.
 *
 * The key is (job id, nextRunAt, lastRunAt): every new run of a job changes one of them, and all
 * workers that race for the same run compute the same key. A claim older than the lock lifetime is
 * stale (its worker died before it could record the run) and may be replaced, like an expired lock.
 */
export function guardJobClaims(
  inner: JobRepository,
  claims: Collection<JobClaim>,
  lockLifetimeMs: number,
): JobRepository {
  const confirm = claimConfirmer(claims, lockLifetimeMs);
  const guarded: Pick<JobRepository, 'getNextJobToRun' | 'lockJob'> = {
    async getNextJobToRun(jobName, nextScanAt, lockDeadline, now, options) {
      const job = await inner.getNextJobToRun(jobName, nextScanAt, lockDeadline, now, options);
      return confirm(job, options?.lastModifiedBy);
    },
    async lockJob(job, options) {
      return confirm(await inner.lockJob(job, options), options?.lastModifiedBy);
    },
  };

  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'getNextJobToRun' || property === 'lockJob') return guarded[property];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Confirms a lock Agenda believes it holds; resolves the job, or undefined when another worker has it. */
export type ConfirmClaim = (
  job: JobParameters | undefined,
  by: string | undefined,
) => Promise<JobParameters | undefined>;

/** The claim insert behind `guardJobClaims`, for other lock paths (runtime/scheduler/due-index.ts). */
export function claimConfirmer(claims: Collection<JobClaim>, lockLifetimeMs: number): ConfirmClaim {
  let claimsSinceCleanup = 0;

  return async function confirm(job, by) {
    if (!job?._id) return job;
    const jobId = String(job._id);
    const key = `${jobId}:${job.nextRunAt?.getTime() ?? 'none'}:${job.lastRunAt?.getTime() ?? 'never'}`;
    const now = new Date();
    const claim = async () => {
      try {
        await claims.insertOne({ _id: key, jobId, claimedAt: now, by: by ?? null });
        return true;
      } catch (error) {
        if ((error as MongoServerError).code === DUPLICATE_KEY) return false;
        throw error;
      }
    };
    // insert first: the common case costs one write; only a lost insert asks whether the claim is stale
    if (!(await claim())) {
      const stale = await claims.deleteOne({
        _id: key,
        claimedAt: { $lte: new Date(now.getTime() - lockLifetimeMs) },
      });
      if (stale.deletedCount === 0 || !(await claim())) return undefined;
    }
    if (++claimsSinceCleanup >= 1000) {
      claimsSinceCleanup = 0;
      await claims.deleteMany({ claimedAt: { $lt: new Date(now.getTime() - CLAIM_RETENTION_MS) } });
    }
    return job;
  };
}
