import { describe, expect, it } from 'vitest';
import type { DeliveryDedupe } from '../../../../core/plugin-api/index.ts';
import connector from '../../../../connectors/woocommerce/connector.ts';
import {
  memoryDedupe,
  receiveWebhook,
  verifyDelivery,
  verifySignature,
} from '../../../../connectors/woocommerce/webhooks/index.ts';
import { referenceDeliveries } from '../../../fixtures/woocommerce/reference.ts';

const deliveries = referenceDeliveries();
const signed = deliveries.filter((d) => d.headers['X-WC-Webhook-Signature']);
const secret = deliveries[0]!.verify.secret; // "reference-webhook-secret", per the reference README

describe('recorded WooCommerce 10.0.2 deliveries', () => {
  it.each(signed.map((d, i) => [i, d] as const))('delivery %i verifies on its raw body', (_i, delivery) => {
    expect(verifySignature(delivery.body, delivery.headers['X-WC-Webhook-Signature'], secret)).toBe(true);
    const outcome = verifyDelivery(
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
    expect(verifyDelivery({ headers: ping.headers, rawBody: ping.body }, { secret })).toEqual({
      kind: 'ping',
      status: 200,
      webhookId: '5',
    });
  });

  it('a tampered body, a wrong secret and a missing signature are rejected', () => {
    const delivery = signed[0]!;
    const tampered = delivery.body.replace('"total":"407.20"', '"total":"1.00"');
    expect(tampered).not.toBe(delivery.body);
    expect(verifyDelivery({ headers: delivery.headers, rawBody: tampered }, { secret })).toMatchObject({
      kind: 'rejected',
      status: 401,
      reason: 'bad_signature',
    });
    expect(
      verifyDelivery({ headers: delivery.headers, rawBody: delivery.body }, { secret: 'wrong' }),
    ).toMatchObject({
      reason: 'bad_signature',
    });
    const { ['X-WC-Webhook-Signature']: _dropped, ...unsigned } = delivery.headers;
    expect(verifyDelivery({ headers: unsigned, rawBody: delivery.body }, { secret })).toMatchObject({
      reason: 'missing_signature',
    });
    // Re-serialising the JSON loses WooCommerce's "\/" escapes, so the signature must be checked raw.
    const reserialised = JSON.stringify(JSON.parse(delivery.body));
    expect(verifySignature(reserialised, delivery.headers['X-WC-Webhook-Signature'], secret)).toBe(false);
  });

  it('duplicates are recognised by delivery id and signature; a shared delivery id alone is not a duplicate', async () => {
    // WooCommerce's delivery id hashes webhook id and the second: two recorded deliveries share one.
    const byId = new Map<string, number>();
    for (const d of signed) {
      const id = d.headers['X-WC-Webhook-Delivery-ID']!;
      byId.set(id, (byId.get(id) ?? 0) + 1);
    }
    expect([...byId.values()].some((n) => n > 1)).toBe(true);
    const dedupe = memoryDedupe();
    const outcomes = [];
    for (const d of signed) {
      outcomes.push(await receiveWebhook({ headers: d.headers, rawBody: d.body }, { secret, dedupe }));
    }
    expect(outcomes.every((o) => o.kind === 'delivery' && !o.duplicate)).toBe(true);
    const again = await receiveWebhook(
      { headers: signed[3]!.headers, rawBody: signed[3]!.body },
      { secret, dedupe },
    );
    expect(again).toMatchObject({ kind: 'delivery', duplicate: true });
  });

  it('a persistent dedupe is asked with the delivery key; its "seen before" marks the delivery a duplicate', async () => {
    // What the runtime's MongoDB dedupe does, in a Map: insert the key, false when it was there.
    const asked: string[] = [];
    const store = new Set<string>();
    const persistent: DeliveryDedupe = {
      async firstTime(key) {
        asked.push(key);
        if (store.has(key)) return false;
        store.add(key);
        return true;
      },
    };
    const delivery = signed[0]!;
    const first = await receiveWebhook(
      { headers: delivery.headers, rawBody: delivery.body },
      { secret, dedupe: persistent },
    );
    const second = await receiveWebhook(
      { headers: delivery.headers, rawBody: delivery.body },
      { secret, dedupe: persistent },
    );
    expect([
      first.kind === 'delivery' && first.duplicate,
      second.kind === 'delivery' && second.duplicate,
    ]).toEqual([false, true]);
    expect(asked).toEqual([
      `${delivery.headers['X-WC-Webhook-Delivery-ID']}:${delivery.headers['X-WC-Webhook-Signature']}`,
      `${delivery.headers['X-WC-Webhook-Delivery-ID']}:${delivery.headers['X-WC-Webhook-Signature']}`,
    ]);
    // A rejected delivery never reaches the dedupe.
    await receiveWebhook(
      { headers: delivery.headers, rawBody: `${delivery.body} ` },
      { secret, dedupe: persistent },
    );
    expect(asked).toHaveLength(2);
  });
});

describe("the connector's webhook definition (what the runtime calls)", () => {
  const ctx = (webhookSecret?: string) => ({
    tenantId: 'shop-1',
    settings: {
      url: 'http://127.0.0.1:8080',
      consumerKey: 'ck_x',
      consumerSecret: 'cs_x',
      ...(webhookSecret ? { webhookSecret } : {}),
    },
    signal: new AbortController().signal,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });

  it('answers the ping, and hands out each event with its delivery key for the runtime’s dedupe', () => {
    const ping = deliveries.find((d) => d.body.startsWith('webhook_id='))!;
    expect(connector.webhooks!.receive(ctx(secret), { headers: ping.headers, rawBody: ping.body })).toEqual({
      kind: 'ping',
    });
    const delivery = signed[1]!;
    const request = { headers: delivery.headers, rawBody: Buffer.from(delivery.body) };
    const first = connector.webhooks!.receive(ctx(secret), request);
    expect(first).toEqual({
      kind: 'event',
      event: 'order.updated',
      duplicate: false,
      deliveryKey: `${delivery.headers['X-WC-Webhook-Delivery-ID']}:${delivery.headers['X-WC-Webhook-Signature']}`,
    });
    // The same delivery again: the same key, so the runtime's persistent dedupe finds the repeat.
    expect(connector.webhooks!.receive(ctx(secret), request)).toEqual(first);
    const other = signed[2]!;
    const otherReceipt = connector.webhooks!.receive(ctx(secret), {
      headers: other.headers,
      rawBody: other.body,
    });
    expect(otherReceipt.kind === 'event' && otherReceipt.deliveryKey).not.toBe(
      first.kind === 'event' && first.deliveryKey,
    );
  });

  it('refuses every signed delivery when the connection has no webhook secret, and wrong signatures', () => {
    const delivery = signed[2]!;
    const request = { headers: delivery.headers, rawBody: delivery.body };
    expect(connector.webhooks!.receive(ctx(), request)).toMatchObject({ kind: 'rejected', status: 401 });
    expect(connector.webhooks!.receive(ctx('not-the-secret'), request)).toEqual({
      kind: 'rejected',
      status: 401,
      reason: 'bad_signature',
    });
  });
});
