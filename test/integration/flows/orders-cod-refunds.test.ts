/**
 * Refunds of an order sent as a Fortnox order only (cash on delivery: document kind order), with the real
 * runtime (effects ledger, cursor, dead letters) and both sandboxes. There is no invoice to credit: a full
 * refund of an order still open in Fortnox cancels it, once; a partial refund, or an invoice a person made
 * from it but has not booked, is handed to a person as a dead letter that names the order and what to do,
 * and nothing is sent to Fortnox; once that invoice is booked, a replay credits it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { demoStore, startFlow, type FlowHarness } from './flow-harness.ts';
import articles from '../../../scripts/demo/seed/fortnox-articles.json' with { type: 'json' };
import { DEFAULT_SEED } from '../../../connectors/fortnox/sandbox/index.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
} from '../../../connectors/woocommerce/sandbox/index.ts';

const mongo = useTestDatabase(import.meta.filename);

type WooDoc = Record<string, unknown>;
type Fortnox = Record<string, unknown>;
const orderA = demoStore.orders[0]!; // (a): Eva, SE consumer, 407.20

let flow: FlowHarness;
let nextId = 9100;
let seconds = 0;

const stamp = (): string => new Date(Date.now() + ++seconds * 1000).toISOString().slice(0, 19);

/** A cash-on-delivery order like (a), processing and paid (WooCommerce sets date_paid on processing). */
function codOrder(): WooDoc {
  const id = ++nextId;
  const modified = stamp();
  return {
    ...orderA,
    id,
    number: String(id),
    status: 'processing',
    payment_method: 'cod',
    payment_method_title: 'Postförskott',
    transaction_id: '',
    date_paid: modified,
    date_paid_gmt: modified,
    date_completed: null,
    date_completed_gmt: null,
    date_modified: modified,
    date_modified_gmt: modified,
    refunds: [],
  };
}

async function seedShop(seed: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${flow.shop.url}/__admin/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(seed),
  });
  expect(response.ok).toBe(true);
}

/** The shop owner refunds the whole order: status refunded (WooCommerce records a refund of the rest). */
async function refundInFull(order: WooDoc): Promise<void> {
  const response = await fetch(`${flow.shop.url}/wp-json/wc/v3/orders/${String(order.id)}`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/json',
      authorization: `Basic ${Buffer.from(`${SANDBOX_CONSUMER_KEY}:${SANDBOX_CONSUMER_SECRET}`).toString('base64')}`,
    },
    body: JSON.stringify({ status: 'refunded' }),
  });
  expect(response.status).toBe(200);
}

/** The shop owner refunds part of the order (the freight), as WooCommerce stores it. */
async function refundInPart(order: WooDoc, amount: string): Promise<void> {
  const id = ++nextId;
  const modified = stamp();
  await seedShop({
    orders: [
      {
        ...order,
        date_modified: modified,
        date_modified_gmt: modified,
        refunds: [{ id, reason: 'Frakten tillbaka', total: `-${amount}` }],
      },
    ],
    refunds: [
      {
        orderId: order.id,
        refund: {
          id,
          date_created: modified,
          date_created_gmt: modified,
          amount,
          reason: 'Frakten tillbaka',
          refunded_by: 1,
          refunded_payment: false,
          meta_data: [],
          line_items: [],
          shipping_lines: [],
          tax_lines: [],
          fee_lines: [],
        },
      },
    ],
  });
}

const fortnoxOrder = (order: WooDoc): Fortnox | undefined =>
  [...flow.fortnox.state.tenant('1').records.orders.values()]
    .map((stored) => stored.data as Fortnox)
    .find((o) => String(o.YourOrderNumber) === String(order.number));

const invoicesOf = (order: WooDoc): Fortnox[] =>
  [...flow.fortnox.state.tenant('1').records.invoices.values()]
    .map((stored) => stored.data as Fortnox)
    .filter((i) => String(i.YourOrderNumber) === String(order.number));

/** Runs the pipeline and returns the Fortnox writes (method and path) the run made. */
async function runAndTakeWrites(): Promise<{ status: string; processed: number; writes: string[] }> {
  const before = flow.fortnox.state.requests.length;
  const outcome = await flow.run();
  const processed = outcome.status === 'skipped' ? 0 : outcome.summary.processed;
  const writes = flow.fortnox.state.requests
    .slice(before)
    .filter((entry) => entry.url.startsWith('/3/') && entry.method !== 'GET')
    .map((entry) => `${entry.method} ${entry.url.split('?')[0]}`);
  return { status: outcome.status, processed, writes };
}

const openDeadLetterOf = async (order: WooDoc) =>
  (await flow.deadLetters()).find((d) => d.recordKey === `order:${String(order.id)}` && d.status === 'open');

/** Places a cash-on-delivery order and sends it: a Fortnox order only, still open. */
async function placedAndSent(): Promise<{ order: WooDoc; document: string }> {
  const order = codOrder();
  await seedShop({ orders: [order] });
  const { status, writes } = await runAndTakeWrites();
  expect(status).toBe('succeeded');
  expect(writes).toContain('POST /3/orders');
  const sent = fortnoxOrder(order);
  expect(sent, `Fortnox order for ${String(order.number)}`).toBeDefined();
  expect(sent!.Cancelled).toBe(false);
  expect(invoicesOf(order)).toEqual([]);
  return { order, document: String(sent!.DocumentNumber) };
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

describe('orders-to-fortnox: refunds of a cash-on-delivery order (a Fortnox order only)', () => {
  it('refunded in full while the Fortnox order is open: the order is cancelled once, a second run sends nothing', async () => {
    const { order, document } = await placedAndSent();

    await refundInFull(order);
    const first = await runAndTakeWrites();
    expect(first.status).toBe('succeeded');
    expect(first.writes).toEqual([`PUT /3/orders/${document}/cancel`]);
    expect(fortnoxOrder(order)!.Cancelled).toBe(true);
    expect(invoicesOf(order)).toEqual([]);
    expect(await openDeadLetterOf(order)).toBeUndefined();

    // the order changes again in the shop (read again): the cancellation answers from the effects ledger
    const modified = stamp();
    const current = flow.shop.state.orders.get(Number(order.id))!;
    await seedShop({ orders: [{ ...current, date_modified: modified, date_modified_gmt: modified }] });
    const second = await runAndTakeWrites();
    expect(second.status).toBe('succeeded');
    expect(second.processed).toBeGreaterThanOrEqual(1);
    expect(second.writes).toEqual([]);
    expect(await openDeadLetterOf(order)).toBeUndefined();
  });

  it('refunded in part: nothing sent to Fortnox; a dead letter names the order, the Fortnox order and what to do', async () => {
    const { order, document } = await placedAndSent();

    await refundInPart(order, '49.00');
    const run = await runAndTakeWrites();
    expect(run.status).toBe('partial');
    expect(run.writes).toEqual([]);
    expect(fortnoxOrder(order)!.Cancelled).toBe(false);
    expect(invoicesOf(order)).toEqual([]);
    const dead = await openDeadLetterOf(order);
    expect(dead?.failedStep).toBe('orderRefundByHand');
    expect(dead?.error.message).toBe(
      `order ${String(order.number)}: refunded 49.00 of 407.20 in the shop, and it is Fortnox order ${document}, an order only and still open, so not cancelled for a partial refund: adjust the order in Fortnox (or credit its invoice once invoiced), then resolve this dead letter`,
    );
  });

  it('invoiced by hand in Fortnox, then refunded in full: unbooked, a dead letter asks to book it; booked and replayed, that invoice is credited once', async () => {
    const { order, document } = await placedAndSent();
    // the warehouse delivers and invoices the order in Fortnox, but nobody books the invoice yet
    await flow.fortnoxApi('PUT', `/3/orders/${document}/createinvoice`);
    const invoice = String(fortnoxOrder(order)!.InvoiceReference);
    expect(invoice).not.toBe('0');

    await refundInFull(order);
    const run = await runAndTakeWrites();
    expect(run.status).toBe('partial');
    expect(run.writes).toEqual([]);
    expect(fortnoxOrder(order)!.Cancelled).toBe(false);
    expect(invoicesOf(order).filter((i) => String(i.Credit) === 'true')).toEqual([]);
    const dead = await openDeadLetterOf(order);
    expect(dead?.failedStep).toBe('orderRefundByHand');
    expect(dead?.error.message).toBe(
      `order ${String(order.number)}: refunded 407.20 of 407.20 in the shop, and it is Fortnox order ${document}, which was invoiced in Fortnox (invoice ${invoice}, not booked yet): book it in Fortnox and replay this dead letter (Koppla then credits it), or credit it by hand, then resolve this dead letter`,
    );

    // the person books it and replays: Koppla credits that invoice in full (Fortnox copies its rows)
    await flow.fortnoxApi('PUT', `/3/invoices/${invoice}/bookkeep`);
    const before = flow.fortnox.state.requests.length;
    expect(await flow.replay(dead!.id)).toEqual({ status: 'resolved' });
    const writes = flow.fortnox.state.requests
      .slice(before)
      .filter((entry) => entry.url.startsWith('/3/') && entry.method !== 'GET')
      .map((entry) => `${entry.method} ${entry.url.split('?')[0]}`);
    const credits = invoicesOf(order).filter((i) => String(i.Credit) === 'true');
    expect(credits).toHaveLength(1);
    // Fortnox's own full credit, then the shop's references set on the credit invoice
    expect(writes).toEqual([
      `PUT /3/invoices/${invoice}/credit`,
      `PUT /3/invoices/${String(credits[0]!.DocumentNumber)}`,
    ]);
    expect(credits[0]).toMatchObject({ YourOrderNumber: String(order.number) });
    expect(String(credits[0]!.CreditInvoiceReference)).toBe(invoice);
    expect(Number(credits[0]!.Total)).toBe(
      -Number(invoicesOf(order).find((i) => String(i.Credit) !== 'true')!.Total),
    );
    expect(fortnoxOrder(order)!.Cancelled).toBe(false);

    // read again: nothing is credited twice
    const again = await runAndTakeWrites();
    expect(again.writes).toEqual([]);
    expect(invoicesOf(order).filter((i) => String(i.Credit) === 'true')).toHaveLength(1);
    expect(await openDeadLetterOf(order)).toBeUndefined();
  });
});
