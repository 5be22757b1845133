import { afterEach, describe, expect, it } from 'vitest';
import type { FortnoxOrderRecord } from '../../../../connectors/fortnox/streams/orders.ts';
import { startStreamSandbox, type StreamSandbox } from './stream-sandbox.ts';

const MINUTE = 60_000;
const customer = { CustomerNumber: '1', Name: 'Eva Ek', Email: 'eva@example.se' };
const article = { ArticleNumber: 'TEE', Description: 'Tröja', SalesPrice: 199 };
const order = (number: string, shopNumber: string) => ({
  DocumentNumber: number,
  CustomerNumber: '1',
  YourOrderNumber: shopNumber,
  ExternalInvoiceReference1: shopNumber,
  OrderRows: [{ ArticleNumber: 'TEE', OrderedQuantity: 1, DeliveredQuantity: 1, Price: 199 }],
});

let fx: StreamSandbox | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

async function shopWithOrders(config: Parameters<typeof startStreamSandbox>[0] = {}) {
  fx = await startStreamSandbox({
    ...config,
    seed: {
      customers: [customer],
      articles: [article],
      orders: [order('1', '1001'), order('2', '1002'), order('3', '1003')],
    },
  });
  return fx;
}

const numbers = (records: readonly FortnoxOrderRecord[]) => records.map((r) => r.DocumentNumber);

describe('the Fortnox orders stream', () => {
  it('reads every order in full on a first read, and leaves the read’s start as the cursor', async () => {
    const sb = await shopWithOrders();
    sb.advance(30 * MINUTE);
    sb.takeRequests();
    const { records, cursor } = await sb.read<FortnoxOrderRecord>('orders');
    expect(numbers(records)).toEqual(['1', '2', '3']);
    expect(records[0]).toMatchObject({
      DocumentNumber: '1',
      Cancelled: false,
      InvoiceReference: '0',
      YourOrderNumber: '1001',
      ExternalInvoiceReference1: '1001',
      seenAt: '2026-11-27T09:30:00.000Z',
    });
    expect(records[0]).not.toHaveProperty('Invoice');
    expect(cursor).toBe('2026-11-27T09:30:00.000Z');
    expect(sb.takeRequests()).toEqual([
      'GET /3/orders?limit=500&page=1',
      'GET /3/orders/1',
      'GET /3/orders/2',
      'GET /3/orders/3',
    ]);
  });

  it('then only what changed since the cursor (minus two minutes of overlap)', async () => {
    const sb = await shopWithOrders();
    sb.advance(30 * MINUTE);
    const first = await sb.read<FortnoxOrderRecord>('orders');
    sb.advance(10 * MINUTE);
    await sb.api('PUT', '/3/orders/1/createinvoice');
    await sb.api('PUT', '/3/orders/2/cancel');
    sb.advance(MINUTE);
    sb.takeRequests();
    const { records, cursor } = await sb.read<FortnoxOrderRecord>('orders', { cursor: first.cursor });
    expect(records.map((r) => [r.DocumentNumber, r.InvoiceReference, r.Cancelled])).toEqual([
      ['1', '1', false],
      ['2', '0', true],
    ]);
    // 09:30 − 2 min, in Stockholm time
    expect(sb.takeRequests()[0]).toBe('GET /3/orders?lastmodified=2026-11-27 10:28&limit=500&page=1');
    expect(cursor).toBe('2026-11-27T09:41:00.000Z');
    sb.advance(10 * MINUTE);
    const again = await sb.read<FortnoxOrderRecord>('orders', { cursor });
    expect(numbers(again.records)).toEqual(['1', '2']); // changed inside the overlap: read again, on purpose
    sb.advance(MINUTE);
    const none = await sb.read<FortnoxOrderRecord>('orders', { cursor: again.cursor });
    // an empty read is one empty page, which still moves the cursor
    expect(none.pages).toEqual([{ records: [], cursor: '2026-11-27T09:52:00.000Z' }]);
  });

  it('misses nothing at the minute boundary, even if Fortnox’s bound were exclusive', async () => {
    const sb = await shopWithOrders({ config: { lastModifiedInclusive: false } });
    sb.advance(40 * MINUTE); // 09:40:00.000
    const first = await sb.read<FortnoxOrderRecord>('orders');
    // changed in the very millisecond the read started: "10:40:00", not after a bound of "10:40"
    await sb.api('PUT', '/3/orders/3/cancel');
    sb.advance(5 * MINUTE);
    const next = await sb.read<FortnoxOrderRecord>('orders', { cursor: first.cursor });
    expect(numbers(next.records)).toContain('3');
  });

  it('moves the cursor only with the last page, so a read that stops half-way is done again', async () => {
    const sb = await shopWithOrders();
    sb.advance(30 * MINUTE);
    const { pages } = await sb.read<FortnoxOrderRecord>('orders', {
      pageSize: 2,
      cursor: '2026-11-27T08:00:00Z',
    });
    expect(pages.map((p) => [p.records.length, p.cursor])).toEqual([
      [2, '2026-11-27T08:00:00Z'],
      [1, '2026-11-27T09:30:00.000Z'],
    ]);
  });

  it('with invoicedOrCancelledOnly, never fetches an order that is neither', async () => {
    const sb = await shopWithOrders();
    sb.advance(30 * MINUTE);
    await sb.api('PUT', '/3/orders/1/createinvoice');
    await sb.api('PUT', '/3/orders/2/cancel');
    sb.takeRequests();
    const { records } = await sb.read<FortnoxOrderRecord>(
      'orders',
      {},
      {
        streams: { orders: { invoicedOrCancelledOnly: true } },
      },
    );
    expect(numbers(records)).toEqual(['1', '2']);
    expect(sb.takeRequests()).toEqual([
      'GET /3/orders?limit=500&page=1',
      'GET /3/orders?filter=invoicecreated&limit=500&page=1',
      'GET /3/orders/1',
      'GET /3/orders/2',
    ]);
  });

  it('with invoices, carries the invoice’s state and finds orders whose invoice changed alone', async () => {
    const sb = await shopWithOrders();
    const withInvoices = { streams: { orders: { invoices: true } } };
    sb.advance(30 * MINUTE);
    await sb.api('PUT', '/3/orders/1/createinvoice');
    sb.advance(10 * MINUTE);
    const first = await sb.read<FortnoxOrderRecord>('orders', {}, withInvoices);
    const invoiced = first.records.find((r) => r.DocumentNumber === '1');
    expect(invoiced?.Invoice).toMatchObject({
      DocumentNumber: '1',
      Balance: '248.75',
      Cancelled: false,
      Booked: false,
      CreditInvoiceReference: '0',
      FinalPayDate: null,
    });
    expect(first.records.find((r) => r.DocumentNumber === '2')?.Invoice).toBeNull();

    // cancelled after being invoiced: Fortnox locks the invoiced order, so the invoice is cancelled
    sb.advance(10 * MINUTE);
    await sb.api('PUT', '/3/invoices/1/cancel');
    sb.advance(MINUTE);
    const plain = await sb.read<FortnoxOrderRecord>('orders', { cursor: first.cursor });
    expect(plain.records).toEqual([]); // the order itself did not change
    sb.takeRequests();
    const watched = await sb.read<FortnoxOrderRecord>('orders', { cursor: first.cursor }, withInvoices);
    expect(watched.records.map((r) => [r.DocumentNumber, r.InvoiceReference, r.Invoice?.Cancelled])).toEqual([
      ['1', '1', true],
    ]);
    expect(sb.takeRequests()).toEqual([
      'GET /3/orders?lastmodified=2026-11-27 10:38&limit=500&page=1',
      'GET /3/invoices?lastmodified=2026-11-27 10:38&limit=500&page=1',
      'GET /3/invoices/1',
      'GET /3/orders/1',
    ]);
  });
});
