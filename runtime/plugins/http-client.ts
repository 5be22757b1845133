import {
  ConnectorError,
  errorForHttpStatus,
  redact,
  redactDeep,
  toConnectorError,
  TransientError,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
  type RateLimiter,
} from '../../core/plugin-api/index.ts';

/** One request as the runtime recorded it: no body, no headers, secrets scrubbed from the URL. */
export interface HttpExchange {
  readonly connector: string;
  readonly tenantId: string;
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  /** The kind of the error the request ended in (`transient`, `auth`, …), when it failed. */
  readonly error?: string;
  readonly startedAt: string;
  readonly durationMs: number;
}

/** Where exchanges go: the run's trace, a test's list. */
export interface HttpRecorder {
  record(exchange: HttpExchange): void;
}

export interface HttpClientOptions {
  readonly connector: string;
  readonly tenantId: string;
  /** The call's signal: aborted on the call's timeout or at shutdown. */
  readonly signal: AbortSignal;
  /** The connection's secret values, scrubbed from every error and recorded URL. */
  readonly secrets: readonly string[];
  /** The connector's request budget; the key is `<connector>:<tenant>`. */
  readonly rateLimiter?: RateLimiter;
  readonly recorder?: HttpRecorder;
  /** A dry run: every method but GET and HEAD is refused before it is sent. */
  readonly readOnly?: boolean;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const READS = new Set(['GET', 'HEAD']);
/** How much of an error body goes into the error's details: enough to diagnose, not a whole page. */
const BODY_EXCERPT = 2_000;

/** The client behind `ctx.http` (see `HttpClient` in core/plugin-api/http.ts). */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  return {
    async request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
      const method = request.method ?? 'GET';
      const url = withQuery(request.url, request.query);
      const shownUrl = redact(url, options.secrets);
      if (options.readOnly && !READS.has(method)) {
        throw new ConnectorError(
          'unknown',
          `dry run: ${method} ${shownUrl} refused (a dry run sends no writes)`,
          {
            code: 'dry_run',
          },
        );
      }
      const startedAt = now();
      let status: number | undefined;
      let failure: string | undefined;
      const release = await (options.rateLimiter ?? { acquire: async () => () => undefined }).acquire(
        `${options.connector}:${options.tenantId}`,
        options.signal,
      );
      try {
        const signal = AbortSignal.any([
          options.signal,
          AbortSignal.timeout(request.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        ]);
        let response: Response;
        try {
          response = await send(url, {
            method,
            signal,
            headers: {
              accept: 'application/json',
              ...(request.json === undefined ? {} : { 'content-type': 'application/json' }),
              ...request.headers,
            },
            ...(request.json !== undefined
              ? { body: JSON.stringify(request.json) }
              : request.body !== undefined
                ? { body: request.body }
                : {}),
          });
        } catch (error) {
          throw toConnectorError(error, { secrets: options.secrets });
        }
        status = response.status;
        const headers = Object.fromEntries([...response.headers].map(([k, v]) => [k.toLowerCase(), v]));
        let text: string;
        try {
          text = await response.text();
        } catch (error) {
          throw toConnectorError(error, { secrets: options.secrets });
        }
        const isJson = /\bjson\b/i.test(headers['content-type'] ?? '');
        let body: unknown = text;
        if (isJson && text.trim() !== '') {
          try {
            body = JSON.parse(text);
          } catch {
            // a proxy's or an outage page's body under a JSON content type
            throw new TransientError(
              `${method} ${shownUrl} answered ${status} with a body that is not JSON`,
              {
                status,
                secrets: options.secrets,
              },
            );
          }
        }
        const accepted = (status >= 200 && status < 300) || (request.accept ?? []).includes(status);
        if (!accepted) throw statusError(method, shownUrl, status, headers, body, options.secrets, now);
        return { status, headers, body: body as T };
      } catch (error) {
        failure = error instanceof ConnectorError ? error.kind : 'unknown';
        throw error;
      } finally {
        release();
        options.recorder?.record({
          connector: options.connector,
          tenantId: options.tenantId,
          method,
          url: shownUrl,
          ...(status === undefined ? {} : { status }),
          ...(failure === undefined ? {} : { error: failure }),
          startedAt: new Date(startedAt).toISOString(),
          durationMs: now() - startedAt,
        });
      }
    },
  };
}

function withQuery(url: string, query: HttpRequest['query']): string {
  if (!query) return url;
  const target = new URL(url);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) target.searchParams.set(key, String(value));
  }
  return target.href;
}

function statusError(
  method: string,
  url: string,
  status: number,
  headers: Readonly<Record<string, string>>,
  body: unknown,
  secrets: readonly string[],
  now: () => number,
): ConnectorError {
  const remote = remoteMessage(body);
  const code = remoteCode(body);
  const excerpt = typeof body === 'string' ? body.slice(0, BODY_EXCERPT) : body;
  const retryAfterMs = retryAfter(headers['retry-after'], now);
  return errorForHttpStatus(status, `${method} ${url} answered ${status}${remote ? `: ${remote}` : ''}`, {
    secrets,
    ...(code === undefined ? {} : { code }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    details: { body: redactDeep(excerpt, secrets) },
  });
}

/** The message a JSON error body usually carries (`message`, `error.message`, `error`). */
function remoteMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.trim().slice(0, 200) || undefined;
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  const nested = record.error;
  if (typeof record.message === 'string') return record.message;
  if (typeof nested === 'string') return nested;
  if (
    typeof nested === 'object' &&
    nested !== null &&
    typeof (nested as { message?: unknown }).message === 'string'
  )
    return (nested as { message: string }).message;
  return undefined;
}

function remoteCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? String(code) : undefined;
}

/** `Retry-After` in seconds or as an HTTP date, in ms from now. */
function retryAfter(value: string | undefined, now: () => number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now());
}
