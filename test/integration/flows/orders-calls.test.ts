/**
 * Flow 1's Fortnox request budget, counted on the Fortnox sandbox with the real runtime (effects
 * ledger, cursor) and both sandboxes: how many requests one new order costs, per document kind, for a
 * new and for a returning customer (issue 7, "Speed": ≤ 3 for an order or an invoice, + 1 for
 * createinvoice when both). Settling a paid invoice (bookkeep, the payment and its booking) is counted
 * apart: it is bookkeeping the shop asked for, not the document set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { demoStore, startFlow, type FlowHarness } from './flow-harness.ts';
import articles from '../../../scripts/demo/seed/fortnox-articles.json' with { type: 'json' };
import { DEFAULT_SEED } from '../../../connectors/fortnox/sandbox/index.ts';

const mongo = useTestDatabase(import.meta.filename);

type WooDoc = Record<string, unknown>;
const orderA = demoStore.orders[0]!; // (a): Eva, SE consumer, Stripe, paid → both

let flow: FlowHarness;
let nextId = 9000;
let seconds = 0;

/** A new WooCommerce order like (a), modified now (after the cursor), with the given changes. */
function newOrder(changes: WooDoc = {}): WooDoc {
  const id = ++nextId;
  const modified = new Date(Date.now() + ++seconds * 1000);
  const local = modified.toISOString().slice(0, 19);
  return {
    ...orderA,
    id,
    number: String(id),
    date_modified: local,
    date_modified_gmt: local,
    refunds: [],
    ...changes,
  };
}

interface Counted {
  readonly total: number;
  readonly customer: number;
  readonly document: number;
  readonly settlement: number;
  readonly other: number;
  readonly log: string[];
}

/** Seeds one order, runs the pipeline, and sorts the Fortnox requests the run made. */
async function countOne(order: WooDoc): Promise<Counted> {
  const before = flow.fortnox.state.requests.length;
  await fetch(`${flow.shop.url}/__admin/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orders: [order] }),
  });
  const outcome = await flow.run();
  expect(outcome.status).toBe('succeeded');
  const log = flow.fortnox.state.requests
    .slice(before)
    .filter((entry) => entry.url.startsWith('/3/'))
    .map((entry) => `${entry.method} ${entry.url.split('?')[0]}`);
  const count = (test: (line: string) => boolean) => log.filter(test).length;
  const customer = count((line) => line.includes('/3/customers'));
  const document = count(
    (line) => /^POST \/3\/(orders|invoices)$/.test(line) || line.endsWith('/createinvoice'),
  );
  const settlement = count((line) => line.endsWith('/bookkeep') || line.includes('/3/invoicepayments'));
  return {
    total: log.length,
    customer,
    document,
    settlement,
    other: log.length - customer - document - settlement,
    log,
  };
}

beforeAll(async () => {
  flow = await startFlow({
    db: mongo.db(),
    pipeline: 'orders-to-fortnox.yaml',
    wooSeed: { products: demoStore.products, variations: demoStore.variations, orders: [] },
    fortnoxSeed: { ...DEFAULT_SEED, articles },
  });
});
afterAll(async () => {
  await flow?.stop();
});

describe('Fortnox requests per new order (orders-to-fortnox on the sandbox, with the runtime)', () => {
  const figures: string[] = [];
  afterAll(() => {
    console.info(`Fortnox requests per new order:\n${figures.join('\n')}`);
  });
  const note = (name: string, counted: Counted) =>
    figures.push(
      `  ${name}: ${counted.total} (customer ${counted.customer}, documents ${counted.document}, bookkeeping and payment ${counted.settlement}, other ${counted.other}) — ${counted.log.join(', ')}`,
    );

  it('both (paid by card), new customer: find + create the customer, the order, createinvoice', async () => {
    const counted = await countOne(newOrder());
    note('both, new customer', counted);
    expect(counted.customer).toBe(2);
    expect(counted.customer + counted.document).toBeLessThanOrEqual(4);
    // bookkeep the invoice, register the payment, book the payment: one request each, no reads first
    expect(counted.settlement).toBe(3);
    expect(counted.other).toBe(0);
  });

  it('both, returning customer with unchanged fields: the customer costs nothing', async () => {
    const counted = await countOne(newOrder());
    note('both, returning customer', counted);
    expect(counted.customer).toBe(0);
    expect(counted.document).toBe(2);
    expect(counted.total).toBe(5);
  });

  it('order only (cash on delivery), returning customer: one request', async () => {
    const counted = await countOne(
      newOrder({
        payment_method: 'cod',
        payment_method_title: 'Postförskott',
        date_paid: null,
        date_paid_gmt: null,
      }),
    );
    note('order, returning customer', counted);
    expect(counted.total).toBe(1);
  });

  it('invoice (bank transfer, not paid), new customer: find + create + the invoice, then bookkeep', async () => {
    const billing = { ...(orderA.billing as WooDoc), email: 'ny.kund@example.test' };
    const counted = await countOne(
      newOrder({
        billing,
        payment_method: 'bacs',
        payment_method_title: 'Banköverföring',
        date_paid: null,
        date_paid_gmt: null,
        status: 'processing',
      }),
    );
    note('invoice, new customer', counted);
    expect(counted.customer + counted.document).toBeLessThanOrEqual(3);
    expect(counted.settlement).toBe(1);
  });

  it('a returning customer whose card changed (new address): one find-and-update before the document', async () => {
    const billing = { ...(orderA.billing as WooDoc), address_1: 'Nygatan 5' };
    const counted = await countOne(newOrder({ billing }));
    note('both, returning customer with a new address', counted);
    expect(counted.log.some((line) => /^PUT \/3\/customers\/\d+$/.test(line))).toBe(true);
    expect(counted.log.findIndex((line) => line.startsWith('PUT /3/customers'))).toBeLessThan(
      counted.log.indexOf('POST /3/orders'),
    );
  });
});
