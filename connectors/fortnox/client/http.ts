import pRetry from 'p-retry';
import {
  RateLimitedError,
  TransientError,
  isConnectorError,
  toConnectorError,
  type ConnectorError,
  type Logger,
} from '../../../core/plugin-api/index.ts';
import { FortnoxAuth, InMemoryTokenStore, type TokenStore } from './auth.ts';
import { applyTextPolicy } from '../schemas/text.ts';
import { fortnoxError } from './errors.ts';
import { schemaNamed, toFortnoxJson } from './numbers.ts';
import { SlidingWindowRateLimiter, type RateLimiter } from './rate-limit.ts';
import { DEFAULT_API_URL, settingsSecrets, type FortnoxSettings } from './settings.ts';

export interface RetryOptions {
  /** Retries after the first attempt; default 5. */
  readonly retries: number;
  readonly minTimeoutMs: number;
  readonly maxTimeoutMs: number;
  readonly factor: number;
  /** Multiplies each wait by a random factor in [1, 2): jitter, so workers do not retry in step. */
  readonly randomize: boolean;
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 5,
  minTimeoutMs: 1000,
  maxTimeoutMs: 30_000,
  factor: 2,
  randomize: true,
};

/** What the client shares across calls: inject the runtime's shared store and limiter here. */
export interface ClientDeps {
  readonly tokenStore: TokenStore;
  readonly rateLimiter: RateLimiter;
  readonly fetch: typeof fetch;
  readonly now: () => number;
  readonly retry: RetryOptions;
  readonly logger?: Logger;
}

export function defaultClientDeps(overrides: Partial<ClientDeps> = {}): ClientDeps {
  return {
    tokenStore: new InMemoryTokenStore(),
    rateLimiter: new SlidingWindowRateLimiter(),
    fetch: (input, init) => fetch(input, init),
    now: Date.now,
    retry: DEFAULT_RETRY,
    ...overrides,
  };
}

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** The wrapped body, e.g. `{ Order: {…} }`. */
  readonly body?: unknown;
  /** The OpenAPI schema of the body, to write amounts as JSON numbers (`fortnox_Order_Wrap`). */
  readonly bodySchema?: string;
  readonly signal?: AbortSignal;
  /**
   * Whether a failure after the request may have reached Fortnox (5xx, a dropped connection, a
   * timeout) can be retried here. Default: only for GET; a POST or an action is left to the effects
   * ledger, which looks the object up before trying again. 429s are retried always (refused, not done).
   */
  readonly retryAmbiguous?: boolean;
}

export interface FortnoxResponse<T> {
  readonly status: number;
  readonly body: T;
}

/**
 * One Fortnox connection: bearer auth with refresh under a lease, the per-tenant rate limit, retries
 * with exponential backoff and jitter on 429, 5xx and network errors (never on 4xx), timeouts.
 */
export class FortnoxClient {
  private readonly auth: FortnoxAuth;
  private readonly apiUrl: string;
  private readonly secrets: string[];
  private readonly rateKey: string;

  constructor(
    private readonly settings: FortnoxSettings,
    /** The Koppla tenant (or any stable id of the connection): keys tokens and the rate budget. */
    tenantKey: string,
    private readonly deps: ClientDeps,
  ) {
    const key = `fortnox:${settings.clientId}:${tenantKey}`;
    this.auth = new FortnoxAuth(settings, key, { store: deps.tokenStore, fetch: deps.fetch, now: deps.now });
    this.apiUrl = (settings.apiUrl ?? DEFAULT_API_URL).replace(/\/$/, '');
    this.secrets = settingsSecrets(settings);
    this.rateKey = key;
  }

  async request<T>(
    method: string,
    path: string,
    requested: RequestOptions = {},
  ): Promise<FortnoxResponse<T>> {
    const options = this.withCleanText(method, path, requested);
    const retryAmbiguous = options.retryAmbiguous ?? method === 'GET';
    const { retry } = this.deps;
    return pRetry(() => this.attempt<T>(method, path, options), {
      retries: retry.retries,
      factor: retry.factor,
      minTimeout: retry.minTimeoutMs,
      maxTimeout: retry.maxTimeoutMs,
      randomize: retry.randomize,
      ...(options.signal ? { signal: options.signal } : {}),
      shouldRetry: (error) =>
        isConnectorError(error) &&
        error.retryable &&
        (error instanceof RateLimitedError || retryAmbiguous || isRefusedConnection(error)),
      onFailedAttempt: (error) => {
        this.deps.logger?.warn('fortnox request failed', {
          method,
          path,
          attempt: error.attemptNumber,
          retriesLeft: error.retriesLeft,
          kind: isConnectorError(error) ? error.kind : 'unknown',
          status: isConnectorError(error) ? error.status : undefined,
        });
      },
    });
  }

  /**
   * Texts Fortnox would refuse are cleaned or refused here, before anything is sent, as the
   * connection's `textPolicy` says (fortnox-api.md §6.5). Changes are logged by field, never by value.
   */
  private withCleanText(method: string, path: string, options: RequestOptions): RequestOptions {
    if (options.body === undefined || options.bodySchema === undefined) return options;
    const { body, changes } = applyTextPolicy(options.body, options.bodySchema, this.settings.textPolicy);
    if (changes.length === 0) return options;
    this.deps.logger?.warn('fortnox text cleaned before sending', {
      method,
      path,
      fields: changes.map((change) => `${change.path} (${change.kind})`),
    });
    return { ...options, body };
  }

  private async attempt<T>(
    method: string,
    path: string,
    options: RequestOptions,
  ): Promise<FortnoxResponse<T>> {
    let token = await this.auth.accessToken(options.signal);
    let response = await this.send(method, path, options, token);
    if (response.status === 401) {
      // The access token was refused (revoked, or expired early): refresh once and try again.
      token = await this.auth.accessToken(options.signal, token);
      response = await this.send(method, path, options, token);
    }
    const secrets = [...this.secrets, token];
    if (response.status < 200 || response.status >= 300) {
      throw fortnoxError(response.status, response.text, {
        operation: `${method} ${path}`,
        secrets,
        requestBody: options.body,
        ...(response.retryAfterMs === undefined ? {} : { retryAfterMs: response.retryAfterMs }),
      });
    }
    if (response.text.trim() === '') return { status: response.status, body: undefined as T };
    try {
      return { status: response.status, body: JSON.parse(response.text) as T };
    } catch (error) {
      // HTML instead of JSON happens during outages (unknown endpoints too): treat as transient.
      throw new TransientError(`Fortnox ${method} ${path}: the answer is not JSON`, {
        status: response.status,
        cause: error,
        secrets,
      });
    }
  }

  private async send(
    method: string,
    path: string,
    options: RequestOptions,
    token: string,
  ): Promise<{ status: number; text: string; retryAfterMs?: number }> {
    const url = new URL(`${this.apiUrl}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const timeout = AbortSignal.timeout(this.settings.timeoutMs ?? 30_000);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = toFortnoxJson(options.body, options.bodySchema ? schemaNamed(options.bodySchema) : undefined);
    }
    const release = await this.deps.rateLimiter.acquire(this.rateKey, options.signal);
    try {
      const response = await this.deps.fetch(url, {
        method,
        headers,
        signal,
        ...(body === undefined ? {} : { body }),
      });
      const text = await response.text();
      const retryAfter = Number(response.headers.get('retry-after'));
      return {
        status: response.status,
        text,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      };
    } catch (error) {
      throw toConnectorError(error, { secrets: [...this.secrets, token] });
    } finally {
      release();
    }
  }
}

/** A connection that was never made: the request cannot have reached Fortnox, so retrying is safe. */
function isRefusedConnection(error: ConnectorError): boolean {
  return error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN';
}
