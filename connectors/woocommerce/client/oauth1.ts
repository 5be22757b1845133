import { createHmac } from 'node:crypto';

/** PHP's `rawurlencode` (RFC 3986): what WooCommerce re-encodes every OAuth key and value with. */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export interface OAuthSignInput {
  readonly method: string;
  /** Scheme, host and path as the store knows its own URL; no query string. */
  readonly baseUrl: string;
  /** Every query (and form) parameter, `oauth_*` included, `oauth_signature` excluded. */
  readonly params: readonly (readonly [string, string])[];
  readonly consumerSecret: string;
  readonly algorithm: 'sha256' | 'sha1';
}

/**
 * The OAuth 1.0a signature as WooCommerce checks it (one-legged, no token): parameters sorted by
 * their raw key, each key and value RFC 3986 encoded, joined as `k=v&…`; base string
 * `METHOD&enc(url)&enc(params)`; key `secret&`; base64 of the HMAC.
 */
export function oauthSignature(input: OAuthSignInput): string {
  const pairs = [...input.params]
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${rfc3986(key)}=${rfc3986(value)}`)
    .join('&');
  const base = [input.method.toUpperCase(), rfc3986(input.baseUrl), rfc3986(pairs)].join('&');
  return createHmac(input.algorithm, `${input.consumerSecret}&`).update(base).digest('base64');
}
