/**
 * Flow 1 end to end (issue 7, "End-to-end"): 200 generated orders of mixed kinds (Swedish consumers and
 * companies, EU companies and consumers, exports; coupons; paid by card or not; some on hold, pending or
 * cancelled) from the WooCommerce sandbox through the runtime into the Fortnox sandbox, with 20 % of all
 * API calls to both answered with a fault (429, 500, 503, timeouts — a 500 or a timeout after the call
 * was performed). Outcome: every order that is sent has exactly one document set; every document's total
 * is the shop's total, apart from Fortnox's whole-krona rounding; nothing is dead-lettered but the refunds
 * of cash-on-delivery orders that the pipeline hands to a person by name.
 *
 * The Fortnox sandbox runs its rate-limit clock 40 times faster (25 requests per 125 ms) so that the
 * test stays short; the client's budget runs at the same speed.
 */
import { Decimal } from 'decimal.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { startOrdersWorld, type DrainResult, type OrdersWorld } from '../../../scripts/bench/orders-world.ts';

const mongo = useTestDatabase(import.meta.filename);

type Fortnox = Record<string, unknown>;
let world: OrdersWorld;
let drained: DrainResult;

beforeAll(async () => {
  world = await startOrdersWorld({
    db: mongo.db(),
    orders: 200,
    seed: 20261129,
    speed: 40,
    faultRate: 0.2,
    pageSize: 3,
  });
  drained = await world.drain(2000);
}, 400_000);
afterAll(async () => {
  await world?.stop();
});

const records = (kind: 'orders' | 'invoices') =>
  [...world.fortnox.state.tenant('1').records[kind].values()].map((stored) => stored.data as Fortnox);

describe('orders-to-fortnox end to end, 200 orders, 20 % faults', () => {
  it('drains the backlog with the faults injected', () => {
    const { fortnox, woo } = world.faults;
    console.info(
      `orders e2e: ${drained.runs} runs, ${Math.round(drained.ms)} ms; Fortnox calls ${fortnox!.stats.calls}, faulted ${fortnox!.stats.faulted} ${JSON.stringify(fortnox!.stats.byKind)}; WooCommerce calls ${woo!.stats.calls}, faulted ${woo!.stats.faulted}`,
    );
    expect(fortnox!.stats.faulted / fortnox!.stats.calls).toBeGreaterThan(0.15);
    expect(fortnox!.stats.byKind.timeout).toBeGreaterThan(0);
    expect(fortnox!.stats.byKind['500']).toBeGreaterThan(0);
  });

  it('dead-letters nothing but the refunds it hands to a person', async () => {
    const dead = await world.deadLetters();
    // A refund of an order sent as a Fortnox order only (cash on delivery: no invoice to credit) that is not
    // a refund in full of an open order stops by name for a person to settle in Fortnox (new: such refunds
    // used to pass unnoticed). The generator's refunds are partial, so each of those is handed over.
    const invoiced = new Set(
      records('invoices')
        .filter((i) => String(i.Credit) !== 'true')
        .map((i) => String(i.YourOrderNumber)),
    );
    const byHand = world.shop.woo.refunds
      .map(({ orderId }) => world.shop.woo.orders.find((o) => o.id === orderId)!)
      .filter((o) => ['processing', 'completed'].includes(String(o.status)))
      .filter((o) => !invoiced.has(String(o.number)))
      .map((o) => `order:${String(o.id)}`);
    expect(byHand.length).toBeGreaterThan(0);
    const other = dead.filter((d) => !(d.failedStep === 'orderRefundByHand' && byHand.includes(d.recordKey)));
    expect(other.map((d) => `${d.recordKey} ${d.failedStep}: ${d.error.message}`)).toEqual([]);
    expect(dead.map((d) => d.recordKey).sort()).toEqual([...new Set(byHand)].sort());
    for (const d of dead)
      expect(d.error.message).toMatch(
        /^order \d+: refunded [\d.]+ of [\d.]+ in the shop, and it is Fortnox order \d+/,
      );
  });

  it('gives every order that is sent exactly one document set, and no other order any', () => {
    const sent = world.shop.woo.orders.filter((o) => ['processing', 'completed'].includes(String(o.status)));
    const notSent = world.shop.woo.orders.filter((o) => !sent.includes(o));
    expect(sent.length).toBeGreaterThan(150);
    const orders = records('orders');
    const invoices = records('invoices').filter((i) => String(i.Credit) !== 'true');
    const byNumber = (list: Fortnox[]) => {
      const map = new Map<string, number>();
      for (const document of list) {
        const key = String(document.YourOrderNumber);
        map.set(key, (map.get(key) ?? 0) + 1);
      }
      return map;
    };
    const orderCount = byNumber(orders);
    const invoiceCount = byNumber(invoices);
    for (const order of sent) {
      const number = String(order.number);
      // paid at checkout with a gateway document-kind knows as prepaid (Stripe, Swish): an order invoiced at
      // once; the generator's "klarna" is not a WooCommerce Klarna gateway id, so it gets the default, an order
      const paidByCard =
        order.date_paid !== null && ['stripe', 'swish'].includes(String(order.payment_method));
      expect(invoiceCount.get(number) ?? 0, `invoices of order ${number}`).toBeLessThanOrEqual(1);
      expect(orderCount.get(number) ?? 0, `orders of order ${number}`).toBeLessThanOrEqual(1);
      expect(
        (invoiceCount.get(number) ?? 0) + (orderCount.get(number) ?? 0),
        `documents of ${number}`,
      ).toBeGreaterThan(0);
      if (paidByCard) expect(invoiceCount.get(number), `invoice of paid order ${number}`).toBe(1);
    }
    for (const order of notSent) {
      const number = String(order.number);
      expect(orderCount.get(number) ?? 0).toBe(0);
      expect(invoiceCount.get(number) ?? 0).toBe(0);
    }
    // nothing beyond the shop's orders, and every credit belongs to a refund
    expect(orders.every((o) => sent.some((s) => String(s.number) === String(o.YourOrderNumber)))).toBe(true);
    // a refund is credited on the order's invoice; an order sent as a Fortnox order only (cash on
    // delivery) has none yet, so its refund gets no credit invoice (a known gap, issue 7's note)
    const credits = records('invoices').filter((i) => String(i.Credit) === 'true');
    const invoiced = (id: unknown) => {
      const number = String(sent.find((s) => s.id === id)?.number ?? '');
      return number !== '' && (invoiceCount.get(number) ?? 0) > 0;
    };
    expect(credits.length).toBe(world.shop.woo.refunds.filter((r) => invoiced(r.orderId)).length);
  });

  it("matches each document's total to the shop's, apart from Fortnox's whole-krona rounding", () => {
    const sent = new Map(
      world.shop.woo.orders
        .filter((o) => ['processing', 'completed'].includes(String(o.status)))
        .map((o) => [String(o.number), new Decimal(String(o.total))]),
    );
    const documents = [
      ...records('orders'),
      ...records('invoices').filter((i) => String(i.Credit) !== 'true'),
    ];
    expect(documents.length).toBeGreaterThan(0);
    const off: string[] = [];
    for (const document of documents) {
      const expected = sent.get(String(document.YourOrderNumber))!;
      const total = new Decimal(String(document.Total));
      const roundOff = new Decimal(String(document.RoundOff ?? 0));
      // Total is rounded to whole kronor; Total − RoundOff is the exact sum of the rows
      if (total.minus(expected).abs().gte(0.5) || !total.minus(roundOff).eq(expected))
        off.push(
          `${String(document.YourOrderNumber)}: Fortnox ${total.toFixed(2)} (round-off ${roundOff.toFixed(2)}), shop ${expected.toFixed(2)}`,
        );
    }
    expect(off).toEqual([]);
  });

  it('settles every paid invoice: booked, balance 0', () => {
    const paidNumbers = new Set(
      world.shop.woo.orders
        .filter((o) => ['processing', 'completed'].includes(String(o.status)) && o.date_paid)
        .map((o) => String(o.number)),
    );
    const open = records('invoices')
      .filter((i) => String(i.Credit) !== 'true' && paidNumbers.has(String(i.YourOrderNumber)))
      .filter((i) => i.Booked !== true || !new Decimal(String(i.Balance)).eq(0))
      .map((i) => `${String(i.YourOrderNumber)}: booked ${String(i.Booked)}, balance ${String(i.Balance)}`);
    expect(open).toEqual([]);
  });
});
