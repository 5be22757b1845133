import { Decimal } from 'decimal.js';
import {
  ConflictError,
  ValidationError,
  defineOperation,
  isConnectorError,
  type JsonSchemaObject,
  type OperationContext,
} from '../../../core/plugin-api/index.ts';
import { idSegment, listAll, type ClientDeps, type FortnoxSettings } from '../client/index.ts';
import { inputSchemaOf, outputSchemaOf } from '../schemas/from-openapi.ts';
import { listOperation } from './lists.ts';
import {
  DOCUMENT_NUMBER_INPUT,
  SCHEMA_DIALECT,
  assertWholeVatRows,
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

type Ctx = OperationContext<FortnoxSettings>;

const INVOICE = 'fortnox_Invoice';
const invoiceOutput = (description: string, required: readonly string[] = ['DocumentNumber']) =>
  outputSchemaOf(INVOICE, required, description);

/** A short invoice as the examples show it (fields as the sandbox and the recordings return them). */
const EXAMPLE_INVOICE = {
  DocumentNumber: '20',
  CustomerNumber: '1',
  CustomerName: 'Anna Andersson',
  InvoiceDate: '2025-03-01',
  DueDate: '2025-03-31',
  Currency: 'SEK',
  Total: '125',
  Balance: '125',
  Booked: false,
  Cancelled: false,
  Credit: 'false',
  CreditInvoiceReference: '0',
  InvoiceRows: [{ ArticleNumber: '101', DeliveredQuantity: '1', Price: '100', VAT: 25, Total: '100' }],
};

export function getInvoice(clientFor: ClientFor, ctx: Ctx, documentNumber: string): Promise<FortnoxObject> {
  return getObject(clientFor, ctx, `/3/invoices/${idSegment(documentNumber)}`, 'Invoice', INVOICE);
}

export function invoicesGet(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<DocumentNumberInput, FortnoxObject, FortnoxSettings>({
    description: 'Reads one invoice (GET /3/invoices/{n}), with its rows, balance and credit links.',
    inputSchema: DOCUMENT_NUMBER_INPUT,
    outputSchema: invoiceOutput('The Fortnox Invoice.', ['DocumentNumber', 'CustomerNumber']),
    idempotent: true,
    readOnly: true,
    examples: [{ name: 'one invoice', input: { DocumentNumber: '20' }, output: EXAMPLE_INVOICE }],
    run: (ctx, input) => getInvoice(clientFor, ctx, input.DocumentNumber),
  });
}

export function invoicesList(deps: ClientDeps) {
  return listOperation(deps, {
    description:
      'Lists invoices (all pages), optionally only those changed since an instant, with one filter (cancelled, fullypaid, unpaid, unpaidoverdue, unbooked) and Fortnox search parameters (substring matches).',
    path: '/3/invoices',
    listKey: 'Invoices',
    itemSchema: 'fortnox_InvoiceListItem',
    itemRequired: ['DocumentNumber'],
    filters: ['cancelled', 'fullypaid', 'unpaid', 'unpaidoverdue', 'unbooked'],
    searches: [
      'customernumber',
      'documentnumber',
      'externalinvoicereference1',
      'externalinvoicereference2',
      'yourordernumber',
      'ocr',
      'fromdate',
      'todate',
      'fromfinalpaydate',
      'tofinalpaydate',
      'credit',
    ],
    examples: [
      {
        name: 'unpaid invoices changed since a time',
        input: { since: '2025-03-01T00:00:00Z', filter: 'unpaid' },
        output: {
          Invoices: [
            {
              DocumentNumber: '20',
              CustomerNumber: '1',
              Balance: '125',
              Total: '125',
              Booked: true,
              Cancelled: false,
              Currency: 'SEK',
              CurrencyRate: '1',
              InvoiceDate: '2025-03-01',
              DueDate: '2025-03-31',
              FinalPayDate: null,
            },
          ],
        },
      },
    ],
  });
}

/**
 * An action on an invoice that only runs when the invoice is not in its end state yet, so running it
 * again (or after a crash) returns the invoice instead of failing on Fortnox's "already done".
 */
function invoiceAction(
  deps: ClientDeps,
  options: {
    readonly action: 'bookkeep' | 'cancel';
    readonly description: string;
    readonly done: (invoice: FortnoxObject) => boolean;
    readonly refuse?: (invoice: FortnoxObject) => string | undefined;
    readonly example: FortnoxObject;
  },
) {
  const clientFor = clientFactory(deps);
  const ifDone = async (ctx: Ctx, input: DocumentNumberInput) => {
    const invoice = await getInvoice(clientFor, ctx, input.DocumentNumber);
    return options.done(invoice) ? invoice : undefined;
  };
  return defineOperation<DocumentNumberInput, FortnoxObject, FortnoxSettings>({
    description: options.description,
    inputSchema: DOCUMENT_NUMBER_INPUT,
    outputSchema: invoiceOutput('The invoice after the action.'),
    idempotent: true,
    examples: [{ name: options.action, input: { DocumentNumber: '20' }, output: options.example }],
    lookup: ifDone,
    // The action straight away: one request on the happy path. The invoice is read only when Fortnox
    // refuses, to tell "done already" (a person booked it, a replay) from a real refusal. Whether an
    // earlier attempt of this step may have acted is the effects ledger's business (it calls lookup).
    async run(ctx, input) {
      try {
        const { body } = await clientFor(ctx).request(
          'PUT',
          `/3/invoices/${idSegment(input.DocumentNumber)}/${options.action}`,
          signalOf(ctx),
        );
        return unwrap(body, 'Invoice', INVOICE);
      } catch (error) {
        if (!isConnectorError(error) || error.kind !== 'validation') throw error;
        const invoice = await getInvoice(clientFor, ctx, input.DocumentNumber);
        if (options.done(invoice)) return invoice;
        const refusal = options.refuse?.(invoice);
        if (refusal) {
          throw new ValidationError(`Fortnox invoice ${input.DocumentNumber} ${refusal}`, {
            field: 'DocumentNumber',
          });
        }
        throw error;
      }
    },
  });
}

export function invoicesBookkeep(deps: ClientDeps) {
  return invoiceAction(deps, {
    action: 'bookkeep',
    description:
      'Books an invoice (PUT /3/invoices/{n}/bookkeep: a voucher is created, Booked becomes true); an invoice booked already is returned as it is.',
    done: (invoice) => isTrue(invoice.Booked),
    refuse: (invoice) => (isTrue(invoice.Cancelled) ? 'is cancelled and cannot be booked' : undefined),
    example: { ...EXAMPLE_INVOICE, Booked: true, VoucherSeries: 'B', VoucherNumber: 1, VoucherYear: 1 },
  });
}

export function invoicesCancel(deps: ClientDeps) {
  return invoiceAction(deps, {
    action: 'cancel',
    description:
      'Cancels an unbooked invoice (PUT /3/invoices/{n}/cancel); a cancelled one is returned as it is. A booked invoice cannot be cancelled: credit it (invoices.credit).',
    done: (invoice) => isTrue(invoice.Cancelled),
    refuse: (invoice) =>
      isTrue(invoice.Booked)
        ? 'is booked: Fortnox cancels only unbooked invoices, credit it instead'
        : undefined,
    example: { ...EXAMPLE_INVOICE, Cancelled: true },
  });
}

export interface InvoiceCreditInput {
  /** The invoice to credit. */
  readonly DocumentNumber: string;
  /** A partial credit: the rows to credit, with the quantities credited (positive; written negative). */
  readonly InvoiceRows?: readonly FortnoxObject[];
  /** Freight / administration fee credited (positive decimal strings; written negative). */
  readonly Freight?: string;
  readonly AdministrationFee?: string;
  /** Set on the credit invoice. ExternalInvoiceReference1 (e.g. the refund's id) finds it again. */
  readonly ExternalInvoiceReference1?: string;
  readonly ExternalInvoiceReference2?: string;
  readonly YourOrderNumber?: string;
  readonly Remarks?: string;
  readonly InvoiceDate?: string;
  readonly DueDate?: string;
}

/** Header fields the caller may set on the credit invoice. */
const CREDIT_HEADER_FIELDS = [
  'ExternalInvoiceReference1',
  'ExternalInvoiceReference2',
  'YourOrderNumber',
  'Remarks',
  'InvoiceDate',
  'DueDate',
] as const;

/** What a partial credit invoice copies from the invoice it credits, so it reads like it. */
const COPIED_FROM_ORIGINAL = [
  'CustomerNumber',
  'CustomerName',
  'Address1',
  'Address2',
  'ZipCode',
  'City',
  'Country',
  'Phone1',
  'Phone2',
  'DeliveryName',
  'DeliveryAddress1',
  'DeliveryAddress2',
  'DeliveryZipCode',
  'DeliveryCity',
  'DeliveryCountry',
  'Currency',
  'CurrencyRate',
  'CurrencyUnit',
  'VATIncluded',
  'PriceList',
  'Language',
  'OurReference',
  'YourReference',
  'YourOrderNumber',
  'CostCenter',
  'Project',
  'TermsOfPayment',
  'WayOfDelivery',
  'TermsOfDelivery',
] as const;

const POSITIVE_DECIMAL = '^(0|[1-9][0-9]*)(\\.[0-9]+)?$';

function creditInputSchema(): JsonSchemaObject {
  const payload = inputSchemaOf('fortnox_InvoicePayload', [], '') as {
    properties: Record<string, JsonSchemaObject & { items?: JsonSchemaObject }>;
  };
  const row = payload.properties.InvoiceRows?.items as JsonSchemaObject & {
    properties: Record<string, JsonSchemaObject>;
  };
  const header = Object.fromEntries(CREDIT_HEADER_FIELDS.map((field) => [field, payload.properties[field]]));
  return {
    $schema: SCHEMA_DIALECT,
    description:
      'Without InvoiceRows/Freight/AdministrationFee: a full credit. With them: a partial credit of those rows and amounts, which needs ExternalInvoiceReference1 so a retry can find it.',
    type: 'object',
    additionalProperties: false,
    required: ['DocumentNumber'],
    properties: {
      DocumentNumber: { type: 'string', pattern: '^[0-9]+$' },
      InvoiceRows: {
        type: 'array',
        minItems: 1,
        items: {
          ...row,
          properties: {
            ...row.properties,
            DeliveredQuantity: { type: 'string', pattern: POSITIVE_DECIMAL },
          },
        },
      },
      Freight: { type: 'string', pattern: POSITIVE_DECIMAL },
      AdministrationFee: { type: 'string', pattern: POSITIVE_DECIMAL },
      ...header,
    },
    dependentRequired: {
      InvoiceRows: ['ExternalInvoiceReference1'],
      Freight: ['ExternalInvoiceReference1'],
      AdministrationFee: ['ExternalInvoiceReference1'],
    },
  };
}

const negate = (value: unknown) => {
  const negated = new Decimal(text(value) || '0').neg();
  return negated.isZero() ? '0' : negated.toFixed();
};

const isPartial = (input: InvoiceCreditInput) =>
  input.InvoiceRows !== undefined || input.Freight !== undefined || input.AdministrationFee !== undefined;

/** How many candidates found by a substring search are fetched one by one to compare exactly. */
const MAX_CANDIDATES = 10;

export function invoicesCredit(deps: ClientDeps) {
  const clientFor = clientFactory(deps);

  /** The header fields the caller gave, as Fortnox should hold them on the credit invoice. */
  const headerOf = (input: InvoiceCreditInput): Record<string, string> =>
    Object.fromEntries(
      CREDIT_HEADER_FIELDS.flatMap((field) => (input[field] === undefined ? [] : [[field, input[field]]])),
    );

  /** Sets the caller's header fields on the credit invoice where they differ (a PUT of the same is safe to repeat). */
  const finish = async (ctx: Ctx, credit: FortnoxObject, input: InvoiceCreditInput) => {
    const header = headerOf(input);
    const changed = Object.fromEntries(
      Object.entries(header).filter(([field, value]) => text(credit[field]) !== value),
    );
    if (Object.keys(changed).length === 0) return credit;
    const { body } = await clientFor(ctx).request(
      'PUT',
      `/3/invoices/${idSegment(text(credit.DocumentNumber))}`,
      {
        body: { Invoice: changed },
        bodySchema: 'fortnox_InvoicePayload_Wrap',
        retryAmbiguous: true,
        ...signalOf(ctx),
      },
    );
    return unwrap(body, 'Invoice', INVOICE);
  };

  const creditsOf = (credit: FortnoxObject, documentNumber: string) =>
    isTrue(credit.Credit) && text(credit.CreditInvoiceReference) === documentNumber;

  const lookup = async (ctx: Ctx, input: InvoiceCreditInput): Promise<FortnoxObject | undefined> => {
    const original = await getInvoice(clientFor, ctx, input.DocumentNumber);
    const reference = text(input.ExternalInvoiceReference1);
    if (reference !== '') {
      const hits = await listAll<FortnoxObject>(clientFor(ctx), '/3/invoices', 'Invoices', {
        query: { externalinvoicereference1: reference },
        ...signalOf(ctx),
      });
      const exact = hits.filter(
        (hit) => text(hit.ExternalInvoiceReference1) === reference && !isTrue(hit.Cancelled),
      );
      for (const hit of exact.slice(0, MAX_CANDIDATES)) {
        const candidate = await getInvoice(clientFor, ctx, text(hit.DocumentNumber));
        if (creditsOf(candidate, input.DocumentNumber)) return finish(ctx, candidate, input);
      }
    }
    if (isPartial(input) || !isReference(original.CreditInvoiceReference)) return undefined;
    // A full credit whose header update did not happen yet: the credit Fortnox linked to the invoice,
    // unless it carries someone else's reference (a partial credit made before).
    const credit = await getInvoice(clientFor, ctx, text(original.CreditInvoiceReference));
    const own = text(credit.ExternalInvoiceReference1);
    const ours = own === '' || own === reference || own === text(original.ExternalInvoiceReference1);
    return creditsOf(credit, input.DocumentNumber) && ours ? finish(ctx, credit, input) : undefined;
  };

  return defineOperation<InvoiceCreditInput, FortnoxObject, FortnoxSettings>({
    description:
      'Credits an invoice. Full credit: PUT /3/invoices/{n}/credit (Fortnox credits booked invoices only), then the given header fields are set on the credit invoice. Partial credit: a new invoice with CreditInvoiceReference = the invoice and the given rows with negative quantities. Returns the credit invoice (Credit "true", CreditInvoiceReference = the credited invoice). Neither changes the original\'s Balance: Fortnox settles a credit and its invoice by payments.',
    inputSchema: creditInputSchema(),
    outputSchema: invoiceOutput('The credit invoice.', ['DocumentNumber', 'CreditInvoiceReference']),
    idempotent: false,
    examples: [
      {
        name: 'full credit',
        input: { DocumentNumber: '20', ExternalInvoiceReference1: 'refund-88' },
        output: {
          ...EXAMPLE_INVOICE,
          DocumentNumber: '21',
          Credit: 'true',
          CreditInvoiceReference: '20',
          ExternalInvoiceReference1: 'refund-88',
          Total: '-125',
          Balance: '-125',
          InvoiceRows: [
            { ArticleNumber: '101', DeliveredQuantity: '-1', Price: '100', VAT: 25, Total: '-100' },
          ],
        },
      },
      {
        name: 'partial credit of one row',
        input: {
          DocumentNumber: '20',
          ExternalInvoiceReference1: 'refund-89',
          InvoiceRows: [{ ArticleNumber: '101', DeliveredQuantity: '1', Price: '40.00' }],
        },
        output: {
          ...EXAMPLE_INVOICE,
          DocumentNumber: '22',
          Credit: 'true',
          CreditInvoiceReference: '20',
          ExternalInvoiceReference1: 'refund-89',
          Total: '-50',
          Balance: '-50',
          InvoiceRows: [
            { ArticleNumber: '101', DeliveredQuantity: '-1', Price: '40', VAT: 25, Total: '-40' },
          ],
        },
      },
    ],
    lookup,
    async run(ctx, input) {
      if (isPartial(input)) assertWholeVatRows(input.InvoiceRows, 'InvoiceRows');
      const client = clientFor(ctx);
      const original = await getInvoice(clientFor, ctx, input.DocumentNumber);
      if (isTrue(original.Credit)) {
        throw new ValidationError(`Fortnox invoice ${input.DocumentNumber} is a credit invoice itself`, {
          field: 'DocumentNumber',
        });
      }
      if (!isPartial(input)) {
        if (isReference(original.CreditInvoiceReference)) {
          throw new ConflictError(
            `Fortnox invoice ${input.DocumentNumber} has credit invoice ${text(original.CreditInvoiceReference)} already; credit what is left with InvoiceRows`,
          );
        }
        const { body } = await client.request(
          'PUT',
          `/3/invoices/${idSegment(input.DocumentNumber)}/credit`,
          signalOf(ctx),
        );
        const updated = unwrap(body, 'Invoice', INVOICE);
        if (!isReference(updated.CreditInvoiceReference))
          throw new Error(
            `Fortnox credited invoice ${input.DocumentNumber} without a CreditInvoiceReference`,
          );
        const credit = await getInvoice(clientFor, ctx, text(updated.CreditInvoiceReference));
        return finish(ctx, credit, input);
      }
      const copied = Object.fromEntries(
        COPIED_FROM_ORIGINAL.flatMap((field) => {
          const value = original[field];
          return value === undefined || value === null || value === '' ? [] : [[field, value]];
        }),
      );
      const credit: Record<string, unknown> = {
        ...copied,
        ...headerOf(input),
        CreditInvoiceReference: input.DocumentNumber,
        InvoiceRows: (input.InvoiceRows ?? []).map((row) => ({
          ...row,
          DeliveredQuantity: negate(row.DeliveredQuantity),
        })),
      };
      if (input.Freight !== undefined) credit.Freight = negate(input.Freight);
      if (input.AdministrationFee !== undefined) credit.AdministrationFee = negate(input.AdministrationFee);
      const { body } = await client.request('POST', '/3/invoices', {
        body: { Invoice: credit },
        bodySchema: 'fortnox_InvoicePayload_Wrap',
        ...signalOf(ctx),
      });
      return unwrap(body, 'Invoice', INVOICE);
    },
  });
}
