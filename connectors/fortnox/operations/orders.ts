import { ValidationError, defineOperation, type OperationContext } from '../../../core/plugin-api/index.ts';
import { idSegment, type ClientDeps, type FortnoxSettings } from '../client/index.ts';
import { outputSchemaOf } from '../schemas/from-openapi.ts';
import { listOperation } from './lists.ts';
import {
  DOCUMENT_NUMBER_INPUT,
  clientFactory,
  getObject,
  isReference,
  isTrue,
  signalOf,
  text,
  unwrap,
  type ClientFor,
  type DocumentNumberInput,
  type FortnoxObject,
} from './shared.ts';

const ORDER = 'fortnox_Order';

const EXAMPLE_ORDER = {
  DocumentNumber: '7',
  CustomerNumber: '1',
  CustomerName: 'Anna Andersson',
  OrderDate: '2025-03-01',
  YourOrderNumber: '1060',
  ExternalInvoiceReference1: '1060',
  Currency: 'SEK',
  Total: '125',
  Cancelled: false,
  InvoiceReference: '0',
  OrderRows: [
    { ArticleNumber: '101', OrderedQuantity: '1', DeliveredQuantity: '1', Price: '100', Total: '100' },
  ],
};

export function getOrder(
  clientFor: ClientFor,
  ctx: OperationContext<FortnoxSettings>,
  documentNumber: string,
): Promise<FortnoxObject> {
  return getObject(clientFor, ctx, `/3/orders/${idSegment(documentNumber)}`, 'Order', ORDER);
}

export function ordersGet(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<DocumentNumberInput, FortnoxObject, FortnoxSettings>({
    description:
      'Reads one order (GET /3/orders/{n}) with its rows; InvoiceReference is the invoice made from it ("0" when none).',
    inputSchema: DOCUMENT_NUMBER_INPUT,
    outputSchema: outputSchemaOf(ORDER, ['DocumentNumber', 'CustomerNumber'], 'The Fortnox Order.'),
    idempotent: true,
    readOnly: true,
    examples: [{ name: 'one order', input: { DocumentNumber: '7' }, output: EXAMPLE_ORDER }],
    run: (ctx, input) => getOrder(clientFor, ctx, input.DocumentNumber),
  });
}

export function ordersList(deps: ClientDeps) {
  return listOperation(deps, {
    description:
      'Lists orders (all pages), optionally only those changed since an instant (lastmodified), with one filter (invoicecreated, invoicenotcreated, cancelled, expired) and Fortnox search parameters (substring matches). List items carry no InvoiceReference: use filter=invoicecreated or orders.get.',
    path: '/3/orders',
    listKey: 'Orders',
    itemSchema: 'fortnox_OrderListItem',
    itemRequired: ['DocumentNumber'],
    filters: ['cancelled', 'expired', 'invoicecreated', 'invoicenotcreated'],
    searches: [
      'customernumber',
      'documentnumber',
      'externalinvoicereference1',
      'externalinvoicereference2',
      'fromdate',
      'todate',
      'ordertype',
    ],
    examples: [
      {
        name: 'orders invoiced since a time',
        input: { since: '2025-03-01T00:00:00Z', filter: 'invoicecreated' },
        output: {
          Orders: [
            {
              DocumentNumber: '7',
              CustomerNumber: '1',
              CustomerName: 'Anna Andersson',
              Cancelled: false,
              Currency: 'SEK',
              OrderDate: '2025-03-01',
              ExternalInvoiceReference1: '1060',
              Total: '125',
            },
          ],
        },
      },
    ],
  });
}

export function ordersCancel(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  const ifCancelled = async (ctx: OperationContext<FortnoxSettings>, input: DocumentNumberInput) => {
    const order = await getOrder(clientFor, ctx, input.DocumentNumber);
    return isTrue(order.Cancelled) ? order : undefined;
  };
  return defineOperation<DocumentNumberInput, FortnoxObject, FortnoxSettings>({
    description:
      'Cancels an order (PUT /3/orders/{n}/cancel); a cancelled order is returned as it is. An order already invoiced cannot be cancelled (credit its invoice instead).',
    inputSchema: DOCUMENT_NUMBER_INPUT,
    outputSchema: outputSchemaOf(ORDER, ['DocumentNumber'], 'The cancelled order.'),
    idempotent: true,
    examples: [
      { name: 'cancel', input: { DocumentNumber: '7' }, output: { ...EXAMPLE_ORDER, Cancelled: true } },
    ],
    lookup: ifCancelled,
    async run(ctx, input) {
      const order = await getOrder(clientFor, ctx, input.DocumentNumber);
      if (isTrue(order.Cancelled)) return order;
      if (isReference(order.InvoiceReference)) {
        throw new ValidationError(
          `Fortnox order ${input.DocumentNumber} is invoiced (invoice ${text(order.InvoiceReference)}) and cannot be cancelled; credit the invoice instead`,
          { field: 'DocumentNumber' },
        );
      }
      const { body } = await clientFor(ctx).request(
        'PUT',
        `/3/orders/${idSegment(input.DocumentNumber)}/cancel`,
        signalOf(ctx),
      );
      return unwrap(body, 'Order', ORDER);
    },
  });
}
