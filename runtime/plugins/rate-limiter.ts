import type { RateLimit, RateLimiter } from '../../core/plugin-api/index.ts';

/**
 * The in-process request budget, for one worker (the CLI's tools, tests, the contract kit): at most
 * `requests` started in any `perMs` window per key. A worker that shares tenants with others gets
 * `MongoRateBudget` instead (runtime/store/rate-budget.ts), which counts across workers.
 */
export class InProcessRateLimiter implements RateLimiter {
  readonly #starts = new Map<string, number[]>();
  readonly #queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number = Date.now,
  ) {}

  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    // one waiter at a time per key, so a tenant's requests start in the order they asked
    const turn = (this.#queues.get(key) ?? Promise.resolve()).then(() => this.#take(key, signal));
    const settled = turn.catch(() => undefined);
    this.#queues.set(key, settled);
    void settled.then(() => {
      if (this.#queues.get(key) === settled) this.#queues.delete(key);
    });
    return turn;
  }

  async #take(key: string, signal?: AbortSignal): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      const recent = (this.#starts.get(key) ?? []).filter((at) => at > now - this.limit.perMs);
      if (recent.length < this.limit.requests) {
        recent.push(now);
        this.#starts.set(key, recent);
        return () => undefined;
      }
      await sleep((recent[0] ?? now) + this.limit.perMs - now, signal);
    }
  }
}

/** Hands out no waiting at all: for connectors that declare no `rateLimit`. */
export const UNLIMITED: RateLimiter = { acquire: async () => () => undefined };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort() {
      clearTimeout(timer);
      reject(signal?.reason as Error);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
