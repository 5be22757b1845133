import { isPlainObject } from './json.ts';
import { redact, redactDeep } from './redact.ts';

/**
 * Why a connector call failed, as the runtime's retry policy sees it (a pipeline's
 * `retry.retryOn: [transient, rate_limited]` names these kinds). `unknown` is anything a connector did
 * not classify, e.g. a bug.
 */
export type ConnectorErrorKind =
  'transient' | 'rate_limited' | 'auth' | 'validation' | 'not_found' | 'conflict' | 'unknown';

export const CONNECTOR_ERROR_KINDS: readonly ConnectorErrorKind[] = [
  'transient',
  'rate_limited',
  'auth',
  'validation',
  'not_found',
  'conflict',
  'unknown',
];

const RETRYABLE_BY_DEFAULT: Readonly<Record<ConnectorErrorKind, boolean>> = {
  transient: true,
  rate_limited: true,
  auth: false,
  validation: false,
  not_found: false,
  conflict: false,
  unknown: false,
};

export interface ConnectorErrorOptions {
  /** The remote system's error code, e.g. Fortnox `2000311`, WooCommerce `woocommerce_rest_invalid_id`. */
  readonly code?: string;
  /** The HTTP status of the failed response. */
  readonly status?: number;
  /** The offending input field, in the remote system's terms, e.g. `Customer.Email`. */
  readonly field?: string;
  /** More about the failure, as JSON (a remote error body). Secrets in strings are redacted. */
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
  /** Overrides the kind's default (not for validation errors, which are never retried). */
  readonly retryable?: boolean;
  /** Values to scrub from the message, details and cause: the connection's keys, tokens, passwords. */
  readonly secrets?: readonly string[];
}

// Marks connector errors across copies of this module (a plugin may bundle its own), where
// `instanceof` would fail.
const BRAND = Symbol.for('koppla.connector-error');

/** A failure a connector reports; the runtime decides from `kind` and `retryable` what happens next. */
export class ConnectorError extends Error {
  readonly kind: ConnectorErrorKind;
  readonly retryable: boolean;
  readonly code?: string;
  readonly status?: number;
  readonly field?: string;
  readonly details?: Readonly<Record<string, unknown>>;

  constructor(kind: ConnectorErrorKind, message: string, options: ConnectorErrorOptions = {}) {
    const secrets = options.secrets ?? [];
    super(
      redact(message, secrets),
      'cause' in options ? { cause: redactCause(options.cause, secrets) } : undefined,
    );
    this.name = 'ConnectorError';
    this.kind = kind;
    this.retryable = kind === 'validation' ? false : (options.retryable ?? RETRYABLE_BY_DEFAULT[kind]);
    if (options.code !== undefined) this.code = options.code;
    if (options.status !== undefined) this.status = options.status;
    if (options.field !== undefined) this.field = options.field;
    if (options.details !== undefined) this.details = redactDeep(options.details, secrets);
  }

  /** What a dead letter or an API response stores: no stack, no cause. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      retryable: this.retryable,
      message: this.message,
      code: this.code,
      status: this.status,
      field: this.field,
      details: this.details,
    };
  }
}
Object.defineProperty(ConnectorError.prototype, BRAND, { value: true });

/** A failure that may succeed later: a timeout, a dropped connection, a 5xx. Retryable. */
export class TransientError extends ConnectorError {
  constructor(message: string, options: ConnectorErrorOptions = {}) {
    super('transient', message, options);
    this.name = 'TransientError';
  }
}

/** The service said "slow down" (HTTP 429). Retryable, after `retryAfterMs` when the service said. */
export class RateLimitedError extends ConnectorError {
  readonly retryAfterMs?: number;

  constructor(message: string, options: ConnectorErrorOptions & { readonly retryAfterMs?: number } = {}) {
    super('rate_limited', message, options);
    this.name = 'RateLimitedError';
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfterMs: this.retryAfterMs };
  }
}

/** Credentials are missing, wrong, expired or lack a scope. Not retryable: a person must act. */
export class AuthError extends ConnectorError {
  constructor(message: string, options: ConnectorErrorOptions = {}) {
    super('auth', message, options);
    this.name = 'AuthError';
  }
}

/** The service rejected the input. Never retryable: the same input fails the same way. */
export class ValidationError extends ConnectorError {
  constructor(message: string, options: Omit<ConnectorErrorOptions, 'retryable'> = {}) {
    super('validation', message, options);
    this.name = 'ValidationError';
  }
}

/** The remote object does not exist. */
export class NotFoundError extends ConnectorError {
  constructor(message: string, options: ConnectorErrorOptions = {}) {
    super('not_found', message, options);
    this.name = 'NotFoundError';
  }
}

/** The remote object exists already or changed under us (a duplicate number, a stale version). */
export class ConflictError extends ConnectorError {
  constructor(message: string, options: ConnectorErrorOptions = {}) {
    super('conflict', message, options);
    this.name = 'ConflictError';
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return typeof error === 'object' && error !== null && BRAND in error;
}

/**
 * The usual meaning of an HTTP error status, for connectors to start from: 401/403 auth, 404 not
 * found, 409 conflict, 429 rate limited, 408 and 5xx transient, other 4xx validation.
 */
export function errorForHttpStatus(
  status: number,
  message: string,
  options: Omit<ConnectorErrorOptions, 'status'> & { readonly retryAfterMs?: number } = {},
): ConnectorError {
  const withStatus = { ...options, status };
  if (status === 401 || status === 403) return new AuthError(message, withStatus);
  if (status === 404) return new NotFoundError(message, withStatus);
  if (status === 409) return new ConflictError(message, withStatus);
  if (status === 429) return new RateLimitedError(message, withStatus);
  if (status === 408 || status >= 500) return new TransientError(message, withStatus);
  if (status >= 400) return new ValidationError(message, withStatus);
  return new ConnectorError('unknown', message, withStatus);
}

// Error codes of Node's net/dns layer and of undici (fetch) that mean "the network failed", not "the
// request was wrong".
const TRANSIENT_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/**
 * Anything a connector threw, as a `ConnectorError`: connector errors pass through (with `secrets`
 * scrubbed), aborts, timeouts and network failures become `TransientError`s, everything else is
 * kind `unknown` and not retried.
 */
export function toConnectorError(
  error: unknown,
  options: { readonly secrets?: readonly string[] } = {},
): ConnectorError {
  const secrets = options.secrets ?? [];
  if (isConnectorError(error)) return secrets.length > 0 ? redactConnectorError(error, secrets) : error;
  if (error instanceof Error) {
    const networkCode = findNetworkCode(error);
    if (error.name === 'AbortError' || error.name === 'TimeoutError') {
      return new TransientError(error.message || error.name, { code: error.name, cause: error, secrets });
    }
    if (networkCode) return new TransientError(error.message, { code: networkCode, cause: error, secrets });
    return new ConnectorError('unknown', error.message || error.name, { cause: error, secrets });
  }
  if (typeof error === 'string') return new ConnectorError('unknown', error, { secrets });
  return new ConnectorError('unknown', `a non-error was thrown: ${describeThrown(error)}`, {
    cause: error,
    secrets,
  });
}

function findNetworkCode(error: Error): string | undefined {
  // fetch() throws TypeError('fetch failed') with the system error as its cause.
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return code;
    current = current.cause;
  }
  return undefined;
}

function describeThrown(value: unknown): string {
  if (value === undefined || value === null || typeof value !== 'object') return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 200 ? `${json.slice(0, 200)}…` : json;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** A copy of a foreign cause with the secrets taken out, so logging the error chain leaks nothing. */
function redactCause(cause: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return cause;
  if (cause instanceof Error) {
    const copy = new Error(redact(cause.message, secrets), { cause: redactCause(cause.cause, secrets) });
    copy.name = cause.name;
    copy.stack = cause.stack === undefined ? undefined : redact(cause.stack, secrets);
    return copy;
  }
  return typeof cause === 'object' && cause !== null && !isPlainObject(cause)
    ? redact(String(cause), secrets)
    : redactDeep(cause, secrets);
}

function redactConnectorError(error: ConnectorError, secrets: readonly string[]): ConnectorError {
  const copy = Object.create(Object.getPrototypeOf(error) as object) as ConnectorError;
  for (const key of Reflect.ownKeys(error)) {
    const descriptor = Object.getOwnPropertyDescriptor(error, key);
    if (descriptor) Object.defineProperty(copy, key, descriptor);
  }
  const replace = (key: string, value: unknown) => {
    const enumerable = Object.getOwnPropertyDescriptor(error, key)?.enumerable ?? false;
    Object.defineProperty(copy, key, { value, enumerable, writable: true, configurable: true });
  };
  replace('message', redact(error.message, secrets));
  if (error.stack !== undefined) replace('stack', redact(error.stack, secrets));
  if (error.details !== undefined) replace('details', redactDeep(error.details, secrets));
  if (error.cause !== undefined) replace('cause', redactCause(error.cause, secrets));
  return copy;
}
