/**
 * The bad-input corpus for webhook bodies, over HTTP on a real worker (SECURITY.md, controls
 * "webhook HMAC", "request size limits"): truncated, unsigned, wrongly signed, wrongly typed,
 * compressed, empty and oversized deliveries each get a 4xx and start nothing; a correctly signed
 * delivery sent with an unusual content type is still verified on its bytes; the worker stays up.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBHOOK_BODY_LIMIT } from '../../../runtime/service/webhook-route.ts';
import { startWorker, type RunningWorker } from '../../../runtime/service/worker.ts';
import { registryWithBuiltins } from '../../../runtime/registry/builtin-connectors.ts';
import { loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const pipelineFile = fileURLToPath(
  new URL('../../fixtures/pipelines/woo-orders-example.yaml', import.meta.url),
);
const SECRET = `whsec-${randomBytes(12).toString('hex')}`;
const sign = (body: string | Buffer, secret = SECRET) =>
  createHmac('sha256', secret).update(body).digest('base64');
const order = JSON.stringify({ id: 60, status: 'processing', date_modified_gmt: '2026-11-29T08:00:00' });

let worker: RunningWorker;

beforeAll(async () => {
  const connectors = registryWithBuiltins();
  connectors.register(await loadConnectorPlugin(FIXTURE_PLUGINS[1]!));
  const tenant: Tenant = {
    id: 'hooked',
    name: 'Hooked',
    enabled: true,
    pipelines: [{ file: pipelineFile, enabled: true, everyMs: undefined }],
    toggles: { packs: {}, rules: {} },
    params: {},
    connections: {
      // nothing listens here: a run the corpus wrongly started would fail, and be seen
      shop: {
        settings: { url: 'http://127.0.0.1:9', auth: 'basic', retries: 0 },
        secrets: { consumerKey: 'ck_x', consumerSecret: 'cs_x', webhookSecret: SECRET },
      },
      ledger: { settings: {}, secrets: {} },
    },
  };
  worker = await startWorker({
    db: mongo.db(),
    connectors,
    tenants: [tenant],
    workerName: 'hooks-corpus',
    processEveryMs: 100,
  });
});

afterAll(async () => {
  await worker?.stop();
});

const signedHeaders = (body: string | Buffer, delivery: string) => ({
  'x-wc-webhook-signature': sign(body),
  'x-wc-webhook-topic': 'order.updated',
  'x-wc-webhook-resource': 'order',
  'x-wc-webhook-event': 'updated',
  'x-wc-webhook-delivery-id': delivery,
});

/** Each malformed delivery and the status it must get. */
const CORPUS: readonly {
  name: string;
  body: string | Buffer;
  headers: Record<string, string>;
  status: number;
}[] = [
  { name: 'no headers at all', body: order, headers: { 'content-type': 'application/json' }, status: 401 },
  { name: 'an empty body, unsigned', body: '', headers: {}, status: 401 },
  {
    name: 'a truncated body under the signature of the whole',
    body: order.slice(0, 20),
    headers: { ...signedHeaders(order, 'd1'), 'content-type': 'application/json' },
    status: 401,
  },
  {
    name: 'a truncated body, signed as truncated (so it verifies, and is not JSON)',
    body: order.slice(0, 20),
    headers: { ...signedHeaders(order.slice(0, 20), 'd2'), 'content-type': 'application/json' },
    status: 400,
  },
  {
    name: 'signed with another secret',
    body: order,
    headers: {
      ...signedHeaders(order, 'd3'),
      'x-wc-webhook-signature': sign(order, 'guess'),
      'content-type': 'application/json',
    },
    status: 401,
  },
  {
    name: 'a signature that is not base64',
    body: order,
    headers: {
      ...signedHeaders(order, 'd4'),
      'x-wc-webhook-signature': '%%%not-base64%%%',
      'content-type': 'application/json',
    },
    status: 401,
  },
  {
    name: 'signed, but without a topic',
    body: order,
    headers: { 'x-wc-webhook-signature': sign(order), 'content-type': 'application/json' },
    status: 400,
  },
  {
    name: 'form-encoded content type with a JSON body, wrong signature',
    body: order,
    headers: { ...signedHeaders('x', 'd5'), 'content-type': 'application/x-www-form-urlencoded' },
    status: 401,
  },
  {
    name: 'gzip-compressed body signed before compression',
    body: gzipSync(order),
    headers: {
      ...signedHeaders(order, 'd6'),
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    },
    status: 401,
  },
  {
    name: 'a creation ping with extra fields',
    body: 'webhook_id=5&evil=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 401,
  },
  {
    name: 'signed JSON nested 50 000 deep',
    body: '['.repeat(50_000) + ']'.repeat(50_000),
    headers: {
      ...signedHeaders('['.repeat(50_000) + ']'.repeat(50_000), 'd7'),
      'content-type': 'application/json',
    },
    status: 202,
  },
];

describe('the bad-input corpus: webhook bodies', () => {
  const post = (headers: Record<string, string>, body: string | Buffer, path = '/webhooks/hooked/shop') =>
    fetch(`${worker.url}${path}`, { method: 'POST', headers, body });

  it.each(CORPUS.map((c) => [c.name, c] as const))('%s', async (_name, delivery) => {
    const response = await post(delivery.headers, delivery.body);
    expect(response.status, await response.clone().text()).toBe(delivery.status);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    if (delivery.status >= 400) expect(JSON.parse(text)).toMatchObject({ error: expect.any(String) });
  });

  it(`a body over ${WEBHOOK_BODY_LIMIT / 1024 / 1024} MiB is refused with 413, unread`, async () => {
    const huge = Buffer.alloc(WEBHOOK_BODY_LIMIT + 1, 'a');
    const response = await post({ ...signedHeaders(huge, 'big'), 'content-type': 'application/json' }, huge);
    expect(response.status).toBe(413);
  });

  it('an unknown tenant or connection is 404, a correct delivery under a wrong path too', async () => {
    expect((await post(signedHeaders(order, 'p1'), order, '/webhooks/nobody/shop')).status).toBe(404);
    expect((await post(signedHeaders(order, 'p2'), order, '/webhooks/hooked/nothing')).status).toBe(404);
    expect((await post(signedHeaders(order, 'p3'), order, '/webhooks/hooked/ledger')).status).toBe(404);
  });

  it('the same signed delivery twice: accepted once, the repeat answered 200 and starting nothing', async () => {
    const headers = { ...signedHeaders(order, 'replay-1'), 'content-type': 'application/json' };
    expect((await post(headers, order)).status).toBe(202);
    const repeat = await post(headers, order);
    expect(repeat.status).toBe(200);
    expect(await repeat.json()).toEqual({ status: 'ok' });
  });

  it('the worker is still healthy after all of it', async () => {
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
  });
});
