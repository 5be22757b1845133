import { randomBytes } from 'node:crypto';
import type { AuthMode, WooSettings } from '../settings.ts';
import { oauthSignature } from './oauth1.ts';

/** The auth mode a store needs: Basic over HTTPS (WooCommerce only tries it there), OAuth 1.0a over HTTP. */
export function authModeOf(settings: WooSettings): AuthMode {
  if (settings.auth) return settings.auth;
  return new URL(settings.url).protocol === 'https:' ? 'basic' : 'oauth1';
}

export interface AuthorizedRequest {
  readonly url: URL;
  readonly headers: Record<string, string>;
}

/**
 * Adds credentials to a request URL: a Basic header, the keys as query parameters, or OAuth 1.0a
 * parameters signed with HMAC-SHA256 in the query string (like WooCommerce's own JS client). Returns
 * a new URL; the secret is in it only in `query` mode, so callers never log request URLs.
 */
export function authorize(
  method: string,
  url: URL,
  settings: WooSettings,
  now: () => number = Date.now,
): AuthorizedRequest {
  const signed = new URL(url);
  const mode = authModeOf(settings);
  if (mode === 'basic') {
    const token = Buffer.from(`${settings.consumerKey}:${settings.consumerSecret}`, 'utf8').toString(
      'base64',
    );
    return { url: signed, headers: { authorization: `Basic ${token}` } };
  }
  if (mode === 'query') {
    signed.searchParams.set('consumer_key', settings.consumerKey);
    signed.searchParams.set('consumer_secret', settings.consumerSecret);
    return { url: signed, headers: {} };
  }
  signed.searchParams.set('oauth_consumer_key', settings.consumerKey);
  signed.searchParams.set('oauth_nonce', randomBytes(16).toString('hex'));
  signed.searchParams.set('oauth_signature_method', 'HMAC-SHA256');
  signed.searchParams.set('oauth_timestamp', String(Math.floor(now() / 1000)));
  const signature = oauthSignature({
    method,
    baseUrl: `${signed.protocol}//${signed.host}${signed.pathname}`,
    params: [...signed.searchParams.entries()],
    consumerSecret: settings.consumerSecret,
    algorithm: 'sha256',
  });
  signed.searchParams.set('oauth_signature', signature);
  return { url: signed, headers: {} };
}
