import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  apiUrl,
  authorize,
  oauthSignature,
  wooError,
} from '../../../../connectors/woocommerce/client/index.ts';
import { referenceError } from '../../../fixtures/woocommerce/reference.ts';

const settings = { url: 'http://shop.example.test/', consumerKey: 'ck_abc', consumerSecret: 'cs_s3cret' };

describe('OAuth 1.0a signing (WooCommerce, one-legged, HMAC-SHA256)', () => {
  it('signs the base string METHOD&enc(url)&enc(sorted, encoded params) with "secret&"', () => {
    // Written out by hand: keys sorted, values RFC 3986-encoded, the whole list encoded once more.
    const base =
      'GET&http%3A%2F%2Fshop.example.test%2Fwp-json%2Fwc%2Fv3%2Forders&' +
      'dates_are_gmt%3Dtrue%26modified_after%3D2026-11-27T04%253A06%253A17%26oauth_consumer_key%3Dck_abc%26' +
      'oauth_nonce%3Dn1%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1800000000%26' +
      'status%3Dprocessing%252Ccompleted';
    const expected = createHmac('sha256', 'cs_s3cret&').update(base).digest('base64');
    const signature = oauthSignature({
      method: 'get',
      baseUrl: 'http://shop.example.test/wp-json/wc/v3/orders',
      params: [
        ['status', 'processing,completed'],
        ['oauth_timestamp', '1800000000'],
        ['oauth_signature_method', 'HMAC-SHA256'],
        ['oauth_nonce', 'n1'],
        ['oauth_consumer_key', 'ck_abc'],
        ['modified_after', '2026-11-27T04:06:17'],
        ['dates_are_gmt', 'true'],
      ],
      consumerSecret: 'cs_s3cret',
      algorithm: 'sha256',
    });
    expect(signature).toBe(expected);
  });

  it('authorize() picks OAuth for http:// and Basic for https://, and lists go comma-separated', () => {
    const url = apiUrl(settings, '/orders', { status: ['processing', 'completed'], page: 2 });
    expect(url.href).toBe(
      'http://shop.example.test/wp-json/wc/v3/orders?status=processing%2Ccompleted&page=2',
    );
    const oauth = authorize('GET', url, settings, () => 1_800_000_000_000);
    expect(oauth.headers).toEqual({});
    expect(oauth.url.searchParams.get('oauth_signature_method')).toBe('HMAC-SHA256');
    expect(oauth.url.searchParams.get('oauth_timestamp')).toBe('1800000000');
    expect(oauth.url.href).not.toContain('cs_s3cret');
    const https = authorize('GET', url, { ...settings, url: 'https://shop.example.test' });
    expect(https.headers.authorization).toBe(`Basic ${Buffer.from('ck_abc:cs_s3cret').toString('base64')}`);
  });
});

describe('wooError maps WooCommerce errors to core errors', () => {
  const map = (name: string) => {
    const recorded = referenceError(name);
    return wooError(recorded.status, JSON.stringify(recorded.body), {
      method: 'GET',
      path: '/x',
      secrets: ['cs_s3cret'],
    });
  };
  it.each([
    ['wrong-secret', 'auth', 401, 'woocommerce_rest_authentication_error', undefined],
    ['no-auth', 'auth', 401, 'woocommerce_rest_cannot_view', undefined],
    ['unknown-order-get', 'not_found', 404, 'woocommerce_rest_shop_order_invalid_id', undefined],
    ['unknown-order-put', 'not_found', 400, 'woocommerce_rest_shop_order_invalid_id', undefined],
    ['invalid-status', 'validation', 400, 'rest_invalid_param', 'status'],
    ['duplicate-sku', 'conflict', 400, 'product_invalid_sku', 'sku'],
    ['batch-over-100', 'validation', 413, 'woocommerce_rest_request_entity_too_large', undefined],
  ])('%s → %s', (name, kind, status, code, field) => {
    const error = map(name);
    expect({ kind: error.kind, status: error.status, code: error.code, field: error.field }).toEqual({
      kind,
      status,
      code,
      field,
    });
    expect(error.retryable).toBe(false);
  });

  it('5xx and 429 are retryable; a secret echoed by a proxy is redacted', () => {
    const error = wooError(502, '<html>bad gateway for consumer_secret=cs_s3cret</html>', {
      method: 'GET',
      path: '/orders',
      secrets: ['cs_s3cret'],
    });
    expect(error.kind).toBe('transient');
    expect(JSON.stringify(error.toJSON())).not.toContain('cs_s3cret');
    expect(wooError(429, '', { method: 'GET', path: '/', secrets: [], retryAfter: '2' })).toMatchObject({
      kind: 'rate_limited',
      retryAfterMs: 2000,
    });
  });
});
