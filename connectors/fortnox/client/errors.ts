import {
  AuthError,
  ConflictError,
  NotFoundError,
  RateLimitedError,
  TransientError,
  ValidationError,
  type ConnectorError,
} from '../../../core/plugin-api/index.ts';

export interface ParsedFortnoxError {
  readonly code?: string;
  readonly message?: string;
}

/**
 * The code and message of a Fortnox error body. `ErrorInformation` keys are spelled `error/message/code`
 * on the recorded 400s and `Error/Message/Code` on the 404s, so keys are read case-insensitively; the
 * token endpoint answers OAuth-style (`error`, `error_description`), an expired token `{"message": …}`.
 */
export function parseFortnoxError(text: string): ParsedFortnoxError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text.trim() === '' ? {} : { message: text.trim().slice(0, 300) };
  }
  if (typeof body !== 'object' || body === null) return {};
  const top = lowerKeys(body as Record<string, unknown>);
  const info = top.errorinformation;
  if (typeof info === 'object' && info !== null) {
    const inner = lowerKeys(info as Record<string, unknown>);
    return {
      ...(inner.code === undefined ? {} : { code: String(inner.code) }),
      ...(typeof inner.message === 'string' ? { message: inner.message } : {}),
    };
  }
  if (typeof top.error === 'string') {
    return {
      code: top.error,
      ...(typeof top.error_description === 'string' ? { message: top.error_description } : {}),
    };
  }
  return typeof top.message === 'string' ? { message: top.message } : {};
}

function lowerKeys(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key.toLowerCase(), value]));
}

/** Codes that mean "exists already" rather than "invalid" (2000637: customer number used). */
const CONFLICT_CODES = new Set(['2000637']);

export interface MapErrorOptions {
  /** What was being done, for the message: `POST /3/orders`. */
  readonly operation: string;
  readonly secrets: readonly string[];
  /** The body that was sent, to name the offending field. */
  readonly requestBody?: unknown;
  readonly retryAfterMs?: number;
}

/** A failed Fortnox response as a core connector error, with Fortnox's code, the status and the field. */
export function fortnoxError(status: number, text: string, options: MapErrorOptions): ConnectorError {
  const parsed = parseFortnoxError(text);
  const label = `Fortnox ${options.operation} → ${status}${parsed.code ? ` (code ${parsed.code})` : ''}`;
  const message = parsed.message ? `${label}: ${parsed.message}` : label;
  const base = {
    status,
    secrets: options.secrets,
    ...(parsed.code === undefined ? {} : { code: parsed.code }),
    details: { body: text.slice(0, 2000) },
  };
  if (status === 401 || status === 403) return new AuthError(message, base);
  if (status === 404) return new NotFoundError(message, base);
  if (status === 429) {
    return new RateLimitedError(message, {
      ...base,
      ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    });
  }
  if (status === 408 || status >= 500) return new TransientError(message, base);
  if (parsed.code !== undefined && CONFLICT_CODES.has(parsed.code)) return new ConflictError(message, base);
  const field = fieldFromMessage(parsed.message ?? '', options.requestBody);
  return new ValidationError(message, { ...base, ...(field === undefined ? {} : { field }) });
}

/**
 * The field a Fortnox message is about, when it can be told: a dotted name in the message
 * (`Customer.ZipCode`), else the one field of the sent body whose value the message quotes in
 * parentheses ("Värdet måste vara numeriskt (abc)"), else a top-level field named in the message.
 */
export function fieldFromMessage(message: string, requestBody: unknown): string | undefined {
  const dotted = /\b(?:Customer|Article|Order|Invoice)(?:\.[A-Za-z0-9@]+(?:\[\d+\])?)+/.exec(message);
  if (dotted) return dotted[0];
  if (typeof requestBody !== 'object' || requestBody === null) return undefined;
  const quoted = /\(([^()]*)\)\s*\.?$/.exec(message)?.[1];
  if (quoted !== undefined && quoted !== '') {
    const paths = pathsWithValue(requestBody, quoted, '');
    if (paths.length === 1) return paths[0];
  }
  const [wrapper, inner] = Object.entries(requestBody as Record<string, unknown>)[0] ?? [];
  if (wrapper && typeof inner === 'object' && inner !== null) {
    for (const key of Object.keys(inner)) {
      if (new RegExp(`\\b${key}\\b`).test(message)) return `${wrapper}.${key}`;
    }
  }
  return undefined;
}

function pathsWithValue(value: unknown, wanted: string, path: string): string[] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => pathsWithValue(item, wanted, `${path}[${index}]`));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, member]) =>
      pathsWithValue(member, wanted, path === '' ? key : `${path}.${key}`),
    );
  }
  return String(value) === wanted && path !== '' ? [path] : [];
}
