/**
 * How long a worker may go silent before others take its work over. Each is kept alive while the
 * work goes on (Agenda locks are touched, run leases renewed, every third of their lifetime), so
 * long runs are never taken over, while a crashed worker's work resumes elsewhere after about that.
 */
export interface RuntimeTimings {
  /** Agenda's job lock: a locked job whose worker stopped touching it this long runs again. */
  readonly lockLifetimeMs: number;
  /** The (tenant, pipeline) run lease; above a few seconds (its renewal allows 1 s of clock skew). */
  readonly runLeaseMs: number;
  /**
   * An effects-ledger claim: after it, a write whose worker died is looked up remotely and taken
   * over. Claims are not renewed, so this must exceed the longest one operation can take.
   */
  readonly effectClaimMs: number;
}

export const DEFAULT_TIMINGS: RuntimeTimings = {
  lockLifetimeMs: 2 * 60_000,
  runLeaseMs: 2 * 60_000,
  effectClaimMs: 10 * 60_000,
};

export function runtimeTimings(overrides: Partial<RuntimeTimings> = {}): RuntimeTimings {
  return { ...DEFAULT_TIMINGS, ...overrides };
}
