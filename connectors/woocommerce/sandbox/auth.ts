import { timingSafeEqual } from 'node:crypto';
import { oauthSignature } from '../client/oauth1.ts';
import { errors, type WcError } from './errors.ts';
import type { ApiKey, SandboxState } from './state.ts';

export type Transport = 'https' | 'http';

export type AuthResult =
  | { readonly kind: 'user'; readonly key: ApiKey; readonly method: string }
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'error'; readonly error: WcError };

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const OAUTH_REQUIRED = [
  'oauth_consumer_key',
  'oauth_timestamp',
  'oauth_nonce',
  'oauth_signature',
  'oauth_signature_method',
] as const;

function parseOAuthHeader(header: string | undefined): Record<string, string> {
  if (!header || !/^OAuth\s/i.test(header)) return {};
  const params: Record<string, string> = {};
  for (const match of header.slice(6).matchAll(/([a-z_]+)="([^"]*)"/gi)) {
    const [, key, value] = match;
    if (key && key !== 'realm' && value !== undefined) params[key] = decodeURIComponent(value);
  }
  return params;
}

export interface AuthInput {
  readonly method: string;
  /** Scheme, host and path, as the store's home URL says. */
  readonly baseUrl: string;
  readonly query: URLSearchParams;
  readonly authorization?: string;
  readonly now: number;
}

/**
 * WooCommerce's `WC_REST_Authentication`, as the store's transport decides: over HTTPS query-string
 * keys first, then Basic; over plain HTTP only OAuth 1.0a. An unknown key is not an error here: the
 * request goes on anonymous and the route's permission check answers (recorded behaviour).
 */
export function authenticate(state: SandboxState, transport: Transport, input: AuthInput): AuthResult {
  const findKey = (consumerKey: string) => state.keys.find((key) => key.consumerKey === consumerKey);
  if (transport === 'https') {
    let user = input.query.get('consumer_key');
    let secret = input.query.get('consumer_secret');
    let method = 'query';
    if (!user || !secret) {
      const basic = /^Basic\s+(.+)$/i.exec(input.authorization ?? '');
      if (!basic?.[1]) return { kind: 'anonymous' };
      const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return { kind: 'anonymous' };
      user = decoded.slice(0, colon);
      secret = decoded.slice(colon + 1);
      method = 'basic';
    }
    const key = findKey(user);
    if (!key) return { kind: 'anonymous' };
    if (!safeEqual(key.consumerSecret, secret)) return { kind: 'error', error: errors.wrongSecret() };
    return { kind: 'user', key, method };
  }
  const params: Record<string, string> = {};
  for (const [name, value] of input.query) params[name] = value;
  Object.assign(params, parseOAuthHeader(input.authorization));
  const present = OAUTH_REQUIRED.filter((name) => params[name] !== undefined);
  if (present.length === 0) return { kind: 'anonymous' };
  const missing = OAUTH_REQUIRED.filter((name) => params[name] === undefined);
  if (missing.length > 0) return { kind: 'error', error: errors.oauthMissing(missing) };
  const key = findKey(params.oauth_consumer_key ?? '');
  if (!key) return { kind: 'error', error: errors.auth('Consumer key is invalid.') };
  const signatureMethod = params.oauth_signature_method;
  if (signatureMethod !== 'HMAC-SHA1' && signatureMethod !== 'HMAC-SHA256') {
    return { kind: 'error', error: errors.auth('Invalid signature - signature method is invalid.') };
  }
  const provided = params.oauth_signature ?? '';
  const expected = oauthSignature({
    method: input.method,
    baseUrl: input.baseUrl,
    params: Object.entries(params).filter(([name]) => name !== 'oauth_signature'),
    consumerSecret: key.consumerSecret,
    algorithm: signatureMethod === 'HMAC-SHA1' ? 'sha1' : 'sha256',
  });
  if (!safeEqual(expected, provided.replace(/ /g, '+'))) {
    return { kind: 'error', error: errors.auth('Invalid signature - provided signature does not match.') };
  }
  const timestamp = Number(params.oauth_timestamp);
  const nowSeconds = Math.floor(input.now / 1000);
  if (!Number.isFinite(timestamp) || Math.abs(nowSeconds - timestamp) > 15 * 60) {
    return { kind: 'error', error: errors.auth('Invalid timestamp.') };
  }
  const nonceKey = `${key.consumerKey}:${params.oauth_nonce}`;
  const usedAt = state.nonces.get(nonceKey);
  if (usedAt !== undefined && nowSeconds - usedAt <= 15 * 60) {
    return { kind: 'error', error: errors.auth('Invalid nonce - nonce has already been used.') };
  }
  state.nonces.set(nonceKey, nowSeconds);
  return { kind: 'user', key, method: 'oauth1' };
}

/** The key's read/write permission for an HTTP method (`check_permissions`). */
export function permissionError(key: ApiKey, method: string): WcError | undefined {
  const read = key.permissions === 'read' || key.permissions === 'read_write';
  const write = key.permissions === 'write' || key.permissions === 'read_write';
  if ((method === 'GET' || method === 'HEAD') && !read) {
    return errors.auth('The API key provided does not have read permissions.');
  }
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) && !write) {
    return errors.auth('The API key provided does not have write permissions.');
  }
  return undefined;
}
