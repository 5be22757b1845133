import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * True when `signature` (the `X-WC-Webhook-Signature` header) is base64(HMAC-SHA256(raw body,
 * secret)). Checked on the raw bytes as received, before any JSON parsing (re-serialising changes
 * WooCommerce's `\/` escapes), and compared in constant time.
 */
export function verifySignature(
  rawBody: Buffer | string,
  signature: string | undefined,
  secret: string,
): boolean {
  if (!signature || !secret) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(signature.trim(), 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
