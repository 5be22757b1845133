import pRetry, { AbortError } from 'p-retry';
import {
  TransientError,
  isConnectorError,
  toConnectorError,
  type ConnectorContext,
  type RateLimitedError,
} from '../../../core/plugin-api/index.ts';
import { secretsOf, type WooSettings } from '../settings.ts';
import { authorize } from './auth.ts';
import { wooError } from './errors.ts';
import { assertAllowedTarget } from './target-guard.ts';

export const API_PREFIX = '/wp-json/wc/v3';

const RETRIED = new Set(['transient', 'rate_limited']);
/** A connection that was never made: the request cannot have reached the store. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      signal.removeEventListener('abort', done);
      clearTimeout(timer);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

export interface WooRequest {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below `/wp-json/wc/v3`, e.g. `/orders/60`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly body?: unknown;
  /**
   * Whether sending the request again after an unknown outcome (a timeout or dropped connection
   * once it was sent, a 5xx, a 200 that is not JSON) is harmless. Default: true for GET, PUT and
   * DELETE, false for POST, which creates (an order note, a webhook): the store may have done it, so
   * the error is surfaced for the effects ledger to look up before anything is tried again. A POST
   * that sets absolute values (`/products/batch` updates) says true.
   */
  readonly idempotent?: boolean;
}

export interface WooResponse<T> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** The API URL of a path with its query; lists are sent comma-separated, as WooCommerce reads them. */
export function apiUrl(settings: WooSettings, path: string, query: WooRequest['query'] = {}): URL {
  const base = settings.url.replace(/\/+$/, '');
  const url = new URL(`${base}${API_PREFIX}${path}`);
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    url.searchParams.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return url;
}

async function attempt<T>(ctx: ConnectorContext<WooSettings>, request: WooRequest): Promise<WooResponse<T>> {
  const { settings } = ctx;
  const method = request.method ?? 'GET';
  const secrets = secretsOf(settings);
  const { url, headers } = authorize(method, apiUrl(settings, request.path, request.query), settings);
  // no loopback or private targets in production (SSRF): see target-guard.ts
  await assertAllowedTarget(url, settings);
  const timeout = AbortSignal.timeout(settings.timeoutMs ?? 30_000);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method,
      signal: AbortSignal.any([ctx.signal, timeout]),
      headers: {
        accept: 'application/json',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
        ...headers,
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    });
    text = await response.text();
  } catch (error) {
    // The caller gave up: do not retry, do not dress it up.
    if (ctx.signal.aborted) throw new AbortError(toConnectorError(error, { secrets }));
    // A dropped connection or our own timeout: worth another try.
    const failure = toConnectorError(error, { secrets });
    throw failure.kind === 'transient'
      ? failure
      : new TransientError(`WooCommerce ${method} ${request.path}: ${failure.message}`, {
          cause: error,
          secrets,
        });
  }
  if (!response.ok) {
    throw wooError(response.status, text, {
      method,
      path: request.path,
      secrets,
      retryAfter: response.headers.get('retry-after'),
    });
  }
  try {
    return {
      status: response.status,
      headers: response.headers,
      body: (text ? JSON.parse(text) : null) as T,
    };
  } catch (error) {
    // A 200 with HTML (a caching plugin, a PHP notice before the JSON) is a broken server, not bad input.
    throw new TransientError(`WooCommerce ${method} ${request.path}: the response is not JSON`, {
      status: response.status,
      cause: error,
      secrets,
      details: { body: text.slice(0, 300) },
    });
  }
}

/** The longest `Retry-After` honoured between attempts; a longer one is left to the next run. */
const MAX_RETRY_AFTER_MS = 30_000;

/**
 * One WooCommerce REST call. Retries with exponential backoff on 5xx, network failures and 429 (a
 * host's or a security plugin's rate limit refused the call, so even a write is safe to repeat;
 * waiting at least its `Retry-After`); any other 4xx fails the same way again. A request that is
 * not `idempotent` (a POST that creates) is retried only when the store cannot have acted on it: a
 * 429, or a connection that was never made. Otherwise its transient error is surfaced as it is,
 * which the effects ledger records as an unknown outcome (as the Fortnox client does). Errors are
 * core errors with WooCommerce's `code` and status, and never contain the consumer secret.
 */
export async function wooRequest<T>(
  ctx: ConnectorContext<WooSettings>,
  request: WooRequest,
): Promise<WooResponse<T>> {
  const { settings } = ctx;
  const method = request.method ?? 'GET';
  const idempotent = request.idempotent ?? method !== 'POST';
  const retried = (error: unknown): boolean =>
    isConnectorError(error) &&
    RETRIED.has(error.kind) &&
    (idempotent ||
      error.kind === 'rate_limited' ||
      (error.code !== undefined && NEVER_SENT_CODES.has(error.code)));
  try {
    return await pRetry(() => attempt<T>(ctx, request), {
      retries: settings.retries ?? 4,
      minTimeout: settings.retryMinTimeoutMs ?? 500,
      factor: 2,
      signal: ctx.signal,
      shouldRetry: retried,
      onFailedAttempt: async (error) => {
        if (isConnectorError(error) && RETRIED.has(error.kind) && !retried(error)) {
          ctx.logger.warn('WooCommerce write failed with an unknown outcome, not repeated', {
            method,
            path: request.path,
            status: error.status,
            code: error.code,
          });
        }
        if (isConnectorError(error) && retried(error) && error.retriesLeft > 0) {
          ctx.logger.warn('WooCommerce request failed, retrying', {
            method,
            path: request.path,
            attempt: error.attemptNumber,
            status: error.status,
          });
          const wait = error.kind === 'rate_limited' ? (error as RateLimitedError).retryAfterMs : undefined;
          if (wait !== undefined) await sleep(Math.min(wait, MAX_RETRY_AFTER_MS), ctx.signal);
        }
      },
    });
  } catch (error) {
    throw toConnectorError(error, { secrets: secretsOf(settings) });
  }
}
