/**
 * Brute-force throttling for the admin API's credentials: after `maxFailures` refused keys (or
 * sign-ins) from one client address within `windowMs`, every further attempt from that address is
 * answered 429 until the window has passed — without even checking the credential, so guessing
 * gets no faster by trying harder.
 *
 * Per worker process and in memory: with N workers an attacker gets at most N × maxFailures tries
 * per window (SECURITY.md, "admin auth"). Bounded: at most `maxClients` addresses are remembered,
 * the oldest forgotten first.
 */
/**
 * Refused keys per address and window before the address is shut out: one a second on average.
 * Admin keys carry 256 random bits, so no rate makes guessing them feasible; the limit is there to
 * bound the hashing and the log lines a scanner can cause. A sign-in with passwords should use a
 * tighter instance (e.g. 5 per 15 minutes per user and address).
 */
export const DEFAULT_MAX_FAILURES = 300;

export interface AuthThrottleOptions {
  readonly maxFailures?: number;
  readonly windowMs?: number;
  readonly maxClients?: number;
  readonly now?: () => number;
}

interface Failures {
  readonly since: number;
  count: number;
}

export class AuthThrottle {
  readonly maxFailures: number;
  readonly windowMs: number;
  readonly #maxClients: number;
  readonly #now: () => number;
  readonly #clients = new Map<string, Failures>();

  constructor(options: AuthThrottleOptions = {}) {
    this.maxFailures = options.maxFailures ?? DEFAULT_MAX_FAILURES;
    this.windowMs = options.windowMs ?? 5 * 60_000;
    this.#maxClients = options.maxClients ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until `client` may try again; 0 when it may try now. */
  retryAfter(client: string): number {
    const failures = this.#current(client);
    if (!failures || failures.count < this.maxFailures) return 0;
    return Math.max(1, Math.ceil((failures.since + this.windowMs - this.#now()) / 1000));
  }

  /** Records one refused credential from `client`. */
  failed(client: string): void {
    const failures = this.#current(client);
    if (failures) {
      failures.count += 1;
      return;
    }
    if (this.#clients.size >= this.#maxClients) {
      const oldest = this.#clients.keys().next().value;
      if (oldest !== undefined) this.#clients.delete(oldest);
    }
    this.#clients.set(client, { since: this.#now(), count: 1 });
  }

  #current(client: string): Failures | undefined {
    const failures = this.#clients.get(client);
    if (failures && this.#now() - failures.since >= this.windowMs) {
      this.#clients.delete(client);
      return undefined;
    }
    return failures;
  }
}
