import type { Job } from 'agenda';

/**
 * Runs `work` while touching the job's lock every third of its lifetime, so Agenda neither cancels a
 * long run nor lets another worker lock the job again; a worker that dies stops touching, and its
 * job is picked up once the lock lifetime has passed.
 *
 * Every touch has settled before this resolves: a touch landing after Agenda's final save would
 * leave the finished job locked, delaying its next run by a lock lifetime.
 */
export async function whileTouched<T>(job: Job, lockLifetimeMs: number, work: () => Promise<T>): Promise<T> {
  let touching: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      // a failed touch (database blip, job cancelled) is not the run's failure: the run lease still
      // keeps it exclusive, and the next touch may succeed
      touching = touching.then(() => job.touch().catch(() => undefined));
    },
    Math.max(10, Math.floor(lockLifetimeMs / 3)),
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await touching;
  }
}
