import type { Lease, LeaseStore } from './lease-store.ts';

/** A lease kept alive in the background while its holder works. */
export interface KeptLease {
  /** The lease as last renewed: release this one. */
  readonly lease: Lease;
  /** True once a renewal failed in time: someone else may hold the scope now, so stop. */
  readonly lost: boolean;
  /** Aborted when the lease is lost. */
  readonly signal: AbortSignal;
  /** Stops renewing (does not release). */
  stop(): Promise<void>;
}

export class LeaseLostError extends Error {
  constructor(scope: string) {
    super(
      `lost the lease on ${scope} (it could not be renewed in time); stopped so that another worker may go on`,
    );
    this.name = 'LeaseLostError';
  }
}

/**
 * Renews `lease` until stopped, three times within the part of `ttlMs` in which a renewal still
 * counts (it must be confirmed `clockSkewMs` before expiry), so a long run keeps its lease however
 * long it takes while a crashed holder's lease still runs out after `ttlMs`. A renewal that fails
 * (the database was unreachable past the expiry, or someone took over) marks the lease lost and
 * aborts `signal`.
 */
export function keepLease(leases: LeaseStore, lease: Lease, ttlMs: number): KeptLease {
  const renewable = ttlMs - leases.clockSkewMs;
  if (renewable < 30)
    throw new RangeError(
      `a ${ttlMs} ms lease cannot be renewed in time with ${leases.clockSkewMs} ms of clock skew allowed`,
    );
  const abort = new AbortController();
  let current = lease;
  let lost = false;
  let renewing: Promise<void> = Promise.resolve();
  const timer = setInterval(
    () => {
      renewing = renewing.then(async () => {
        if (lost) return;
        const renewed = await leases.renew(current, ttlMs).catch(() =>
          // a passing database error: try again next time, unless the lease has already run out
          Date.now() < current.expiresAt.getTime() ? current : undefined,
        );
        if (renewed) {
          current = renewed;
          return;
        }
        lost = true;
        clearInterval(timer);
        abort.abort(new LeaseLostError(lease.scope));
      });
    },
    Math.floor(renewable / 3),
  );
  timer.unref();
  return {
    get lease() {
      return current;
    },
    get lost() {
      return lost;
    },
    signal: abort.signal,
    async stop() {
      clearInterval(timer);
      await renewing;
    },
  };
}
