import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../core/plugin-api/index.ts';
import { SandboxHarness } from './harness.ts';

const harness = new SandboxHarness();

beforeAll(async () => harness.start());
afterAll(async () => harness.stop());
beforeEach(async () => harness.reset());
afterEach(() => {
  expect(harness.takeMismatches(), 'requests and responses outside the OpenAPI document').toEqual([]);
});

const ops = () => harness.connector().operations;
const op = <K extends keyof ReturnType<typeof ops>>(name: K) => ops()[name];
const ctx = () => harness.ctx();

/** An invoice of one hammer at 100 + 25 % VAT = 125. */
async function newInvoice(extra: Record<string, unknown> = {}) {
  return ops()['invoices.create'].run(ctx(), {
    CustomerNumber: '1',
    InvoiceRows: [{ ArticleNumber: '101', DeliveredQuantity: '2', Price: '50.00' }],
    ...extra,
  });
}

async function bookedInvoice(extra: Record<string, unknown> = {}) {
  const invoice = await newInvoice(extra);
  return ops()['invoices.bookkeep'].run(ctx(), { DocumentNumber: String(invoice.DocumentNumber) });
}

describe('Fortnox invoices (sandbox): read, bookkeep, cancel', () => {
  it('gets one invoice and lists invoices by filter and by change time', async () => {
    const invoice = await newInvoice({ YourOrderNumber: '3001' });
    const number = String(invoice.DocumentNumber);
    expect(await ops()['invoices.get'].run(ctx(), { DocumentNumber: number })).toMatchObject({
      DocumentNumber: number,
      Total: '125',
      Balance: '125',
    });
    const unbooked = await ops()['invoices.list'].run(ctx(), { filter: 'unbooked' });
    expect(unbooked.Invoices?.map((item) => item.DocumentNumber)).toEqual([number]);
    expect((unbooked.Invoices ?? [])[0]).toMatchObject({ Total: '125', CurrencyRate: '1' });
    const since = await ops()['invoices.list'].run(ctx(), { since: '2000-01-01T00:00:00Z' });
    expect(since.Invoices).toHaveLength(1);
    const future = await ops()['invoices.list'].run(ctx(), {
      since: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(future.Invoices).toEqual([]);
    const capped = await ops()['invoices.list'].run(ctx(), { maxItems: 1, yourordernumber: '3001' });
    expect(capped.Invoices).toHaveLength(1);
  });

  it('books once: a second bookkeep returns the booked invoice, and lookup sees it booked', async () => {
    const invoice = await newInvoice();
    const input = { DocumentNumber: String(invoice.DocumentNumber) };
    const bookkeep = ops()['invoices.bookkeep'];
    expect(await bookkeep.lookup?.(ctx(), input)).toBeUndefined();
    const booked = await bookkeep.run(ctx(), input);
    expect(booked).toMatchObject({ Booked: true, VoucherSeries: 'B' });
    expect(await bookkeep.run(ctx(), input)).toMatchObject({ VoucherNumber: booked.VoucherNumber });
    expect((await bookkeep.lookup?.(ctx(), input))?.Booked).toBe(true);
    // the second attempt does not read first (one call fewer on the happy path): Fortnox refuses
    // it, and the operation answers with the invoice as booked by the first — one voucher
    const puts = harness.sandbox.state.requests.filter((entry) => entry.url.endsWith('/bookkeep'));
    expect(puts.map((entry) => entry.status)).toEqual([200, 400]);
  });

  it('cancels an unbooked invoice; a booked one is refused by the operation and by Fortnox', async () => {
    const open = await newInvoice();
    const cancelled = await ops()['invoices.cancel'].run(ctx(), {
      DocumentNumber: String(open.DocumentNumber),
    });
    expect(cancelled.Cancelled).toBe(true);
    const booked = await bookedInvoice();
    const refused = await op('invoices.cancel')
      .run(ctx(), { DocumentNumber: String(booked.DocumentNumber) })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as Error).message).toContain('credit it instead');
    const direct = await harness
      .client()
      .request('PUT', `/3/invoices/${String(booked.DocumentNumber)}/cancel`)
      .catch((e: unknown) => e);
    expect(direct).toMatchObject({
      kind: 'validation',
      status: 400,
      code: String(harness.sandbox.config.errors.documentLocked.code),
    });
  });
});

describe('Fortnox invoices (sandbox): credit', () => {
  it('credits a booked invoice in full: linked both ways, negative, balances untouched', async () => {
    const original = await bookedInvoice({ ExternalInvoiceReference1: 'woo-77' });
    const number = String(original.DocumentNumber);
    const input = {
      DocumentNumber: number,
      ExternalInvoiceReference1: 'refund-77-1',
      InvoiceDate: '2025-03-05',
    };
    const credit = ops()['invoices.credit'];
    expect(await credit.lookup?.(ctx(), input)).toBeUndefined();
    const made = await credit.run(ctx(), input);
    expect(made).toMatchObject({
      Credit: 'true',
      CreditInvoiceReference: number,
      ExternalInvoiceReference1: 'refund-77-1',
      InvoiceDate: '2025-03-05',
      Total: '-125',
      Balance: '-125',
      Booked: false,
    });
    expect((made.InvoiceRows as { DeliveredQuantity: string }[])[0]?.DeliveredQuantity).toBe('-2');
    const after = await ops()['invoices.get'].run(ctx(), { DocumentNumber: number });
    expect(after).toMatchObject({ CreditInvoiceReference: made.DocumentNumber, Balance: '125' });
    // A retry finds the credit instead of crediting twice; a new credit of the whole is refused.
    expect((await credit.lookup?.(ctx(), input))?.DocumentNumber).toBe(made.DocumentNumber);
    expect(await credit.run(ctx(), input).catch((e: unknown) => e)).toBeInstanceOf(ConflictError);
    // The invoice's own lookup (by its reference) does not mistake the credit for the invoice.
    const found = await ops()['invoices.create'].lookup?.(ctx(), {
      CustomerNumber: '1',
      ExternalInvoiceReference1: 'woo-77',
    });
    expect(found?.DocumentNumber).toBe(number);
  });

  it('finishes a full credit whose header update was lost: lookup finds the linked credit and sets it', async () => {
    const original = await bookedInvoice();
    const number = String(original.DocumentNumber);
    await harness.client().request('PUT', `/3/invoices/${number}/credit`);
    const made = await ops()['invoices.credit'].lookup?.(ctx(), {
      DocumentNumber: number,
      ExternalInvoiceReference1: 'refund-5',
    });
    expect(made).toMatchObject({ CreditInvoiceReference: number, ExternalInvoiceReference1: 'refund-5' });
  });

  it("refuses to credit an unbooked invoice with Fortnox's error", async () => {
    const open = await newInvoice();
    const error = await op('invoices.credit')
      .run(ctx(), { DocumentNumber: String(open.DocumentNumber) })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'validation',
      code: String(harness.sandbox.config.errors.notBooked.code),
    });
  });

  it('credits part of an invoice as a new invoice naming it; each refund is found by its reference', async () => {
    const original = await bookedInvoice({ Freight: '49.00' });
    const number = String(original.DocumentNumber);
    const first = {
      DocumentNumber: number,
      ExternalInvoiceReference1: 'refund-9-1',
      InvoiceRows: [{ ArticleNumber: '101', DeliveredQuantity: '1', Price: '50.00' }],
    };
    const credit = ops()['invoices.credit'];
    const partial = await credit.run(ctx(), first);
    expect(partial).toMatchObject({
      Credit: 'true',
      CreditInvoiceReference: number,
      Total: '-62.5',
      Freight: '0',
    });
    const second = { DocumentNumber: number, ExternalInvoiceReference1: 'refund-9-2', Freight: '49.00' };
    expect(await credit.lookup?.(ctx(), second)).toBeUndefined();
    const freight = await credit.run(ctx(), second);
    expect(freight).toMatchObject({ Freight: '-49', Total: '-61.25' });
    expect((await credit.lookup?.(ctx(), first))?.DocumentNumber).toBe(partial.DocumentNumber);
    expect((await credit.lookup?.(ctx(), second))?.DocumentNumber).toBe(freight.DocumentNumber);
    const after = await ops()['invoices.get'].run(ctx(), { DocumentNumber: number });
    expect(after.CreditInvoiceReference).toBe(partial.DocumentNumber);
    const credits = await ops()['invoices.list'].run(ctx(), { externalinvoicereference1: 'refund-9' });
    expect(credits.Invoices).toHaveLength(2);
    const onlyCredits = await ops()['invoices.list'].run(ctx(), { credit: 'true' });
    expect(onlyCredits.Invoices?.map((item) => item.DocumentNumber).sort()).toEqual(
      [partial.DocumentNumber, freight.DocumentNumber].sort(),
    );
  });

  it('insists on a reference for a partial credit, so a retry can find it', () => {
    const ajvLike = ops()['invoices.credit'].inputSchema as { dependentRequired: Record<string, string[]> };
    expect(ajvLike.dependentRequired.InvoiceRows).toEqual(['ExternalInvoiceReference1']);
  });
});

describe('Fortnox invoice payments (sandbox)', () => {
  it('refuses a payment on an unbooked invoice with the configured error', async () => {
    const open = await newInvoice();
    const error = await op('invoicePayments.create')
      .run(ctx(), {
        InvoiceNumber: String(open.DocumentNumber),
        Amount: '125',
        PaymentDate: String(open.InvoiceDate),
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'validation',
      code: String(harness.sandbox.config.errors.notBooked.code),
    });
  });

  it('pays an invoice in two parts: the balance goes down, the last payment makes it fully paid', async () => {
    const invoice = await bookedInvoice();
    const number = String(invoice.DocumentNumber);
    const date = String(invoice.InvoiceDate);
    const pay = ops()['invoicePayments.create'];
    const first = { InvoiceNumber: number, Amount: '100.00', PaymentDate: date, ModeOfPayment: 'KORT' };
    expect(await pay.lookup?.(ctx(), first)).toBeUndefined();
    const payment = await pay.run(ctx(), first);
    expect(payment).toMatchObject({
      InvoiceNumber: Number(number),
      Amount: '100',
      ModeOfPayment: 'KORT',
      ModeOfPaymentAccount: 1580,
      Booked: false,
    });
    expect((await ops()['invoices.get'].run(ctx(), { DocumentNumber: number })).Balance).toBe('25');
    expect((await pay.lookup?.(ctx(), first))?.Number).toBe(payment.Number);
    expect(await pay.lookup?.(ctx(), { ...first, Amount: '99.00' })).toBeUndefined();
    const rest = await pay.run(ctx(), {
      InvoiceNumber: number,
      Amount: '25',
      PaymentDate: date,
      bookkeep: true,
    });
    expect(rest).toMatchObject({ Booked: true, VoucherSeries: 'C' });
    const paid = await ops()['invoices.get'].run(ctx(), { DocumentNumber: number });
    expect(paid).toMatchObject({ Balance: '0', FinalPayDate: date });
    const fullyPaid = await ops()['invoices.list'].run(ctx(), { filter: 'fullypaid' });
    expect(fullyPaid.Invoices?.map((item) => item.DocumentNumber)).toEqual([number]);
  });

  it('books a payment a crashed attempt left unbooked when the lookup finds it', async () => {
    const invoice = await bookedInvoice();
    const input = {
      InvoiceNumber: String(invoice.DocumentNumber),
      Amount: '125',
      PaymentDate: String(invoice.InvoiceDate),
      bookkeep: true,
    };
    await ops()['invoicePayments.create'].run(ctx(), { ...input, bookkeep: false });
    expect((await ops()['invoicePayments.create'].lookup?.(ctx(), input))?.Booked).toBe(true);
  });

  it('pays a euro invoice in euro: AmountCurrency in EUR, Amount in SEK at the rate', async () => {
    const invoice = await bookedInvoice({ Currency: 'EUR', CurrencyRate: '11.5' });
    expect(invoice).toMatchObject({ Currency: 'EUR', Total: '125' });
    const payment = await ops()['invoicePayments.create'].run(ctx(), {
      InvoiceNumber: String(invoice.DocumentNumber),
      Amount: '25.00',
      PaymentDate: String(invoice.InvoiceDate),
    });
    expect(payment).toMatchObject({ Currency: 'EUR', AmountCurrency: '25', Amount: '287.5' });
    const after = await ops()['invoices.get'].run(ctx(), { DocumentNumber: String(invoice.DocumentNumber) });
    expect(after.Balance).toBe('100');
  });

  it('pays out a booked credit invoice with a negative amount, settling it', async () => {
    const original = await bookedInvoice();
    const credit = await ops()['invoices.credit'].run(ctx(), {
      DocumentNumber: String(original.DocumentNumber),
    });
    await ops()['invoices.bookkeep'].run(ctx(), { DocumentNumber: String(credit.DocumentNumber) });
    await ops()['invoicePayments.create'].run(ctx(), {
      InvoiceNumber: String(credit.DocumentNumber),
      Amount: '-125',
      PaymentDate: String(credit.InvoiceDate),
    });
    const settled = await ops()['invoices.get'].run(ctx(), { DocumentNumber: String(credit.DocumentNumber) });
    expect(settled.Balance).toBe('0');
  });

  it('refuses a payment dated before its invoice', async () => {
    const invoice = await bookedInvoice();
    const error = await op('invoicePayments.create')
      .run(ctx(), {
        InvoiceNumber: String(invoice.DocumentNumber),
        Amount: '1',
        PaymentDate: '2000-01-01',
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: 'validation',
      code: String(harness.sandbox.config.errors.paymentBeforeInvoiceDate.code),
    });
  });
});

describe('Fortnox invoices (sandbox): OpenAPI check', () => {
  it('checked request bodies and responses against the OpenAPI document', () => {
    console.info(
      `fortnox OpenAPI check (invoices suite): ${harness.check.checked.requests} request bodies, ${harness.check.checked.responses} responses`,
    );
    expect(harness.check.checked.requests).toBeGreaterThan(0);
    expect(harness.check.checked.responses).toBeGreaterThan(0);
  });
});
