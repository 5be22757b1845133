/**
 * A record that failed for good stays parked (chaos issue 10). An order whose article Fortnox does not
 * know (error 2001302) is dead-lettered; every later run re-reads it (the cursor's lookback, or a cursor
 * held before a record set aside) and must not send the doomed write again, nor fail it again: the run
 * counts it as parked. It is tried again when the shop's order changes, or when someone replays it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { demoStore, startFlow, type FlowHarness } from './flow-harness.ts';
import articles from '../../../scripts/demo/seed/fortnox-articles.json' with { type: 'json' };
import { DEFAULT_SEED } from '../../../connectors/fortnox/sandbox/index.ts';
import { DeadLetterStore } from '../../../runtime/dead-letter/dead-letter-store.ts';

const mongo = useTestDatabase(import.meta.filename);
const orderA = demoStore.orders[0]!; // (a): 2 × PUB-TEE, Stripe, paid → order, then invoice
const tee = articles.find((article) => article.ArticleNumber === 'PUB-TEE')!;

type Fortnox = Record<string, unknown>;
let flow: FlowHarness | undefined;
afterEach(async () => {
  await flow?.stop();
  flow = undefined;
});

/** The order as the shop has it, modified now: inside the lookback of the cursor the first run leaves. */
const modifiedNow = (changes: Record<string, unknown> = {}) => {
  const local = new Date().toISOString().slice(0, 19);
  return { ...orderA, date_modified: local, date_modified_gmt: local, ...changes };
};

/** Fortnox without the order's article: its rows are refused with 2001302. */
async function startWithoutArticle(): Promise<FlowHarness> {
  return startFlow({
    db: mongo.db(),
    pipeline: 'orders-to-fortnox.yaml',
    wooSeed: { products: demoStore.products, variations: demoStore.variations, orders: [modifiedNow()] },
    fortnoxSeed: { ...DEFAULT_SEED, articles: articles.filter((article) => article !== tee) },
  });
}

/** Runs the pipeline once; the Fortnox API requests it made. */
async function runCounting(f: FlowHarness) {
  const before = f.fortnox.state.requests.length;
  const outcome = await f.run();
  const requests = f.fortnox.state.requests
    .slice(before)
    .filter((entry) => entry.url.startsWith('/3/'))
    .map((entry) => `${entry.method} ${entry.url.split('?')[0]}`);
  return { outcome, requests };
}

const summaryOf = (outcome: Awaited<ReturnType<FlowHarness['run']>>) => {
  if (outcome.status === 'skipped') throw new Error(`run skipped: ${outcome.reason}`);
  return outcome.summary;
};

async function failOnce(f: FlowHarness) {
  const first = await runCounting(f);
  expect(first.outcome.status).toBe('partial');
  expect(first.requests).toContain('POST /3/orders');
  const [dead, ...more] = await f.deadLetters();
  expect(more).toEqual([]);
  expect(dead).toMatchObject({
    status: 'open',
    failedStep: 'order',
    error: { code: '2001302' },
    failures: 1,
  });
  return dead!;
}

describe('a dead-lettered order stays parked', () => {
  it('a re-read of the unchanged order sends nothing to Fortnox and adds no failure; the run counts it parked', async () => {
    flow = await startWithoutArticle();
    const dead = await failOnce(flow);

    for (let run = 0; run < 2; run++) {
      const again = await runCounting(flow);
      expect(again.requests).toEqual([]);
      expect(summaryOf(again.outcome)).toMatchObject({ read: 1, processed: 0, failed: 0, parked: 1 });
      expect(again.outcome.status).toBe('succeeded');
    }
    const [still, ...more] = await flow.deadLetters();
    expect(more).toEqual([]);
    expect(still).toMatchObject({ id: dead.id, status: 'open', failures: 1, attempts: 1 });
  });

  it('a replay after the article was added in Fortnox sends it, and the next re-read sends nothing', async () => {
    flow = await startWithoutArticle();
    const dead = await failOnce(flow);
    await flow.fortnoxApi('POST', '/3/articles', { Article: tee });

    expect(await flow.replay(dead.id)).toEqual({ status: 'resolved' });
    const orders = (await flow.fortnoxApi<{ Orders: Fortnox[] }>('GET', '/3/orders')).Orders;
    expect(orders).toHaveLength(1);
    expect((await flow.deadLetters())[0]).toMatchObject({ id: dead.id, status: 'resolved' });

    // the order went through: a re-read is answered by the effects ledger, no document is written again
    const again = await runCounting(flow);
    expect(summaryOf(again.outcome)).toMatchObject({ processed: 1, failed: 0 });
    expect(summaryOf(again.outcome).parked).toBeUndefined();
    expect(again.requests.filter((line) => !line.startsWith('GET'))).toEqual([]);
  });

  it('an order changed in the shop is tried again, and its dead letter closes when it goes through', async () => {
    flow = await startWithoutArticle();
    const dead = await failOnce(flow);
    await flow.fortnoxApi('POST', '/3/articles', { Article: tee });
    // the shop owner edits the order (a note): WooCommerce moves its modification time
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await fetch(`${flow.shop.url}/__admin/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orders: [modifiedNow({ customer_note: 'Lämna vid dörren' })] }),
    });

    const changed = await runCounting(flow);
    expect(changed.outcome.status).toBe('succeeded');
    expect(summaryOf(changed.outcome)).toMatchObject({ processed: 1 });
    expect(summaryOf(changed.outcome).parked).toBeUndefined();
    expect(changed.requests).toContain('POST /3/orders');
    const [closed, ...more] = await flow.deadLetters();
    expect(more).toEqual([]);
    expect(closed).toMatchObject({ id: dead.id, status: 'resolved' });
    expect(closed!.resolution).toMatch(/^completed in run /);
  });

  it('resolved by hand, the unchanged order stays parked: the next runs do not stop it at the same step again', async () => {
    flow = await startWithoutArticle();
    const dead = await failOnce(flow);
    // a person entered the order in Fortnox by hand (koppla resolve)
    const store = new DeadLetterStore(mongo.db());
    expect(
      (await store.resolveByHand(dead.id, { resolvedBy: 'cli:ops', note: 'entered by hand' })).outcome,
    ).toBe('resolved');

    for (let run = 0; run < 2; run++) {
      const again = await runCounting(flow);
      expect(again.requests).toEqual([]);
      expect(summaryOf(again.outcome)).toMatchObject({ read: 1, processed: 0, failed: 0, parked: 1 });
    }
    const [resolved, ...more] = await flow.deadLetters();
    expect(more).toEqual([]);
    expect(resolved).toMatchObject({ id: dead.id, status: 'resolved', resolvedBy: 'cli:ops' });

    // the shop changes the order: it is tried again; failing where the person settled it (same step,
    // same message), it opens no new dead letter and is counted parked
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await fetch(`${flow.shop.url}/__admin/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orders: [modifiedNow({ customer_note: 'Ny adress' })] }),
    });
    const changed = await runCounting(flow);
    expect(changed.requests).toContain('POST /3/orders');
    expect(summaryOf(changed.outcome)).toMatchObject({ failed: 0, parked: 1 });
    const letters = await flow.deadLetters();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ id: dead.id, status: 'resolved', resolvedBy: 'cli:ops' });
    // and the changed order, unchanged since, is parked without a call
    const after = await runCounting(flow);
    expect(after.requests).toEqual([]);
    expect(summaryOf(after.outcome)).toMatchObject({ failed: 0, parked: 1 });
  });

  it('an order changed in the shop but still failing updates its dead letter, once', async () => {
    flow = await startWithoutArticle();
    const dead = await failOnce(flow);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await fetch(`${flow.shop.url}/__admin/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orders: [modifiedNow({ customer_note: 'Ring först' })] }),
    });

    const changed = await runCounting(flow);
    expect(changed.requests).toContain('POST /3/orders');
    expect(summaryOf(changed.outcome)).toMatchObject({ failed: 1 });
    expect(summaryOf(changed.outcome).parked).toBeUndefined();
    const again = await runCounting(flow);
    expect(again.requests).toEqual([]);
    expect(summaryOf(again.outcome)).toMatchObject({ failed: 0, parked: 1 });
    const [still, ...more] = await flow.deadLetters();
    expect(more).toEqual([]);
    expect(still).toMatchObject({ id: dead.id, status: 'open', failures: 2 });
  });
});

describe('an order the stream could not read', () => {
  it('is dead-lettered at the source, parked on a re-read, and a replay reads it as the stream would', async () => {
    flow = await startFlow({
      db: mongo.db(),
      pipeline: 'orders-to-fortnox.yaml',
      wooSeed: {
        products: demoStore.products,
        variations: demoStore.variations,
        orders: [modifiedNow({ total: '999.99' })],
      },
      fortnoxSeed: { ...DEFAULT_SEED, articles },
    });
    const first = await runCounting(flow);
    expect(first.requests).toEqual([]);
    const [dead] = await flow.deadLetters();
    expect(dead).toMatchObject({ failedStep: 'source', status: 'open', error: { field: 'total' } });
    expect(summaryOf((await runCounting(flow)).outcome)).toMatchObject({ failed: 0, parked: 1 });

    // the stored order is still wrong: the replay says why, in the stream's words, and leaves it open
    const replayed = await flow.replay(dead!.id);
    expect(replayed).toMatchObject({ status: 'failed' });
    expect(replayed.message).toMatch(/999\.99/);
    expect((await flow.deadLetters())[0]).toMatchObject({ id: dead!.id, status: 'open' });
    expect(flow.fortnox.state.requests.filter((entry) => entry.method !== 'GET')).toEqual([]);
  });
});
