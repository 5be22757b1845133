/**
 * A per-tenant request budget. Fortnox allows 25 requests per 5 s sliding window per client and
 * tenant; every worker serving a tenant must share one budget, so this is an interface (the runtime
 * backs it with MongoDB) with an in-memory default.
 */
export interface RateLimiter {
  /**
   * Resolves when a request may start, with a function to call when its response has arrived. A
   * slot counts from start until `windowMs` after release, so the budget holds at the server even
   * when requests take a while to arrive.
   */
  acquire(key: string, signal?: AbortSignal): Promise<() => void>;
}

export interface SlidingWindowOptions {
  readonly requests?: number;
  readonly windowMs?: number;
  readonly now?: () => number;
  /** Waits `ms`; injectable so tests can drive a fake clock. Rejects when `signal` aborts. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

interface Slot {
  doneAt?: number;
}

interface KeyState {
  slots: Slot[];
  tail: Promise<unknown>;
  wake: (() => void)[];
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
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

/** The in-memory default: waits for a free slot instead of failing; first come, first served. */
export class SlidingWindowRateLimiter implements RateLimiter {
  readonly requests: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly keys = new Map<string, KeyState>();

  constructor(options: SlidingWindowOptions = {}) {
    this.requests = options.requests ?? 25;
    this.windowMs = options.windowMs ?? 5000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? abortableSleep;
  }

  acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    let state = this.keys.get(key);
    if (!state) {
      state = { slots: [], tail: Promise.resolve(), wake: [] };
      this.keys.set(key, state);
    }
    const own = state;
    const turn = own.tail.then(() => this.waitForSlot(own, signal));
    own.tail = turn.catch(() => undefined);
    return turn;
  }

  private async waitForSlot(state: KeyState, signal: AbortSignal | undefined): Promise<() => void> {
    for (;;) {
      signal?.throwIfAborted();
      const now = this.now();
      state.slots = state.slots.filter(
        (slot) => slot.doneAt === undefined || slot.doneAt + this.windowMs > now,
      );
      if (state.slots.length < this.requests) {
        const slot: Slot = {};
        state.slots.push(slot);
        return () => {
          if (slot.doneAt !== undefined) return;
          slot.doneAt = this.now();
          for (const wake of state.wake.splice(0)) wake();
        };
      }
      const finished = state.slots.flatMap((slot) => (slot.doneAt === undefined ? [] : [slot.doneAt]));
      if (finished.length > 0) {
        await this.sleep(Math.max(0, Math.min(...finished) + this.windowMs - now), signal);
      } else {
        // Every slot is in flight: wait for one to come back.
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => reject(signal?.reason as Error);
          signal?.addEventListener('abort', onAbort, { once: true });
          state.wake.push(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          });
        });
      }
    }
  }
}
