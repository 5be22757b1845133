import { defineStream, type StreamContext } from '../../../core/plugin-api/index.ts';
import {
  formatLastModified,
  idSegment,
  listPages,
  type ClientDeps,
  type FortnoxClient,
  type FortnoxSettings,
} from '../client/index.ts';
import { clientFactory, text, unwrap, type FortnoxObject } from '../operations/shared.ts';
import { byNumber, pagesOf, readWindow, type ReadWindow } from './read-window.ts';

/**
 * Options of the `orders` stream, read from the Fortnox connection's settings under
 * `streams.orders` (a tenant's `connections.<name>.settings` in koppla.yaml).
 */
export interface OrdersStreamOptions {
  /**
   * Also read the invoice of every invoiced order (its paid, cancelled and credited state) and watch
   * the invoices changed since the cursor: a payment or a credit changes the invoice, not the order.
   * Costs one request per invoice; default false.
   */
  readonly invoices?: boolean;
  /**
   * Only orders that are invoiced or cancelled. Orders are read one by one (list items lack
   * `InvoiceReference` and `YourOrderNumber`); with this, the others are never fetched. Default false.
   */
  readonly invoicedOrCancelledOnly?: boolean;
}

/** The JSON Schema of `streams.orders` in the connection settings. */
export const ordersStreamOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    invoices: { type: 'boolean', default: false },
    invoicedOrCancelledOnly: { type: 'boolean', default: false },
  },
} as const;

/** What the stream reports of an order's invoice (Fortnox's names, amounts as decimal strings). */
export interface FortnoxInvoiceState {
  readonly DocumentNumber: string;
  readonly Balance: string | null;
  readonly Total: string | null;
  readonly Currency: string | null;
  readonly Booked: boolean;
  readonly Cancelled: boolean;
  /** Set on an invoice that was credited: the credit invoice's number, "0" when none. */
  readonly CreditInvoiceReference: string;
  /** The day it was paid in full; null until then. */
  readonly FinalPayDate: string | null;
  readonly DueDate: string | null;
}

/** A Fortnox order as `GET /3/orders/{n}` returns it, plus the stream's own fields. */
export interface FortnoxOrderRecord extends FortnoxObject {
  readonly DocumentNumber: string;
  readonly Cancelled: boolean;
  /** The invoice made from the order, "0" when none. */
  readonly InvoiceReference: string;
  readonly YourOrderNumber: string;
  readonly ExternalInvoiceReference1: string;
  /** With the `invoices` option: the invoice's state, null when the order has none. Absent otherwise. */
  readonly Invoice?: FortnoxInvoiceState | null;
  /** When the read that found it started (the cursor it leaves). */
  readonly seenAt: string;
}

interface OrderListItem {
  readonly DocumentNumber: string;
  readonly Cancelled?: boolean | string;
}

interface InvoiceListItem {
  readonly DocumentNumber: string;
}

const PAGE_SIZE = 50;

export function ordersStreamOptions(settings: FortnoxSettings): OrdersStreamOptions {
  const streams = (settings as { streams?: { orders?: OrdersStreamOptions } }).streams;
  return streams?.orders ?? {};
}

const isTrue = (value: unknown) => value === true || value === 'true';
const reference = (value: unknown) => {
  const number = text(value).trim();
  return number === '' || number === '0' ? '0' : number;
};

function invoiceState(invoice: FortnoxObject): FortnoxInvoiceState {
  const nullable = (value: unknown) => (value === undefined || value === null ? null : text(value));
  return {
    DocumentNumber: text(invoice.DocumentNumber),
    Balance: nullable(invoice.Balance),
    Total: nullable(invoice.Total),
    Currency: nullable(invoice.Currency),
    Booked: isTrue(invoice.Booked),
    Cancelled: isTrue(invoice.Cancelled),
    CreditInvoiceReference: reference(invoice.CreditInvoiceReference),
    FinalPayDate: nullable(invoice.FinalPayDate) || null,
    DueDate: nullable(invoice.DueDate) || null,
  };
}

/**
 * Fortnox orders changed since the cursor, oldest document number first, each read in full (list
 * items lack `InvoiceReference` and `YourOrderNumber`). With the `invoices` option, orders whose
 * invoice changed are included too, each with its invoice's state.
 */
export function ordersStream(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineStream<FortnoxOrderRecord, FortnoxSettings>({
    description:
      'Fortnox orders changed since the cursor, in full (DocumentNumber, Cancelled, InvoiceReference, YourOrderNumber, ExternalInvoiceReference1, …); optionally with their invoice state.',
    recordSchema: {
      type: 'object',
      required: [
        'DocumentNumber',
        'Cancelled',
        'InvoiceReference',
        'YourOrderNumber',
        'ExternalInvoiceReference1',
        'seenAt',
      ],
      properties: {
        DocumentNumber: { type: 'string' },
        Cancelled: { type: 'boolean' },
        InvoiceReference: { type: 'string' },
        YourOrderNumber: { type: 'string' },
        ExternalInvoiceReference1: { type: 'string' },
        Invoice: { type: ['object', 'null'] },
        seenAt: { type: 'string', format: 'date-time' },
      },
    },
    cursorField: 'seenAt',
    read(ctx, params) {
      const window = readWindow(params, deps.now());
      const records = readOrders(clientFor(ctx), ctx, window, ordersStreamOptions(ctx.settings));
      return pagesOf(records, params.pageSize ?? PAGE_SIZE, window);
    },
  });
}

async function* readOrders(
  client: FortnoxClient,
  ctx: StreamContext<FortnoxSettings>,
  window: ReadWindow,
  options: OrdersStreamOptions,
): AsyncGenerator<FortnoxOrderRecord> {
  const signal = ctx.signal ? { signal: ctx.signal } : {};
  const changed = window.since ? { lastmodified: formatLastModified(window.since) } : {};
  const list = async function* <T>(path: string, key: string, filter?: string) {
    for await (const page of listPages<T>(client, path, key, {
      query: { ...changed, ...(filter ? { filter } : {}) },
      ...signal,
    }))
      yield* page.items;
  };

  // Which orders to read: numbers only, the orders themselves are fetched one at a time.
  const wanted = new Set<string>();
  for await (const item of list<OrderListItem>('/3/orders', 'Orders')) {
    if (!options.invoicedOrCancelledOnly || isTrue(item.Cancelled)) wanted.add(text(item.DocumentNumber));
  }
  if (options.invoicedOrCancelledOnly) {
    for await (const item of list<OrderListItem>('/3/orders', 'Orders', 'invoicecreated'))
      wanted.add(text(item.DocumentNumber));
  }

  // Only what a record carries of an invoice is kept, not the invoice: flat memory on a backlog.
  const invoices = new Map<string, { state: FortnoxInvoiceState; order: string }>();
  const getInvoice = async (number: string) => {
    let invoice = invoices.get(number);
    if (!invoice) {
      const { body } = await client.request('GET', `/3/invoices/${idSegment(number)}`, signal);
      const full = unwrap(body, 'Invoice', 'fortnox_Invoice');
      invoice = { state: invoiceState(full), order: reference(full.OrderReference) };
      invoices.set(number, invoice);
    }
    return invoice;
  };
  if (options.invoices) {
    // A payment, a cancellation or a credit changes the invoice only: find its order through it.
    for await (const item of list<InvoiceListItem>('/3/invoices', 'Invoices')) {
      const { order } = await getInvoice(text(item.DocumentNumber));
      if (order !== '0') wanted.add(order);
    }
  }

  for (const number of [...wanted].sort(byNumber)) {
    const { body } = await client.request('GET', `/3/orders/${idSegment(number)}`, signal);
    const order = unwrap(body, 'Order', 'fortnox_Order');
    const invoiceReference = reference(order.InvoiceReference);
    const record: FortnoxOrderRecord = {
      ...order,
      DocumentNumber: text(order.DocumentNumber),
      Cancelled: isTrue(order.Cancelled),
      InvoiceReference: invoiceReference,
      YourOrderNumber: text(order.YourOrderNumber),
      ExternalInvoiceReference1: text(order.ExternalInvoiceReference1),
      ...(options.invoices
        ? {
            Invoice: invoiceReference === '0' ? null : (await getInvoice(invoiceReference)).state,
          }
        : {}),
      seenAt: window.startedAt,
    };
    yield record;
  }
}
