import { parseDuration } from '../../core/config/index.ts';
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

/**
 * Overrides from the environment, for `koppla serve`: KOPPLA_LOCK_LIFETIME, KOPPLA_RUN_LEASE and
 * KOPPLA_EFFECT_CLAIM as durations (`90s`, `2 minutes`). Operators with short operations shorten
 * them so that a crashed worker's work resumes sooner (the chaos suite kills workers every few seconds).
 */
export function timingsFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<RuntimeTimings> {
  const read = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === '') return undefined;
    const ms = parseDuration(text);
    if (ms === undefined || ms <= 0) throw new Error(`${name}: "${text}" is not a duration`);
    return ms;
  };
  const lockLifetimeMs = read('KOPPLA_LOCK_LIFETIME');
  const runLeaseMs = read('KOPPLA_RUN_LEASE');
  const effectClaimMs = read('KOPPLA_EFFECT_CLAIM');
  return {
    ...(lockLifetimeMs === undefined ? {} : { lockLifetimeMs }),
    ...(runLeaseMs === undefined ? {} : { runLeaseMs }),
    ...(effectClaimMs === undefined ? {} : { effectClaimMs }),
  };
}
