/**
 * Which WooCommerce writes the client sends again after a failure, against the sandbox: a POST that
 * creates (an order note, a webhook) only when the store cannot have acted on it (429, a connection
 * never made); otherwise its error is surfaced as an unknown outcome for the effects ledger. Writes
 * that set absolute values (PUT, a batch update) are retried as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError, type ConnectorError } from '../../../core/plugin-api/index.ts';
import { wooRequest } from '../../../connectors/woocommerce/client/index.ts';
import { startSandbox } from '../../../connectors/woocommerce/sandbox/index.ts';
import type { WooSettings } from '../../../connectors/woocommerce/settings.ts';
import { referenceSeed } from '../../fixtures/woocommerce/reference.ts';
import { sandboxTarget, silentLogger } from './support.ts';

type Target = Awaited<ReturnType<typeof sandboxTarget>>;
type Calls = { calls: { route: string; status: number }[] };

/** The codes the effects ledger takes for "never sent" (runtime/ledger/effects-ledger.ts). */
const NEVER_SENT = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WooCommerce writes whose outcome is unknown', () => {
  let target: Target;
  let orderId: number;
  const warnings: string[] = [];

  const ctx = (settings: Partial<WooSettings> = {}) => ({
    tenantId: 'test',
    settings: { ...target.settings, ...settings },
    signal: new AbortController().signal,
    logger: { ...silentLogger, warn: (message: string) => void warnings.push(message) },
  });
  const addNote = (note: string, settings: Partial<WooSettings> = {}) =>
    wooRequest(ctx(settings), { method: 'POST', path: `/orders/${orderId}/notes`, body: { note } });
  const notes = async () =>
    (await wooRequest<{ note: string }[]>(ctx(), { path: `/orders/${orderId}/notes` })).body.map(
      (n) => n.note,
    );
  const calls = async (route: string) =>
    (await target.admin<Calls>('state')).calls.filter((c) => c.route === route).map((c) => c.status);

  beforeAll(async () => {
    target = await sandboxTarget({ seed: referenceSeed() });
    const orders = await wooRequest<{ id: number }[]>(ctx(), { path: '/orders', query: { per_page: 1 } });
    orderId = orders.body[0]!.id;
  });
  afterAll(() => target.running.stop());

  const fresh = async () => {
    warnings.length = 0;
    await target.admin('reset', { callsOnly: true });
  };

  function expectUnknownOutcome(error: unknown): asserts error is ConnectorError {
    expect(isConnectorError(error)).toBe(true);
    const failure = error as ConnectorError;
    // transient and not "never sent": the ledger records the outcome as unknown and looks it up
    expect(failure.kind).toBe('transient');
    expect(NEVER_SENT).not.toContain(failure.code);
  }

  it('a note whose POST timed out after it was sent is not posted again (the store posted it once)', async () => {
    await fresh();
    await target.admin('faults', { kind: 'delay', delayMs: 600, count: 1, path: `/orders/${orderId}/notes` });
    const error = await addNote('timed out', { timeoutMs: 200 }).catch((e: unknown) => e);
    expectUnknownOutcome(error);
    await sleep(700); // the store finishes the request the client gave up on
    expect((await notes()).filter((n) => n === 'timed out')).toHaveLength(1);
    expect(await calls('POST /orders/:id/notes')).toEqual([201]);
    expect(warnings).toContain('WooCommerce write failed with an unknown outcome, not repeated');
    expect(warnings).not.toContain('WooCommerce request failed, retrying');
  });

  it('a note whose connection dropped, or that got a 5xx, is not posted again', async () => {
    await fresh();
    await target.admin('faults', { kind: 'drop', count: 1, path: `/orders/${orderId}/notes` });
    expectUnknownOutcome(await addNote('dropped').catch((e: unknown) => e));
    await target.admin('faults', { kind: '500', count: 1, path: `/orders/${orderId}/notes` });
    const error = await addNote('server error').catch((e: unknown) => e);
    expectUnknownOutcome(error);
    expect(error.status).toBe(500);
    await target.admin('faults', { kind: '503', count: 1, path: `/orders/${orderId}/notes` });
    expectUnknownOutcome(await addNote('unavailable').catch((e: unknown) => e));
    expect(await calls('POST /orders/:id/notes')).toEqual([0, 500, 503]);
    expect(await notes()).not.toEqual(expect.arrayContaining(['dropped']));
  });

  it('a webhook whose creation got a 5xx is not created again', async () => {
    await fresh();
    await target.admin('faults', { kind: '500', count: 1, path: '/webhooks' });
    const error = await wooRequest(ctx(), {
      method: 'POST',
      path: '/webhooks',
      body: { topic: 'order.updated', delivery_url: 'https://hooks.example.com/koppla', status: 'paused' },
    }).catch((e: unknown) => e);
    expectUnknownOutcome(error);
    expect(await calls('POST /webhooks')).toEqual([500]);
  });

  it('a POST refused with 429 is sent again: the host did nothing', async () => {
    await fresh();
    await target.admin('faults', { kind: '429', count: 1, path: `/orders/${orderId}/notes` });
    await addNote('after 429');
    expect(await calls('POST /orders/:id/notes')).toEqual([429, 201]);
    expect((await notes()).filter((n) => n === 'after 429')).toHaveLength(1);
  });

  it('a POST whose connection was refused is sent again: it never reached the store', async () => {
    const closed = await startSandbox({});
    const url = closed.url;
    await closed.stop();
    warnings.length = 0;
    const error = await addNote('nowhere', { url, retries: 2 }).catch((e: unknown) => e);
    expect(isConnectorError(error) && [error.kind, error.code]).toEqual(['transient', 'ECONNREFUSED']);
    expect(warnings.filter((w) => w === 'WooCommerce request failed, retrying')).toHaveLength(2);
  });

  it('writes that set absolute values are retried after an unknown outcome: PUT, and a batch update', async () => {
    await fresh();
    await target.admin('faults', { kind: 'delay', delayMs: 600, count: 1, path: `/orders/${orderId}` });
    await wooRequest(ctx({ timeoutMs: 200 }), {
      method: 'PUT',
      path: `/orders/${orderId}`,
      body: { customer_note: 'set twice, same value' },
    });
    expect(warnings).toContain('WooCommerce request failed, retrying');
    await sleep(700); // the first PUT, given up on, is done too: twice the same value
    expect(await calls('PUT /orders/:id')).toEqual([200, 200]);

    await fresh();
    const product = (await wooRequest<{ id: number }[]>(ctx(), { path: '/products', query: { per_page: 1 } }))
      .body[0]!;
    await target.admin('faults', { kind: '500', count: 1, path: '/products/batch' });
    await target.admin('faults', { kind: 'drop', count: 1, path: '/products/batch' });
    await wooRequest(ctx(), {
      method: 'POST',
      path: '/products/batch',
      body: { update: [{ id: product.id, manage_stock: true, stock_quantity: 7 }] },
      idempotent: true,
    });
    expect(await calls('POST /products/batch')).toEqual([500, 0, 200]);
    const stored = await wooRequest<{ stock_quantity: number }>(ctx(), { path: `/products/${product.id}` });
    expect(stored.body.stock_quantity).toBe(7);
  });
});
