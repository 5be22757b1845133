/**
 * `registerWebhooks` against the sandbox: the webhooks Koppla needs are created once, kept, and
 * re-activated after WooCommerce disabled them; what they then deliver verifies with our secret.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wooRequest } from '../../../connectors/woocommerce/client/index.ts';
import {
  memoryDedupe,
  receiveWebhook,
  registerWebhooks,
} from '../../../connectors/woocommerce/webhooks/index.ts';
import { referenceJson, referenceSeed } from '../../fixtures/woocommerce/reference.ts';
import { sandboxTarget } from './support.ts';

type Target = Awaited<ReturnType<typeof sandboxTarget>>;
type State = {
  callCounts: Record<string, number>;
  webhooks: { id: number; topic: string; status: string }[];
};

const SECRET = 'koppla-webhook-secret';
let target: Target;
let server: Server;
let deliveryUrl: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];
/** What the receiving end answers; WooCommerce counts anything but 2xx/301/302 as a failure. */
let answer = 200;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  deliveryUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shop-1/shop`;
  target = await sandboxTarget({ seed: referenceSeed(), webhookDelivery: 'manual' });
});
afterAll(async () => {
  await target.running.stop();
  await new Promise((resolve) => server.close(resolve));
});

const state = () => target.admin<State>('state');
const register = () => registerWebhooks(target.ctx, { deliveryUrl, secret: SECRET });

describe('registerWebhooks', () => {
  it('creates order.created and order.updated once (each pinged), then keeps them', async () => {
    await target.admin('reset', { callsOnly: true });
    const created = await register();
    expect(created.map((w) => [w.topic, w.action])).toEqual([
      ['order.created', 'created'],
      ['order.updated', 'created'],
    ]);
    expect((await state()).callCounts).toEqual({ 'GET /webhooks': 1, 'POST /webhooks': 2 });
    expect(received.map((r) => r.body)).toEqual(created.map((w) => `webhook_id=${w.id}`));

    await target.admin('reset', { callsOnly: true });
    const again = await register();
    expect(again.map((w) => [w.id, w.action])).toEqual(created.map((w) => [w.id, 'kept']));
    expect((await state()).callCounts).toEqual({ 'GET /webhooks': 1 });
  });

  it('deliveries of the registered webhooks verify with our secret; a checkout sends order.created', async () => {
    received.length = 0;
    const dedupe = memoryDedupe();
    const order = referenceJson<Record<string, unknown>>('orders', 'c-de-b2c.json');
    await target.admin('checkout', { orders: [{ ...order, id: 4242, number: '4242' }] });
    await wooRequest(target.ctx, { method: 'PUT', path: '/orders/62', body: { status: 'completed' } });
    await target.admin('webhooks/flush', {});
    const outcomes = await Promise.all(
      received.map((r) =>
        receiveWebhook(
          { headers: r.headers as Record<string, string>, rawBody: r.body },
          { secret: SECRET, dedupe },
        ),
      ),
    );
    expect(
      outcomes.map((o) => o.kind === 'delivery' && [o.topic, (o.payload as { id: number }).id, o.duplicate]),
    ).toEqual([
      ['order.created', 4242, false],
      ['order.updated', 62, false],
    ]);
  });

  it('re-activates a webhook WooCommerce disabled after failed deliveries', async () => {
    answer = 500;
    // WooCommerce disables a webhook on the failure that finds failure_count already above 5 (the 7th).
    for (let i = 0; i < 7; i++) {
      await target.admin('webhooks/fire', { topic: 'order.updated', resourceId: 62 });
    }
    answer = 200;
    const disabled = (await state()).webhooks.find((w) => w.topic === 'order.updated');
    expect(disabled?.status).toBe('disabled');

    await target.admin('reset', { callsOnly: true });
    const result = await register();
    expect(result.map((w) => [w.topic, w.action])).toEqual([
      ['order.created', 'kept'],
      ['order.updated', 'reactivated'],
    ]);
    expect((await state()).callCounts).toEqual({ 'GET /webhooks': 1, 'PUT /webhooks/:id': 1 });
    expect((await state()).webhooks.map((w) => w.status)).toEqual(['active', 'active']);
  });
});
