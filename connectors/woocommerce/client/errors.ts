import {
  AuthError,
  ConflictError,
  NotFoundError,
  RateLimitedError,
  TransientError,
  ValidationError,
  errorForHttpStatus,
  type ConnectorError,
} from '../../../core/plugin-api/index.ts';
import type { WcErrorBody } from '../wc-types.ts';

function parseBody(text: string): WcErrorBody | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body === 'object' && body !== null && typeof (body as WcErrorBody).code === 'string') {
      return body as WcErrorBody;
    }
  } catch {
    // Not JSON: a proxy's HTML error page, a PHP fatal error.
  }
  return undefined;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export interface ErrorContext {
  readonly method: string;
  /** The API path without the query string (which may carry keys). */
  readonly path: string;
  readonly secrets: readonly string[];
  readonly retryAfter?: string | null;
}

/**
 * A WooCommerce error response as a core error: the kind from the HTTP status and WooCommerce's
 * `code`, which stays on the error with the status and the body (redacted) as details.
 * `*_invalid_id` is "not found" even when WooCommerce answers 400 (it does on PUT);
 * `product_invalid_sku` is a conflict (the SKU is taken, `data.resource_id` says by whom);
 * `rest_invalid_param` names the offending parameter in `field`.
 */
export function wooError(status: number, text: string, context: ErrorContext): ConnectorError {
  const body = parseBody(text);
  const code = body?.code;
  const what = `WooCommerce ${context.method} ${context.path}`;
  const message = body
    ? `${what}: ${body.message} (${body.code}, HTTP ${status})`
    : `${what}: HTTP ${status}`;
  const data = typeof body?.data === 'object' ? body.data : undefined;
  const details: Record<string, unknown> = body ? { body } : { body: text.slice(0, 500) };
  const common = { status, details, secrets: context.secrets, ...(code ? { code } : {}) };
  if (status === 429) {
    const wait = retryAfterMs(context.retryAfter ?? null);
    return new RateLimitedError(message, {
      ...common,
      ...(wait !== undefined ? { retryAfterMs: wait } : {}),
    });
  }
  if (status >= 500 || status === 408) return new TransientError(message, common);
  if (status === 401 || status === 403) return new AuthError(message, common);
  if (code?.endsWith('_invalid_id') || status === 404) return new NotFoundError(message, common);
  if (code === 'product_invalid_sku' || code?.endsWith('_exists')) {
    return new ConflictError(message, { ...common, field: 'sku' });
  }
  if (code === 'rest_invalid_param' || code === 'rest_missing_callback_param') {
    const field = Object.keys(data?.params ?? {})[0];
    return new ValidationError(message, { ...common, ...(field ? { field } : {}) });
  }
  return errorForHttpStatus(status, message, common);
}
