/**
 * Fuzzing the webhook parser (WooCommerce's verifyDelivery and the connector's receive, which the
 * runtime's endpoint calls): random bytes, random and repeated headers, signatures that are random,
 * truncated or right for a random body. It never throws; it answers ping, delivery or a 400/401
 * refusal; and only a body signed with the secret is ever believed. Bounded, seeded, heap bounded.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verifyDelivery } from '../../../connectors/woocommerce/webhooks/index.ts';
import { wooWebhooks } from '../../../connectors/woocommerce/webhooks/definition.ts';
import type { Logger } from '../../../core/plugin-api/index.ts';
import { FUZZ_TEST_TIMEOUT, fuzz, HEAP_GROWTH_LIMIT } from './fuzz-budget.ts';

const SECRET = 'fuzz-webhook-secret';
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
const receiver = wooWebhooks();

const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? ''),
  fc.string({ maxLength: 200 }),
  fc.constantFrom('webhook_id=5', 'webhook_id=', 'webhook_id=5&x=1', '{"id":', '[[[[[[[[', '\uFEFF{}', ''),
  fc.nat({ max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
);

const headerValue = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.array(fc.string({ maxLength: 20 }), { maxLength: 3 }),
  fc.constant(undefined),
);

const headerName = fc.constantFrom(
  'x-wc-webhook-signature',
  'X-WC-Webhook-Signature',
  'x-wc-webhook-topic',
  'x-wc-webhook-delivery-id',
  'x-wc-webhook-id',
  'x-wc-webhook-resource',
  'x-wc-webhook-event',
  'x-wc-webhook-source',
  'content-type',
  '__proto__',
  'constructor',
);

/** How the request is signed: not at all, randomly, truncated, with another secret, or right. */
const signing = fc.constantFrom('none', 'random', 'truncated', 'other-secret', 'right');

const request = fc.record({
  body,
  headers: fc.dictionary(headerName, headerValue, { maxKeys: 8 }),
  signing,
  topic: fc.oneof(fc.constantFrom('order.updated', 'order.created', 'product.updated', '.', ''), fc.string()),
});

type Request = typeof request extends fc.Arbitrary<infer T> ? T : never;

function check({ body: raw, headers, signing: how, topic }: Request): void {
  const hmac = (secret: string) => createHmac('sha256', secret).update(raw).digest('base64');
  const signature =
    how === 'right'
      ? hmac(SECRET)
      : how === 'other-secret'
        ? hmac('not-the-secret')
        : how === 'truncated'
          ? hmac(SECRET).slice(0, 12)
          : how === 'random'
            ? String(headers['x-wc-webhook-signature'] ?? 'AAAA')
            : undefined;
  const all: Record<string, string | readonly string[] | undefined> = { ...headers };
  if (signature !== undefined) {
    all['x-wc-webhook-signature'] = signature;
    all['x-wc-webhook-topic'] = topic;
  }
  const outcome = verifyDelivery({ headers: all, rawBody: raw }, { secret: SECRET });
  expect(['ping', 'delivery', 'rejected']).toContain(outcome.kind);
  if (outcome.kind === 'rejected') expect([400, 401]).toContain(outcome.status);
  // only the right signature over these exact bytes makes a delivery
  if (outcome.kind === 'delivery') expect(how === 'right' || how === 'random').toBe(true);
  if (how === 'other-secret' || how === 'truncated') expect(outcome.kind).toBe('rejected');
  const receipt = receiver.receive(
    {
      tenantId: 'fuzz',
      settings: { webhookSecret: SECRET },
      signal: new AbortController().signal,
      logger: silent,
    },
    { headers: all, rawBody: raw },
  );
  expect(['ping', 'event', 'rejected']).toContain(receipt.kind);
}

describe('fuzz: webhook parser', () => {
  it(
    'never throws; believes only correctly signed bodies',
    () => {
      const report = fuzz('webhook-parser', request, check);
      expect(report.heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT);
    },
    FUZZ_TEST_TIMEOUT,
  );
});
