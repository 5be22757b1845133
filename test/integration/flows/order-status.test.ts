/**
 * Flow 2 end to end: Fortnox orders (as flow 1 writes them: the shop's order number in YourOrderNumber
 * and ExternalInvoiceReference1) → pipelines/order-status-to-woocommerce.yaml → WooCommerce statuses,
 * on both sandboxes and the real runtime.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { demoStore, startFlow, type FlowHarness } from './flow-harness.ts';

const mongo = useTestDatabase(import.meta.filename);

const wooOrder = (id: number) => ({ ...demoStore.orders[0], id, number: String(id), status: 'processing' });
const fortnoxOrder = (number: string, shopOrder: string) => ({
  DocumentNumber: number,
  CustomerNumber: '1',
  YourOrderNumber: shopOrder,
  ExternalInvoiceReference1: shopOrder,
  OrderRows: [{ ArticleNumber: 'PUB-TEE', OrderedQuantity: 1, DeliveredQuantity: 1, Price: 159.2 }],
});
const seeds = {
  wooSeed: { orders: [1001, 1002, 1003, 1004, 1005].map(wooOrder), products: demoStore.products },
  fortnoxSeed: {
    customers: [{ CustomerNumber: '1', Name: 'Eva Ek', Email: 'eva@example.se' }],
    articles: [{ ArticleNumber: 'PUB-TEE', Description: 'Tröja', SalesPrice: 159.2 }],
    orders: [
      fortnoxOrder('1', '1001'),
      fortnoxOrder('2', '1002'),
      fortnoxOrder('3', '1003'),
      fortnoxOrder('4', '1004'),
      // typed in Fortnox by hand: no shop order number, although 1005 is a shop order's number
      { ...fortnoxOrder('5', ''), YourOrderNumber: '1005', ExternalInvoiceReference1: '' },
    ],
  },
};

let flow: FlowHarness | undefined;
afterEach(async () => {
  await flow?.stop();
  flow = undefined;
});

const statuses = (f: FlowHarness) =>
  Object.fromEntries([1001, 1002, 1003, 1004, 1005].map((id) => [id, f.shop.state.orders.get(id)?.status]));

describe('order status: Fortnox → WooCommerce', () => {
  it('invoiced → completed, cancelled → cancelled, cancelled after being invoiced → cancelled; nothing twice', async () => {
    flow = await startFlow({
      db: mongo.db(),
      pipeline: 'order-status-to-woocommerce.yaml',
      ...seeds,
      ledgerSettings: { streams: { orders: { invoices: true, invoicedOrCancelledOnly: true } } },
    });
    const invoiceOf = async (order: string) =>
      (
        await flow!.fortnoxApi<{ Invoice: { DocumentNumber: string } }>(
          'PUT',
          `/3/orders/${order}/createinvoice`,
        )
      ).Invoice.DocumentNumber;
    await invoiceOf('1');
    const invoice3 = await invoiceOf('3');
    await invoiceOf('5');
    await flow.fortnoxApi('PUT', '/3/orders/2/cancel');

    const first = await flow.run();
    expect(first).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    expect(statuses(flow)).toEqual({
      1001: 'completed',
      1002: 'cancelled',
      1003: 'completed',
      1004: 'processing',
      1005: 'processing',
    });
    const writes = flow.takeShopWrites();
    expect(writes.filter((w) => w.startsWith('PUT'))).toEqual([
      'PUT /orders/1001',
      'PUT /orders/1002',
      'PUT /orders/1003',
    ]);
    const notes = flow.shop.state.notes.get(1002) ?? [];
    expect(notes.map((n) => [n.note, n.customer_note])).toEqual([
      ['Fortnox: Fortnox order 2 was cancelled.', false],
    ]);

    // the customer cancels after all: Fortnox locks the invoiced order, so its invoice is cancelled
    await flow.fortnoxApi('PUT', `/3/invoices/${invoice3}/cancel`);
    const second = await flow.run();
    expect(second).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    expect(statuses(flow)[1003]).toBe('cancelled');
    expect(flow.takeShopWrites().filter((w) => w.startsWith('PUT'))).toEqual(['PUT /orders/1003']);

    // read again with nothing changed (inside the stream's overlap, so every order is read again)
    const third = await flow.run();
    expect(third).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    expect(third.status !== 'skipped' && third.summary.read).toBeGreaterThan(0);
    expect(flow.takeShopWrites()).toEqual([]);
    expect(await flow.deadLetters()).toEqual([]);
  });

  it('completed only when paid: an unpaid invoice changes nothing, its payment completes the order', async () => {
    flow = await startFlow({
      db: mongo.db(),
      pipeline: 'order-status-to-woocommerce.yaml',
      ...seeds,
      params: { 'status-mapping': { completedWhen: 'paid' } },
      ledgerSettings: { streams: { orders: { invoices: true } } },
    });
    const { Invoice } = await flow.fortnoxApi<{ Invoice: { DocumentNumber: string; Total: number } }>(
      'PUT',
      '/3/orders/4/createinvoice',
    );
    await flow.run();
    expect(statuses(flow)[1004]).toBe('processing');
    expect(flow.takeShopWrites()).toEqual([]);

    // booked and paid in Fortnox: only the invoice changes, the order does not
    await flow.fortnoxApi('PUT', `/3/invoices/${Invoice.DocumentNumber}/bookkeep`);
    await flow.fortnoxApi('POST', '/3/invoicepayments', {
      InvoicePayment: { InvoiceNumber: Number(Invoice.DocumentNumber), Amount: Invoice.Total },
    });
    const paid = await flow.run();
    expect(paid).toMatchObject({ status: 'succeeded', summary: { failed: 0 } });
    expect(statuses(flow)[1004]).toBe('completed');
    expect(flow.takeShopWrites().filter((w) => w.startsWith('PUT'))).toEqual(['PUT /orders/1004']);
  });
});
