import { Decimal } from 'decimal.js';
import { defineOperation, type OperationContext } from '../../../core/plugin-api/index.ts';
import { idSegment, listAll, type ClientDeps, type FortnoxSettings } from '../client/index.ts';
import { DECIMAL_PATTERN, inputSchemaOf, outputSchemaOf } from '../schemas/from-openapi.ts';
import { getInvoice } from './invoices.ts';
import {
  SCHEMA_DIALECT,
  clientFactory,
  getObject,
  isTrue,
  signalOf,
  text,
  unwrap,
  type FortnoxObject,
} from './shared.ts';

type Ctx = OperationContext<FortnoxSettings>;

export interface InvoicePaymentInput {
  readonly InvoiceNumber: string | number;
  /** In the invoice's currency; negative to pay out a credit invoice. */
  readonly Amount: string;
  /** `YYYY-MM-DD`; required, so that a retry on another day still finds the payment. */
  readonly PaymentDate: string;
  /** A code of `/3/modesofpayments`; its account is used unless ModeOfPaymentAccount is given. */
  readonly ModeOfPayment?: string;
  readonly ModeOfPaymentAccount?: string | number;
  /** SEK per the invoice's CurrencyUnit on the payment day; default the invoice's rate. */
  readonly CurrencyRate?: string;
  /**
   * The invoice's currency (and CurrencyUnit), when the caller knows them from the invoice it made:
   * then the invoice is not read first (one request less). SEK needs nothing more; another currency
   * needs CurrencyRate too. Not sent to Fortnox (a payment's Currency is read-only).
   */
  readonly Currency?: string;
  readonly CurrencyUnit?: string;
  readonly WriteOffs?: readonly FortnoxObject[];
  /** Book the payment once created (PUT /3/invoicepayments/{n}/bookkeep). */
  readonly bookkeep?: boolean;
}

const PAYMENT = 'fortnox_InvoicePayment';

/**
 * The payment Fortnox needs: for an invoice in SEK just `Amount`; for one in another currency
 * `AmountCurrency` (the invoice currency, what its Balance goes down by) and `Amount` in SEK at the
 * given rate, rounded to the öre (fortnox-api.md §6.6).
 */
export function paymentBody(input: InvoicePaymentInput, invoice: FortnoxObject): Record<string, unknown> {
  const currency = text(invoice.Currency) || 'SEK';
  const body: Record<string, unknown> = {
    InvoiceNumber: String(input.InvoiceNumber),
    PaymentDate: input.PaymentDate,
  };
  if (currency === 'SEK') {
    body.Amount = input.Amount;
  } else {
    const rate = new Decimal(input.CurrencyRate ?? (text(invoice.CurrencyRate) || '1'));
    const unit = new Decimal(text(invoice.CurrencyUnit) || '1');
    body.AmountCurrency = input.Amount;
    body.Amount = new Decimal(input.Amount)
      .times(rate)
      .div(unit)
      .toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
      .toFixed();
    body.CurrencyRate = rate.toFixed();
  }
  if (input.ModeOfPayment !== undefined) body.ModeOfPayment = input.ModeOfPayment;
  if (input.ModeOfPaymentAccount !== undefined)
    body.ModeOfPaymentAccount = String(input.ModeOfPaymentAccount);
  if (input.WriteOffs !== undefined) body.WriteOffs = input.WriteOffs;
  return body;
}

/** What paymentBody needs of the invoice, when the input carries it; undefined: read the invoice. */
function knownInvoice(input: InvoicePaymentInput): FortnoxObject | undefined {
  if (input.Currency === undefined) return undefined;
  if (input.Currency !== 'SEK' && input.CurrencyRate === undefined) return undefined;
  return {
    Currency: input.Currency,
    ...(input.CurrencyRate === undefined ? {} : { CurrencyRate: input.CurrencyRate }),
    ...(input.CurrencyUnit === undefined ? {} : { CurrencyUnit: input.CurrencyUnit }),
  };
}

const sameAmount = (a: unknown, b: unknown) => {
  try {
    return new Decimal(text(a)).eq(new Decimal(text(b)));
  } catch {
    return false;
  }
};

export function invoicePaymentsCreate(deps: ClientDeps) {
  const clientFor = clientFactory(deps);

  const getPayment = (ctx: Ctx, number: string) =>
    getObject(clientFor, ctx, `/3/invoicepayments/${idSegment(number)}`, 'InvoicePayment', PAYMENT);

  /** Books the payment when asked and it is not yet: also completes an attempt that stopped in between. */
  const finish = async (ctx: Ctx, payment: FortnoxObject, input: InvoicePaymentInput) => {
    if (input.bookkeep !== true || isTrue(payment.Booked)) return payment;
    const { body } = await clientFor(ctx).request(
      'PUT',
      `/3/invoicepayments/${idSegment(text(payment.Number))}/bookkeep`,
      signalOf(ctx),
    );
    return unwrap(body, 'InvoicePayment', PAYMENT);
  };

  const written = inputSchemaOf(PAYMENT, ['InvoiceNumber'], '') as {
    properties: Record<string, unknown>;
  };

  return defineOperation<InvoicePaymentInput, FortnoxObject, FortnoxSettings>({
    description:
      "Registers a payment on an invoice (POST /3/invoicepayments): Amount in the invoice currency (AmountCurrency and the SEK Amount at the invoice's or the given rate for foreign currencies), ModeOfPayment, PaymentDate; optionally books it. The invoice's Balance goes down; at 0 it is fully paid. lookup finds a payment on the same invoice with the same date, amount and mode of payment (Fortnox payments carry no reference of their own).",
    inputSchema: {
      $schema: SCHEMA_DIALECT,
      type: 'object',
      additionalProperties: false,
      required: ['InvoiceNumber', 'Amount', 'PaymentDate'],
      properties: {
        InvoiceNumber: { type: ['string', 'integer'], pattern: '^[0-9]+$' },
        Amount: { type: 'string', pattern: DECIMAL_PATTERN },
        PaymentDate: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
        ModeOfPayment: { type: 'string', minLength: 1 },
        ModeOfPaymentAccount: written.properties.ModeOfPaymentAccount,
        CurrencyRate: { type: 'string', pattern: DECIMAL_PATTERN },
        Currency: { type: 'string', pattern: '^[A-Z]{3}$' },
        CurrencyUnit: { type: 'string', pattern: DECIMAL_PATTERN },
        WriteOffs: written.properties.WriteOffs,
        bookkeep: { type: 'boolean', default: false },
      },
    },
    outputSchema: outputSchemaOf(PAYMENT, ['Number', 'InvoiceNumber'], 'The Fortnox InvoicePayment.'),
    idempotent: false,
    examples: [
      {
        name: 'card payment, booked',
        input: {
          InvoiceNumber: '20',
          Amount: '125.00',
          PaymentDate: '2025-03-02',
          ModeOfPayment: 'KORT',
          bookkeep: true,
        },
        output: {
          Number: '1',
          InvoiceNumber: 20,
          Amount: '125',
          AmountCurrency: '125',
          Currency: 'SEK',
          CurrencyRate: '1',
          CurrencyUnit: '1',
          PaymentDate: '2025-03-02',
          ModeOfPayment: 'KORT',
          ModeOfPaymentAccount: 1580,
          Booked: true,
          Source: 'manual',
          InvoiceTotal: '125',
          VoucherSeries: 'C',
          VoucherNumber: 1,
          VoucherYear: 1,
        },
      },
    ],
    async lookup(ctx, input) {
      const invoice = await getInvoice(clientFor, ctx, String(input.InvoiceNumber));
      const expected = paymentBody(input, invoice);
      const items = await listAll<FortnoxObject>(clientFor(ctx), '/3/invoicepayments', 'InvoicePayments', {
        query: { invoicenumber: String(input.InvoiceNumber) },
        ...signalOf(ctx),
      });
      const candidates = items.filter(
        (item) =>
          text(item.InvoiceNumber) === String(input.InvoiceNumber) &&
          text(item.PaymentDate) === input.PaymentDate &&
          sameAmount(item.Amount, expected.Amount),
      );
      for (const candidate of candidates) {
        const payment = await getPayment(ctx, text(candidate.Number));
        if (input.ModeOfPayment !== undefined && text(payment.ModeOfPayment) !== input.ModeOfPayment)
          continue;
        return finish(ctx, payment, input);
      }
      return undefined;
    },
    async run(ctx, input) {
      const invoice = knownInvoice(input) ?? (await getInvoice(clientFor, ctx, String(input.InvoiceNumber)));
      const { body } = await clientFor(ctx).request('POST', '/3/invoicepayments', {
        body: { InvoicePayment: paymentBody(input, invoice) },
        bodySchema: 'fortnox_InvoicePayment_Wrap',
        ...signalOf(ctx),
      });
      return finish(ctx, unwrap(body, 'InvoicePayment', PAYMENT), input);
    },
  });
}
