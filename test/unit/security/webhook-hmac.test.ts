/**
 * SECURITY.md, control "webhook HMAC": a delivery is believed only when its signature is the
 * HMAC-SHA256 of its raw bytes under the connection's secret, compared in constant time
 * (crypto.timingSafeEqual, never `===` on strings); and the replay window: a delivery seen before
 * (same delivery id and signature) is a duplicate that starts nothing.
 */
import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof crypto>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const { memoryDedupe, receiveWebhook, verifySignature } =
  await import('../../../connectors/woocommerce/webhooks/index.ts');

const SECRET = 'webhook-secret-for-tests';
const body = JSON.stringify({ id: 60, status: 'processing' });
const sign = (raw: string, secret = SECRET) =>
  crypto.createHmac('sha256', secret).update(raw).digest('base64');
const headers = (signature: string, delivery = 'd-1') => ({
  'x-wc-webhook-signature': signature,
  'x-wc-webhook-topic': 'order.updated',
  'x-wc-webhook-delivery-id': delivery,
});

describe('webhook HMAC', () => {
  it('compares the full signature with timingSafeEqual, for right and wrong signatures alike', () => {
    const compare = vi.mocked(crypto.timingSafeEqual);
    compare.mockClear();
    expect(verifySignature(body, sign(body), SECRET)).toBe(true);
    // one bit off in the last byte: same length, so it must reach the constant-time comparison
    const wrong = Buffer.from(sign(body), 'base64');
    wrong[wrong.length - 1]! ^= 1;
    expect(verifySignature(body, wrong.toString('base64'), SECRET)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(2);
    for (const [a, b] of compare.mock.calls) expect((a as Buffer).length).toBe((b as Buffer).length);
  });

  it('refuses a signature under another secret, a truncated one, an empty one and no secret at all', () => {
    expect(verifySignature(body, sign(body, 'other'), SECRET)).toBe(false);
    expect(verifySignature(body, sign(body).slice(0, 20), SECRET)).toBe(false);
    expect(verifySignature(body, '', SECRET)).toBe(false);
    expect(verifySignature(body, sign(body, ''), '')).toBe(false);
  });

  it('verifies the raw bytes: the same JSON re-serialized does not verify', () => {
    const raw = '{"id":60,"url":"https:\\/\\/shop.example"}';
    const reserialized = JSON.stringify(JSON.parse(raw));
    expect(verifySignature(raw, sign(raw), SECRET)).toBe(true);
    expect(verifySignature(reserialized, sign(raw), SECRET)).toBe(false);
  });
});

describe('the replay window', () => {
  it('a delivery seen before is a duplicate; a new delivery of the same order is not', async () => {
    const dedupe = memoryDedupe();
    const first = await receiveWebhook(
      { headers: headers(sign(body)), rawBody: body },
      { secret: SECRET, dedupe },
    );
    const replayed = await receiveWebhook(
      { headers: headers(sign(body)), rawBody: body },
      { secret: SECRET, dedupe },
    );
    const changed = JSON.stringify({ id: 60, status: 'completed' });
    const next = await receiveWebhook(
      { headers: headers(sign(changed)), rawBody: changed },
      { secret: SECRET, dedupe },
    );
    expect(first).toMatchObject({ kind: 'delivery', duplicate: false });
    expect(replayed).toMatchObject({ kind: 'delivery', duplicate: true });
    expect(next).toMatchObject({ kind: 'delivery', duplicate: false });
  });

  it('a delivery id cannot be forged onto another body: the signature is checked first', async () => {
    const dedupe = memoryDedupe();
    await receiveWebhook({ headers: headers(sign(body), 'd-1'), rawBody: body }, { secret: SECRET, dedupe });
    const forged = await receiveWebhook(
      { headers: headers(sign(body, 'guess'), 'd-2'), rawBody: body },
      { secret: SECRET, dedupe },
    );
    expect(forged).toMatchObject({ kind: 'rejected', status: 401, reason: 'bad_signature' });
  });
});
