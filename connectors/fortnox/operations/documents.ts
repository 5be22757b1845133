import { defineOperation, type OperationContext } from '../../../core/plugin-api/index.ts';
import { idSegment, listAll, type ClientDeps, type FortnoxSettings } from '../client/index.ts';
import { inputSchemaOf, outputSchemaOf } from '../schemas/from-openapi.ts';
import { applyTextPolicy } from '../schemas/text.ts';
import {
  assertWholeVatRows,
  clientFactory,
  signalOf,
  text,
  unwrap,
  type ClientFor,
  type FortnoxObject,
} from './shared.ts';

export interface OrderInput {
  readonly CustomerNumber: string;
  readonly YourOrderNumber?: string;
  readonly ExternalInvoiceReference1?: string;
  readonly [field: string]: unknown;
}

export type InvoiceInput = OrderInput;

interface DocumentListItem {
  readonly DocumentNumber: string;
  readonly Cancelled?: boolean;
  readonly ExternalInvoiceReference1?: string;
}

type Ctx = OperationContext<FortnoxSettings>;

/** At most this many substring hits are fetched one by one to compare `YourOrderNumber` exactly. */
const MAX_CANDIDATES = 10;

/**
 * The document an earlier attempt created — live ones first, but a cancelled one counts too: a person
 * cancelled what Koppla made, and making another would send the order twice. Fortnox has no idempotency keys and
 * its searches are substring matches, so hits are compared exactly. Orders can only be searched by
 * `externalinvoicereference1` (the OpenAPI document lists no `yourordernumber` filter on orders);
 * invoices also by `yourordernumber`, whose list items lack the field, so candidates are fetched.
 */
async function findDocument(
  clientFor: ClientFor,
  ctx: Ctx,
  kind: 'orders' | 'invoices',
  given: OrderInput,
): Promise<FortnoxObject | undefined> {
  const client = clientFor(ctx);
  // Compare what was (or would be) sent: the text policy may have cleaned the references.
  const input = sentAs(ctx, kind, given);
  const [wrapper, list, schema] =
    kind === 'orders' ? ['Order', 'Orders', 'fortnox_Order'] : ['Invoice', 'Invoices', 'fortnox_Invoice'];
  const reference = text(input.ExternalInvoiceReference1 ?? (kind === 'orders' ? input.YourOrderNumber : ''));
  const yourOrderNumber = text(input.YourOrderNumber);
  let candidates: DocumentListItem[] = [];
  if (reference) {
    const hits = await listAll<DocumentListItem>(client, `/3/${kind}`, list, {
      query: { externalinvoicereference1: reference },
      ...signalOf(ctx),
    });
    candidates = hits.filter((hit) => text(hit.ExternalInvoiceReference1) === reference);
  } else if (kind === 'invoices' && yourOrderNumber) {
    const hits = await listAll<DocumentListItem>(client, '/3/invoices', 'Invoices', {
      query: { yourordernumber: yourOrderNumber },
      ...signalOf(ctx),
    });
    candidates = hits;
  } else {
    return undefined;
  }
  candidates.sort((a, b) => Number(a.Cancelled === true) - Number(b.Cancelled === true));
  for (const candidate of candidates.slice(0, MAX_CANDIDATES)) {
    const { body } = await client.request(
      'GET',
      `/3/${kind}/${idSegment(candidate.DocumentNumber)}`,
      signalOf(ctx),
    );
    const document = unwrap(body, wrapper, schema);
    // A credit invoice copies its invoice's references: it is not the invoice an attempt created.
    if (kind === 'invoices' && text(document.Credit) === 'true') continue;
    if (document.CustomerNumber !== undefined && text(document.CustomerNumber) !== text(input.CustomerNumber))
      continue;
    if (yourOrderNumber && text(document.YourOrderNumber) !== yourOrderNumber) continue;
    return document;
  }
  return undefined;
}

function sentAs(ctx: Ctx, kind: 'orders' | 'invoices', input: OrderInput): OrderInput {
  const [wrapper, schema] =
    kind === 'orders' ? ['Order', 'fortnox_Order_Wrap'] : ['Invoice', 'fortnox_InvoicePayload_Wrap'];
  const { body } = applyTextPolicy({ [wrapper]: input }, schema, ctx.settings.textPolicy);
  return body[wrapper] as OrderInput;
}

export function ordersCreate(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<OrderInput, FortnoxObject, FortnoxSettings>({
    description:
      'Creates an order. ExternalInvoiceReference1 defaults to YourOrderNumber, because orders can only be searched by ExternalInvoiceReference1: lookup finds an order an earlier attempt created by it.',
    inputSchema: inputSchemaOf(
      'fortnox_Order',
      ['CustomerNumber'],
      'A Fortnox Order; amounts as decimal strings.',
    ),
    outputSchema: outputSchemaOf(
      'fortnox_Order',
      ['DocumentNumber', 'CustomerNumber'],
      'The created Fortnox Order.',
    ),
    idempotent: false,
    examples: [
      {
        name: 'order with one article row',
        description: 'Shaped after the recording orders/save_with_nested_model (prices as decimal strings).',
        input: {
          CustomerNumber: '1',
          YourOrderNumber: '60',
          OrderRows: [{ ArticleNumber: '101', OrderedQuantity: '1', Price: '10.00' }],
        },
        output: {
          DocumentNumber: '7',
          CustomerNumber: '1',
          CustomerName: 'Updated name',
          YourOrderNumber: '60',
          ExternalInvoiceReference1: '60',
          Currency: 'SEK',
          InvoiceReference: '0',
          Cancelled: false,
          Total: '0',
          OrderRows: [
            {
              ArticleNumber: '101',
              Description: 'Hammer',
              OrderedQuantity: '1',
              DeliveredQuantity: '0',
              Price: '10',
              Total: '0',
              RowId: 5,
            },
          ],
        },
      },
    ],
    lookup: (ctx, input) => findDocument(clientFor, ctx, 'orders', input),
    async run(ctx, input) {
      const order: OrderInput =
        input.ExternalInvoiceReference1 === undefined && input.YourOrderNumber !== undefined
          ? { ...input, ExternalInvoiceReference1: input.YourOrderNumber }
          : input;
      const { body } = await clientFor(ctx).request('POST', '/3/orders', {
        body: { Order: order },
        bodySchema: 'fortnox_Order_Wrap',
        ...signalOf(ctx),
      });
      return unwrap(body, 'Order', 'fortnox_Order');
    },
  });
}

export function invoicesCreate(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<InvoiceInput, FortnoxObject, FortnoxSettings>({
    description:
      'Creates an invoice; lookup finds one an earlier attempt created, by ExternalInvoiceReference1 or YourOrderNumber (exact match).',
    inputSchema: inputSchemaOf(
      'fortnox_InvoicePayload',
      ['CustomerNumber'],
      'A Fortnox Invoice; amounts as decimal strings.',
    ),
    outputSchema: outputSchemaOf(
      'fortnox_Invoice',
      ['DocumentNumber', 'CustomerNumber'],
      'The created Fortnox Invoice.',
    ),
    idempotent: false,
    examples: [
      {
        name: 'invoice with one article row',
        description: 'The recording invoices/save_with_nested_model, with a YourOrderNumber for the lookup.',
        input: {
          CustomerNumber: '1',
          YourOrderNumber: '60',
          InvoiceRows: [{ ArticleNumber: '101', Price: '10.00' }],
        },
        output: {
          DocumentNumber: '20',
          CustomerNumber: '1',
          CustomerName: 'Updated name',
          YourOrderNumber: '60',
          OCR: '2048',
          InvoiceDate: '2023-01-30',
          DueDate: '2023-03-01',
          Balance: '0',
          Total: '0',
          Credit: 'false',
          Booked: false,
          Cancelled: false,
          InvoiceRows: [
            {
              ArticleNumber: '101',
              Description: 'Hammer',
              DeliveredQuantity: '0',
              Price: '10',
              PriceExcludingVAT: '10',
              Total: '0',
              RowId: 2,
            },
          ],
        },
      },
    ],
    lookup: (ctx, input) => findDocument(clientFor, ctx, 'invoices', input),
    async run(ctx, input) {
      assertWholeVatRows(input.InvoiceRows, 'InvoiceRows');
      const { body } = await clientFor(ctx).request('POST', '/3/invoices', {
        body: { Invoice: input },
        bodySchema: 'fortnox_InvoicePayload_Wrap',
        ...signalOf(ctx),
      });
      return unwrap(body, 'Invoice', 'fortnox_Invoice');
    },
  });
}

export interface CreateInvoiceInput {
  readonly DocumentNumber: string;
}

export function ordersCreateInvoice(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  /** The invoice of an order that already has one (`InvoiceReference` set and not "0"). */
  const invoiceOf = async (ctx: Ctx, documentNumber: string): Promise<FortnoxObject | undefined> => {
    const client = clientFor(ctx);
    const order = unwrap(
      (await client.request('GET', `/3/orders/${idSegment(documentNumber)}`, signalOf(ctx))).body,
      'Order',
      'fortnox_Order',
    );
    const reference = text(order.InvoiceReference);
    if (reference === '' || reference === '0') return undefined;
    const { body } = await client.request('GET', `/3/invoices/${idSegment(reference)}`, signalOf(ctx));
    return unwrap(body, 'Invoice', 'fortnox_Invoice');
  };
  return defineOperation<CreateInvoiceInput, FortnoxObject, FortnoxSettings>({
    description:
      'Turns an order into an invoice (PUT /3/orders/{n}/createinvoice) and returns the invoice. Fortnox is documented to answer with the Invoice and observed to answer with the Order: both are handled.',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['DocumentNumber'],
      properties: { DocumentNumber: { type: 'string', pattern: '^[0-9]+$' } },
    },
    outputSchema: outputSchemaOf(
      'fortnox_Invoice',
      ['DocumentNumber', 'OrderReference'],
      'The invoice created from the order.',
    ),
    idempotent: false,
    examples: [
      {
        name: 'invoice an order',
        input: { DocumentNumber: '7' },
        output: {
          DocumentNumber: '21',
          OrderReference: '7',
          CustomerNumber: '1',
          Total: '0',
          Balance: '0',
          Booked: false,
          Cancelled: false,
        },
      },
    ],
    lookup: (ctx, input) => invoiceOf(ctx, input.DocumentNumber),
    async run(ctx, input) {
      const { body } = await clientFor(ctx).request(
        'PUT',
        `/3/orders/${idSegment(input.DocumentNumber)}/createinvoice`,
        signalOf(ctx),
      );
      if (typeof body === 'object' && body !== null && 'Invoice' in body)
        return unwrap(body, 'Invoice', 'fortnox_Invoice');
      const invoice = await invoiceOf(ctx, input.DocumentNumber);
      if (!invoice) throw new Error(`Fortnox created no invoice for order ${input.DocumentNumber}`);
      return invoice;
    },
  });
}
