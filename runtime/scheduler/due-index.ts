import { ObjectId, type Collection, type Document } from 'mongodb';
import type { JobParameters, JobRepository } from 'agenda';
import type { ConfirmClaim } from './claim-guard.ts';

/** Field Koppla adds to Agenda's job documents: the 10-second bucket of `nextRunAt`, or null. */
export const DUE_BUCKET_FIELD = 'kopplaDue';
const BUCKET_MS = 10_000;
/** Each pass looks this far behind the previous one again (clock skew, jobs written just late). */
const MARGIN_MS = 20_000;
/** How often a pass reads every job of its name: what the buckets cannot show (below). */
const FULL_SCAN_MS = 60_000;
const MAX_REMEMBERED = 50_000;

interface Candidate {
  _id: ObjectId;
  name: string;
  nextRunAt: Date;
}

interface NameState {
  candidates: Candidate[];
  /** A pass: the calls of one queue fill, from the first to the one that finds nothing. */
  open: boolean;
  lastPassAt: number | undefined;
  lastFullScanAt: number;
  /** A lock whose worker went silent was seen: the next calls use Agenda's own query for it. */
  expiredLocks: boolean;
  /** Calls for one name are serialized: Agenda may start a fill before the last one ended. */
  queue: Promise<unknown>;
}

export interface DueIndexOptions {
  /** Agenda's job collection. */
  readonly jobs: Collection<Document>;
  /** Agenda's conditional lock of one job by id (cheap: an `_id` lookup). */
  readonly lockJob: JobRepository['lockJob'];
  /** Confirms a lock with its unique-key claim (the claim guard's). */
  readonly confirm: ConfirmClaim;
}

/**
 * Finds due jobs without Agenda's lock query, which FerretDB 1.24 answers by reading every job of
 * the name: it pushes only equality filters down to its backend, not ranges or sorts (with 4 000
 * schedules one lock took 0.6 s — a worker could start under two runs a second). So every job
 * document also carries `kopplaDue`, the 10-second bucket of its `nextRunAt`, written after each
 * save; a pass reads the few buckets up to the scan horizon by equality, then locks candidates one
 * by one by id and confirms each with its claim. Once a minute a pass reads all jobs of the name
 * instead, for what the buckets cannot show: jobs overdue for longer than the margin (a worker was
 * down or behind), jobs saved before the field existed, and locks whose worker died — those go
 * through Agenda's own query, which handles expired locks.
 *
 * On MongoDB the buckets are merely another correct way to find the same jobs.
 */
export function indexDueJobs(inner: JobRepository, options: DueIndexOptions): JobRepository {
  const states = new Map<string, NameState>();
  const written = new Map<string, number | null>();

  const stateOf = (name: string): NameState => {
    let state = states.get(name);
    if (!state) {
      state = {
        candidates: [],
        open: false,
        lastPassAt: undefined,
        lastFullScanAt: 0,
        expiredLocks: false,
        queue: Promise.resolve(),
      };
      states.set(name, state);
    }
    return state;
  };

  async function mark(job: Pick<JobParameters, '_id' | 'nextRunAt'>): Promise<void> {
    if (!job._id) return;
    const id = String(job._id);
    const bucket = job.nextRunAt ? bucketOf(new Date(job.nextRunAt).getTime()) : null;
    if (written.get(id) === bucket) return;
    await options.jobs.updateOne({ _id: new ObjectId(id) }, { $set: { [DUE_BUCKET_FIELD]: bucket } });
    // only spares repeated writes: forgetting costs one write per job (one-off jobs keep coming)
    if (written.size >= MAX_REMEMBERED) written.clear();
    written.set(id, bucket);
  }

  async function refresh(
    state: NameState,
    name: string,
    nextScanAt: Date,
    lockDeadline: Date,
  ): Promise<void> {
    const now = Date.now();
    const found = new Map<string, Candidate>();
    const projection = { _id: 1, name: 1, nextRunAt: 1, lockedAt: 1 };
    const consider = (job: Document) => {
      if (job.lockedAt instanceof Date) {
        // its worker stopped touching it: Agenda's own query takes such a job over
        if (job.lockedAt <= lockDeadline) state.expiredLocks = true;
      } else if (job.nextRunAt instanceof Date && job.nextRunAt <= nextScanAt) {
        found.set(String(job._id), job as Candidate);
      }
    };
    if (state.lastPassAt === undefined || now - state.lastFullScanAt >= FULL_SCAN_MS) {
      state.lastFullScanAt = now;
      for (const job of await options.jobs.find({ name }, { projection }).toArray()) consider(job);
    } else {
      const last = bucketOf(nextScanAt.getTime());
      for (let bucket = bucketOf(state.lastPassAt - MARGIN_MS); bucket <= last; bucket++) {
        for (const job of await options.jobs
          .find({ name, [DUE_BUCKET_FIELD]: bucket }, { projection })
          .toArray())
          consider(job);
      }
    }
    state.lastPassAt = now;
    state.candidates = [...found.values()].sort((a, b) => a.nextRunAt.getTime() - b.nextRunAt.getTime());
  }

  async function next(
    name: string,
    nextScanAt: Date,
    lockDeadline: Date,
    now: Date | undefined,
    lockOptions: Parameters<JobRepository['lockJob']>[1],
  ): Promise<JobParameters | undefined> {
    const state = stateOf(name);
    if (!state.open) {
      await refresh(state, name, nextScanAt, lockDeadline);
      state.open = true;
    }
    for (let candidate = state.candidates.shift(); candidate; candidate = state.candidates.shift()) {
      const job = { _id: String(candidate._id), name: candidate.name, nextRunAt: candidate.nextRunAt };
      // another worker may have locked or run it since it was read: then the lock simply fails
      const locked = await options.lockJob(job as JobParameters, lockOptions);
      const confirmed = await options.confirm(locked, lockOptions?.lastModifiedBy);
      if (confirmed) return confirmed;
    }
    if (state.expiredLocks) {
      const job = await inner.getNextJobToRun(name, nextScanAt, lockDeadline, now, lockOptions);
      if (job) return job;
      state.expiredLocks = false;
    }
    state.open = false;
    return undefined;
  }

  const indexed: Pick<JobRepository, 'getNextJobToRun' | 'saveJob' | 'saveJobState'> = {
    getNextJobToRun(name, nextScanAt, lockDeadline, now, lockOptions) {
      const state = stateOf(name);
      const result = state.queue.then(() => next(name, nextScanAt, lockDeadline, now, lockOptions));
      state.queue = result.catch(() => undefined);
      return result;
    },
    async saveJob(job, saveOptions) {
      // Agenda stores every attribute it is given: the bucket goes in with the same write
      const bucket = job.nextRunAt ? bucketOf(new Date(job.nextRunAt).getTime()) : null;
      const saved = await inner.saveJob({ ...job, [DUE_BUCKET_FIELD]: bucket } as typeof job, saveOptions);
      if (written.size >= MAX_REMEMBERED) written.clear();
      if (saved._id) written.set(String(saved._id), bucket);
      // a 'single' job keeps an earlier nextRunAt it already had: then its bucket is rewritten
      await mark(saved);
      return saved;
    },
    async saveJobState(job, saveOptions) {
      await inner.saveJobState(job, saveOptions);
      await mark(job);
    },
  };

  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'getNextJobToRun' || property === 'saveJob' || property === 'saveJobState')
        return indexed[property];
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function bucketOf(ms: number): number {
  return Math.floor(ms / BUCKET_MS);
}
