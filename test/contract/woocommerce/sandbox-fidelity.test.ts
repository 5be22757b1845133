/**
 * The sandbox answers like the recorded WooCommerce 10.0.2 store: the same error bodies and statuses,
 * the same paging headers, the same webhook deliveries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WcOrder } from '../../../connectors/woocommerce/wc-types.ts';
import { receiveWebhook, memoryDedupe } from '../../../connectors/woocommerce/webhooks/index.ts';
import { referenceError, referenceJson, referenceSeed } from '../../fixtures/woocommerce/reference.ts';
import { sandboxTarget } from './support.ts';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

type Target = Awaited<ReturnType<typeof sandboxTarget>>;
let target: Target;
const basic = (key: string, secret: string) => `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`;

async function call(method: string, path: string, init: { auth?: string; body?: unknown } = {}) {
  const response = await fetch(`${target.running.url}/wp-json/wc/v3${path}`, {
    method,
    headers: {
      ...(init.auth ? { authorization: init.auth } : {}),
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

beforeAll(async () => {
  target = await sandboxTarget({ seed: referenceSeed(), webhookDelivery: 'manual' });
});
afterAll(() => target.running.stop());

describe('error bodies equal the recorded ones', () => {
  const good = () => basic(target.settings.consumerKey, target.settings.consumerSecret);
  it.each([
    ['no-auth', 'GET', '/orders', undefined, undefined],
    ['unknown-key', 'GET', '/orders', 'unknown', undefined],
    ['wrong-secret', 'GET', '/orders', 'wrong', undefined],
    ['unknown-order-get', 'GET', '/orders/987654', 'good', undefined],
    ['unknown-order-put', 'PUT', '/orders/987654', 'good', { status: 'completed' }],
    ['invalid-status', 'PUT', '/orders/60', 'good', { status: 'shipped' }],
    [
      'batch-over-100',
      'POST',
      '/products/batch',
      'good',
      { update: Array.from({ length: 101 }, (_, i) => ({ id: i + 1 })) },
    ],
    ['duplicate-sku', 'POST', '/products', 'good', { name: 'Copy', sku: 'PUB-TEE' }],
  ] as const)('%s', async (name, method, path, who, body) => {
    const auth =
      who === 'good'
        ? good()
        : who === 'wrong'
          ? basic(target.settings.consumerKey, 'cs_wrong')
          : who === 'unknown'
            ? basic('ck_unknown', 'cs_unknown')
            : undefined;
    const recorded = referenceError(name);
    const response = await call(method, path, { ...(auth ? { auth } : {}), ...(body ? { body } : {}) });
    expect(response.status).toBe(recorded.status);
    expect(response.body).toEqual(recorded.body);
  });

  it('a wrong secret also asks for Basic credentials (WWW-Authenticate)', async () => {
    const response = await call('GET', '/orders', { auth: basic(target.settings.consumerKey, 'cs_wrong') });
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic realm="WooCommerce API/);
  });
});

describe('lists', () => {
  const good = () => basic(target.settings.consumerKey, target.settings.consumerSecret);

  it('pages with X-WP-Total, X-WP-TotalPages and a next link, _fields and modified_after', async () => {
    const recorded = referenceJson<{ headers: Record<string, string> }>('orders', 'list-page-headers.json');
    const response = await call(
      'GET',
      '/orders?per_page=2&page=1&orderby=id&order=asc&modified_after=2020-01-01T00:00:00&dates_are_gmt=true&_fields=id,status,date_modified_gmt',
      { auth: good() },
    );
    expect(Object.keys(recorded.headers)).toEqual(
      expect.arrayContaining(['X-WP-Total', 'X-WP-TotalPages', 'Link']),
    );
    expect(response.headers.get('x-wp-total')).toBe('6');
    expect(response.headers.get('x-wp-totalpages')).toBe('3');
    expect(response.headers.get('link')).toMatch(/page=2.*rel="next"/);
    expect(response.body).toEqual([
      { id: 60, status: 'completed', date_modified_gmt: '2026-11-27T04:06:22' },
      { id: 62, status: 'processing', date_modified_gmt: '2026-11-27T04:06:18' },
    ]);
  });

  it('per_page over 100 is rest_invalid_param', async () => {
    const response = await call('GET', '/orders?per_page=101', { auth: good() });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      code: 'rest_invalid_param',
      data: { params: { per_page: expect.any(String) } },
    });
  });

  it('modified_after without dates_are_gmt compares with the site-local time (the offset is ignored)', async () => {
    // Order 66 was modified 04:06:21 UTC = 05:06:21 local; "04:30Z" is read as 04:30 local.
    const local = await call('GET', '/orders?modified_after=2026-11-27T04:30:00Z&_fields=id', {
      auth: good(),
    });
    const gmt = await call(
      'GET',
      '/orders?modified_after=2026-11-27T04:30:00Z&dates_are_gmt=true&_fields=id',
      { auth: good() },
    );
    expect((local.body as unknown as unknown[]).length).toBe(6);
    expect(gmt.body).toEqual([]);
  });

  it('finds products and variations by a SKU list, like the recording', async () => {
    const recorded = referenceJson<{ body: unknown[] }>('products', 'find-by-sku.json');
    const response = await call(
      'GET',
      '/products?sku=PUB-TEE,PUB-CAP-M&_fields=id,sku,type,parent_id,stock_quantity',
      {
        auth: good(),
      },
    );
    expect(new Set((response.body as unknown as { sku: string }[]).map((p) => p.sku))).toEqual(
      new Set((recorded.body as { sku: string }[]).map((p) => p.sku)),
    );
  });
});

describe('order status transitions and stock', () => {
  const good = () => basic(target.settings.consumerKey, target.settings.consumerSecret);

  it('cancelled restores stock, processing reduces it again', async () => {
    const stock = async () =>
      (await call('GET', '/products/50', { auth: good() })).body.stock_quantity as number;
    const before = await stock();
    expect(
      (await call('PUT', '/orders/60', { auth: good(), body: { status: 'cancelled' } })).body.status,
    ).toBe('cancelled');
    expect(await stock()).toBe(before + 2);
    await call('PUT', '/orders/60', { auth: good(), body: { status: 'processing' } });
    expect(await stock()).toBe(before);
    await call('PUT', '/orders/60', { auth: good(), body: { status: 'completed' } });
    expect(await stock()).toBe(before);
  });
});

describe('admin checkouts', () => {
  const good = () => basic(target.settings.consumerKey, target.settings.consumerSecret);

  it('places an order as a checkout does: pending → its status, stock reduced once, paid date set', async () => {
    const stock = async () =>
      (await call('GET', '/products/50', { auth: good() })).body.stock_quantity as number;
    const before = await stock();
    const order = referenceJson<Record<string, unknown>>('orders', 'a-se-b2c-coupon-shipping.json');
    const placed = await target.admin<{ orders: { id: number; status: string }[] }>('checkout', {
      orders: [{ ...order, id: 4300, number: '4300', date_paid_gmt: null }],
    });
    expect(placed.orders).toEqual([{ id: 4300, status: 'processing' }]);
    expect(await stock()).toBe(before - 2);
    const stored = (await call('GET', '/orders/4300', { auth: good() })).body;
    expect(stored.date_paid_gmt).toEqual(expect.any(String));
    const item = (stored.line_items as { meta_data: { key: string; value: string }[] }[])[0]!;
    expect(item.meta_data.filter((m) => m.key === '_reduced_stock')).toEqual([
      expect.objectContaining({ value: '2' }),
    ]);
    // A repeat of the same status changes nothing; cancelling gives the stock back.
    await call('PUT', '/orders/4300', { auth: good(), body: { status: 'processing' } });
    expect(await stock()).toBe(before - 2);
    await call('PUT', '/orders/4300', { auth: good(), body: { status: 'cancelled' } });
    expect(await stock()).toBe(before);
  });
});

describe('webhooks delivered like WooCommerce delivers them', () => {
  it('creation ping, then a signed order.updated delivery the receiver verifies', async () => {
    const received: { headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const auth = basic(target.settings.consumerKey, target.settings.consumerSecret);
      const created = await call('POST', '/webhooks', {
        auth,
        body: {
          name: 'Koppla',
          topic: 'order.updated',
          delivery_url: url,
          secret: 'reference-webhook-secret',
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).not.toHaveProperty('secret');
      expect(received[0]?.body).toBe(`webhook_id=${created.body.id}`);
      expect(received[0]?.headers['x-wc-webhook-signature']).toBeUndefined();

      // Two changes before the queue runs collapse into one delivery with the latest state.
      await call('PUT', '/orders/62', { auth, body: { status: 'on-hold' } });
      await call('PUT', '/orders/62', { auth, body: { status: 'completed' } });
      await target.admin('webhooks/flush', {});
      expect(received).toHaveLength(2);
      const delivery = received[1]!;
      expect(delivery.headers).toMatchObject({
        'x-wc-webhook-topic': 'order.updated',
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': 'updated',
        'x-wc-webhook-id': String(created.body.id),
        'x-wc-webhook-source': `${target.running.url}/`,
        'user-agent': 'WooCommerce/10.0.2 Hookshot (WordPress/6.8.8)',
      });
      expect(delivery.body).toContain('\\/wp-json\\/wc\\/v3\\/orders\\/62'); // PHP-style escaped slashes
      const outcome = await receiveWebhook(
        { headers: delivery.headers as Record<string, string>, rawBody: delivery.body },
        { secret: 'reference-webhook-secret', dedupe: memoryDedupe() },
      );
      expect(outcome).toMatchObject({ kind: 'delivery', topic: 'order.updated', duplicate: false });
      expect(outcome.kind === 'delivery' && (outcome.payload as WcOrder).status).toBe('completed');

      // The admin surface can also fire one at once.
      const fired = await target.admin<{ delivery: { status: number } }>('webhooks/fire', {
        webhookId: created.body.id,
        resourceId: 60,
      });
      expect(fired.delivery.status).toBe(200);
      expect(received).toHaveLength(3);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
