import type { JsonValue } from './json.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request through the runtime's HTTP client. */
export interface HttpRequest {
  /** Default `GET`. */
  readonly method?: HttpMethod;
  /** Absolute URL, e.g. `${ctx.settings.baseUrl}/records`. */
  readonly url: string;
  /** Appended to the URL; `undefined` members are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON, with `content-type: application/json`. */
  readonly json?: JsonValue;
  /** Sent as is; for bodies that are not JSON. */
  readonly body?: string;
  /**
   * Statuses to hand back instead of throwing (e.g. `[404]` for a lookup that may find nothing).
   * Any other status outside 2xx throws the `ConnectorError` that `errorForHttpStatus` gives for it.
   */
  readonly accept?: readonly number[];
  /** Default 30 000 ms; a request that takes longer fails with a `TransientError`. */
  readonly timeoutMs?: number;
}

export interface HttpResponse<T = unknown> {
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON when the response says it is JSON, else the text ('' when empty). */
  readonly body: T;
}

/**
 * The HTTP client the runtime hands a connector in `ctx.http`: it waits for the tenant's request
 * budget (the connector's `rateLimit`, shared by every worker), passes `ctx.signal` on, records
 * every exchange (method, URL without secrets, status, duration) for the run's trace, classifies
 * failures (`errorForHttpStatus`; network errors and timeouts are transient) and scrubs the
 * connection's secrets from every error. In a dry run it refuses every method but GET and HEAD.
 */
export interface HttpClient {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
}
