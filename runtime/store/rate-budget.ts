import { randomUUID } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { systemClock, type Clock } from './clock.ts';
import { COLLECTIONS } from './collections.ts';

export interface RateBudgetOptions {
  /** Requests allowed per window and key; Fortnox: 25. */
  readonly requests?: number;
  /** Fortnox: 5 000. */
  readonly windowMs?: number;
  /**
   * How long an unreleased request counts: a worker that dies mid-request never releases, so its slot
   * frees itself after this (plus the window). Keep it above the HTTP timeout.
   */
  readonly maxRequestMs?: number;
  readonly now?: Clock;
  /** Waits `ms`; injectable so tests drive a fake clock instead of waiting. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Extra random wait after losing a race, so contending workers spread out. Default up to 50 ms. */
  readonly jitter?: () => number;
}

interface RateEventDocument {
  _id: string;
  key: string;
  startedAt: Date;
  /** The event counts until then: provisional while in flight, `release + window` once released. */
  until: Date;
}

/**
 * A request budget shared by every worker through MongoDB: one inserted document per request, counted
 * in the sliding window. It has the shape of the Fortnox connector's `RateLimiter`
 * (connectors/fortnox/client/rate-limit.ts): `acquire(key)` resolves when a request may start, with a
 * function to call when its response has arrived.
 *
 * Insert first, then count: a request may go if at most `requests` events (its own included) are in
 * the window; otherwise it withdraws its event and waits. Of any requests in one window, the last to
 * insert sees all the others, so the budget is never exceeded, even when workers race; contenders
 * that all see too many back off with jitter and try again. No shared counters (`$inc` loses updates
 * on FerretDB), no TTL index (FerretDB lacks them): `cleanup` deletes old events.
 */
export class MongoRateBudget {
  readonly requests: number;
  readonly windowMs: number;
  private readonly maxRequestMs: number;
  private readonly collection: Collection<RateEventDocument>;
  private readonly now: Clock;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly jitter: () => number;
  private readonly releases = new Set<Promise<void>>();

  constructor(db: Db, options: RateBudgetOptions = {}) {
    this.collection = db.collection<RateEventDocument>(COLLECTIONS.rateEvents);
    this.requests = options.requests ?? 25;
    this.windowMs = options.windowMs ?? 5000;
    this.maxRequestMs = options.maxRequestMs ?? 60_000;
    this.now = options.now ?? systemClock;
    this.sleep = options.sleep ?? sleepFor;
    this.jitter = options.jitter ?? (() => Math.random() * 50);
  }

  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted();
      const startedAt = this.now();
      const id = randomUUID();
      await this.collection.insertOne({
        _id: id,
        key,
        startedAt: new Date(startedAt),
        until: new Date(startedAt + this.maxRequestMs + this.windowMs),
      });
      const inWindow = await this.collection
        .find({ key, until: { $gt: new Date(this.now()) } }, { projection: { until: 1 } })
        .toArray();
      if (inWindow.length <= this.requests) return this.releaser(id);

      await this.collection.deleteOne({ _id: id });
      const others = inWindow.filter((event) => event._id !== id).map((event) => event.until.getTime());
      // The earliest moment enough events have left the window for this request to fit.
      others.sort((a, b) => a - b);
      const freeAt = others[others.length - this.requests] ?? this.now();
      await this.sleep(Math.max(0, freeAt - this.now()) + this.jitter(), signal);
    }
  }

  /** Resolves when every release so far is written; for shutdown and tests. */
  async settled(): Promise<void> {
    await Promise.all([...this.releases]);
  }

  /** Deletes events that have left the window. Call now and then (a job); nothing else removes them. */
  async cleanup(): Promise<number> {
    const result = await this.collection.deleteMany({ until: { $lte: new Date(this.now()) } });
    return result.deletedCount;
  }

  private releaser(id: string): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // Only this request writes its own event, so a plain update is safe; if it fails, the
      // provisional expiry still frees the slot later.
      const write = this.collection
        .updateOne({ _id: id }, { $set: { until: new Date(this.now() + this.windowMs) } })
        .then(
          () => undefined,
          () => undefined,
        );
      this.releases.add(write);
      void write.finally(() => this.releases.delete(write));
    };
  }
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
