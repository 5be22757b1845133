import { describe, expect, it } from 'vitest';
import {
  memoryDedupe,
  receiveWebhook,
  verifySignature,
} from '../../../../connectors/woocommerce/webhooks/index.ts';
import { referenceDeliveries } from '../../../fixtures/woocommerce/reference.ts';

const deliveries = referenceDeliveries();
const signed = deliveries.filter((d) => d.headers['X-WC-Webhook-Signature']);
const secret = deliveries[0]!.verify.secret; // "reference-webhook-secret", per the reference README

describe('recorded WooCommerce 10.0.2 deliveries', () => {
  it.each(signed.map((d, i) => [i, d] as const))('delivery %i verifies on its raw body', (_i, delivery) => {
    expect(verifySignature(delivery.body, delivery.headers['X-WC-Webhook-Signature'], secret)).toBe(true);
    const outcome = receiveWebhook(
      { headers: delivery.headers, rawBody: Buffer.from(delivery.body) },
      { secret },
    );
    expect(outcome).toMatchObject({
      kind: 'delivery',
      status: 200,
      topic: 'order.updated',
      resource: 'order',
      event: 'updated',
      webhookId: '5',
      source: 'http://127.0.0.1:8080/',
      duplicate: false,
    });
  });

  it('the creation ping is recognised and answered 200, unsigned', () => {
    const ping = deliveries.find((d) => d.body.startsWith('webhook_id='))!;
    expect(receiveWebhook({ headers: ping.headers, rawBody: ping.body }, { secret })).toEqual({
      kind: 'ping',
      status: 200,
      webhookId: '5',
    });
  });

  it('a tampered body, a wrong secret and a missing signature are rejected', () => {
    const delivery = signed[0]!;
    const tampered = delivery.body.replace('"total":"407.20"', '"total":"1.00"');
    expect(tampered).not.toBe(delivery.body);
    expect(receiveWebhook({ headers: delivery.headers, rawBody: tampered }, { secret })).toMatchObject({
      kind: 'rejected',
      status: 401,
      reason: 'bad_signature',
    });
    expect(
      receiveWebhook({ headers: delivery.headers, rawBody: delivery.body }, { secret: 'wrong' }),
    ).toMatchObject({
      reason: 'bad_signature',
    });
    const { ['X-WC-Webhook-Signature']: _dropped, ...unsigned } = delivery.headers;
    expect(receiveWebhook({ headers: unsigned, rawBody: delivery.body }, { secret })).toMatchObject({
      reason: 'missing_signature',
    });
    // Re-serialising the JSON loses WooCommerce's "\/" escapes, so the signature must be checked raw.
    const reserialised = JSON.stringify(JSON.parse(delivery.body));
    expect(verifySignature(reserialised, delivery.headers['X-WC-Webhook-Signature'], secret)).toBe(false);
  });

  it('duplicates are recognised by delivery id and signature; a shared delivery id alone is not a duplicate', () => {
    // WooCommerce's delivery id hashes webhook id and the second: two recorded deliveries share one.
    const byId = new Map<string, number>();
    for (const d of signed) {
      const id = d.headers['X-WC-Webhook-Delivery-ID']!;
      byId.set(id, (byId.get(id) ?? 0) + 1);
    }
    expect([...byId.values()].some((n) => n > 1)).toBe(true);
    const dedupe = memoryDedupe();
    const outcomes = signed.map((d) =>
      receiveWebhook({ headers: d.headers, rawBody: d.body }, { secret, dedupe }),
    );
    expect(outcomes.every((o) => o.kind === 'delivery' && !o.duplicate)).toBe(true);
    const again = receiveWebhook(
      { headers: signed[3]!.headers, rawBody: signed[3]!.body },
      { secret, dedupe },
    );
    expect(again).toMatchObject({ kind: 'delivery', duplicate: true });
  });
});
