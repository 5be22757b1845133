/**
 * The shipped order pipeline against the Fortnox sandbox, with the real Fortnox connector operations
 * (no effects ledger, no database): what Fortnox holds afterwards, and in which order the calls came.
 * A returning customer's VATType is corrected before the document is made (bookkeeping.md §1.3,
 * pitfall 14); a card order ends as a booked invoice paid in full; a refund becomes a credit invoice.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SalesOrder } from '../../../core/model/index.ts';
import { executeRecord } from '../../../core/plan/execute-record.ts';
import { createStepEngines } from '../../../core/plan/step-engines.ts';
import type { Logger, OperationContext } from '../../../core/plugin-api/index.ts';
import {
  FortnoxClient,
  InMemoryTokenStore,
  defaultClientDeps,
  type FortnoxSettings,
} from '../../../connectors/fortnox/client/index.ts';
import { createFortnoxConnector } from '../../../connectors/fortnox/connector.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import { fixtureWorkspace } from '../../helpers/workspace.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const record = (path: string) => JSON.parse(readFileSync(`${root}${path}`, 'utf8')) as SalesOrder;
const articles = JSON.parse(
  readFileSync(`${root}scripts/demo/seed/fortnox-articles.json`, 'utf8'),
) as unknown[];
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const workspace = await fixtureWorkspace();
const loaded = workspace.pipeline(`${root}pipelines/orders-to-fortnox.yaml`);
if (!loaded.value) throw new Error(JSON.stringify(loaded.diagnostics));
const { plan, packs } = loaded.value;

let sandbox: RunningFortnoxSandbox;
let connector: ReturnType<typeof createFortnoxConnector>;
let ctx: OperationContext<FortnoxSettings>;
/** Reads what Fortnox holds, with the connector's token store. */
let reader: FortnoxClient;

type Fortnox = Record<string, unknown>;

beforeAll(async () => {
  sandbox = await startFortnoxSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(async () => {
  await fetch(`${sandbox.url}/__admin/reset`, { method: 'POST' });
  await fetch(`${sandbox.url}/__admin/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ articles }),
  });
  // one connector (and token store) per test: the sandbox's refresh token is single use after a reset
  const tokenStore = new InMemoryTokenStore();
  connector = createFortnoxConnector({ tokenStore });
  ctx = {
    tenantId: 'shop',
    settings: {
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      refreshToken: DEFAULT_REFRESH_TOKEN,
      apiUrl: sandbox.url,
      authUrl: sandbox.url,
    },
    signal: new AbortController().signal,
    logger: silent,
  };
  reader = new FortnoxClient(ctx.settings, ctx.tenantId, defaultClientDeps({ tokenStore }));
});

async function seedCustomer(customer: Fortnox): Promise<void> {
  const response = await fetch(`${sandbox.url}/__admin/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customers: [customer] }),
  });
  expect(response.status).toBe(200);
}

const operation = (name: string) =>
  (connector.operations as Record<string, { run(c: typeof ctx, input: never): Promise<unknown> }>)[name]!;

/** Runs the pipeline for one order; the WooCommerce refunds read answers with `refunds`. */
async function send(order: SalesOrder, refunds: unknown[] = []) {
  const steps: string[] = [];
  const outcome = await executeRecord(
    plan,
    { record: order, params: {} },
    createStepEngines(plan, packs),
    async (step, input) => {
      steps.push(step.id);
      if (step.connection === 'shop') return { refunds };
      return operation(step.operation).run(ctx, input as never);
    },
  );
  return { steps, outcome };
}

/** The sandbox's request log as "METHOD /path" without the query, in arrival order. */
const requests = () =>
  sandbox.state.requests
    .filter((entry) => entry.url.startsWith('/3/'))
    .map((entry) => `${entry.method} ${entry.url.split('?')[0]}`);

describe('orders-to-fortnox on the Fortnox sandbox', () => {
  it("corrects a returning customer's VATType (SEVAT → EUREVERSEDVAT) before the order is created", async () => {
    await seedCustomer({
      CustomerNumber: '77',
      Name: 'Pora Oy',
      Email: 'aino@example.test',
      Type: 'COMPANY',
      VATType: 'SEVAT',
      CountryCode: 'FI',
    });
    const { steps } = await send(record('rules/se-vat/records/d-fi-b2b-vat-number.json'));
    expect(steps.slice(0, 3)).toEqual(['customer', 'order', 'createInvoice']);

    const log = requests();
    const put = log.indexOf('PUT /3/customers/77');
    const post = log.indexOf('POST /3/orders');
    expect(put, log.join('\n')).toBeGreaterThanOrEqual(0);
    expect(post).toBeGreaterThan(put);
    expect(log.filter((line) => line === 'POST /3/customers')).toEqual([]);

    const card = (await read('/3/customers/77')).Customer as Fortnox;
    expect(card).toMatchObject({
      CustomerNumber: '77',
      VATType: 'EUREVERSEDVAT',
      VATNumber: 'FI01120389',
      Type: 'COMPANY',
    });
  });

  it('turns (a) into a booked invoice with rows on 3001 / 3520, paid in full on 1580', async () => {
    const { steps } = await send(record('rules/se-vat/records/a-se-b2c-coupon-shipping.json'));
    expect(steps).toEqual(['customer', 'order', 'createInvoice', 'bookkeep', 'payment']);
    const calls = requests();
    console.info(
      `orders-to-fortnox (a), new customer: ${calls.length} Fortnox requests: ${calls.join(', ')}`,
    );
    const invoices = (await read('/3/invoices')).Invoices as Fortnox[];
    expect(invoices).toHaveLength(1);
    const invoice = (await read(`/3/invoices/${String(invoices[0]!.DocumentNumber)}`)).Invoice as Fortnox;
    expect(invoice).toMatchObject({ Booked: true, YourOrderNumber: '60' });
    expect(Number(invoice.Total)).toBe(407.2);
    expect(Number(invoice.Balance)).toBe(0);
    const rows = (invoice.InvoiceRows as Fortnox[]).map((row) => [
      row.ArticleNumber ?? '',
      String(row.AccountNumber),
      Number(row.VAT),
      Number(row.Price),
    ]);
    expect(rows).toEqual([
      ['PUB-TEE', '3001', 25, 179.1],
      ['', '3520', 25, 49],
    ]);
    const payments = (await read('/3/invoicepayments')).InvoicePayments as Fortnox[];
    expect(payments).toHaveLength(1);
    // paid on the order's day, but not before the invoice's date (today in the sandbox)
    expect(payments[0]).toMatchObject({ Amount: 407.2, Booked: true, PaymentDate: invoice.InvoiceDate });
    const payment = (await read(`/3/invoicepayments/${String(payments[0]!.Number)}`))
      .InvoicePayment as Fortnox;
    expect(payment).toMatchObject({ ModeOfPayment: 'KORT', ModeOfPaymentAccount: 1580 });
  });

  it('credits a refund of the shipping of (b) over its two freight rows, linked to the invoice', async () => {
    const order = {
      ...record('rules/se-vat/records/b-se-mixed-25-12-shipping.json'),
      refunds: [{ id: '301', amount: '59.00' }],
    };
    const refund = {
      id: '301',
      amount: '59.00',
      createdAt: '2026-11-29T10:00:00Z',
      reason: 'Frakt',
      lines: [
        {
          kind: 'shipping',
          orderLineId: '61',
          name: 'PostNord',
          quantity: '0',
          total: '47.20',
          totalTax: '11.80',
          taxRate: '25',
        },
      ],
    };
    const { steps } = await send(order, [refund]);
    expect(steps).toEqual([
      'customer',
      'order',
      'createInvoice',
      'bookkeep',
      'payment',
      'refunds',
      'credits',
    ]);
    const invoices = (await read('/3/invoices')).Invoices as Fortnox[];
    expect(invoices).toHaveLength(2);
    const credit = (await read(`/3/invoices/${String(invoices[1]!.DocumentNumber)}`)).Invoice as Fortnox;
    expect(credit).toMatchObject({
      ExternalInvoiceReference1: '62-R301',
      CreditInvoiceReference: String(invoices[0]!.DocumentNumber),
    });
    expect(Number(credit.Total)).toBe(-59);
    const rows = (credit.InvoiceRows as Fortnox[]).map((row) => [
      Number(row.DeliveredQuantity),
      Number(row.Price),
      Number(row.VAT),
      String(row.AccountNumber),
    ]);
    expect(rows).toEqual([
      [-1, 40.75, 25, '3520'],
      [-1, 18.25, 12, '3520'],
    ]);
  });
});

async function read(path: string): Promise<Record<string, unknown>> {
  const { body } = await reader.request<Record<string, unknown>>('GET', path);
  return body;
}
