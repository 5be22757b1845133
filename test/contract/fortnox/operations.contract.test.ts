import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/plugin-api/index.ts';
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
const puts = () => harness.sandbox.state.requests.filter((entry) => entry.method === 'PUT');

describe('Fortnox orders (sandbox)', () => {
  async function newOrder(yourOrderNumber: string) {
    return ops()['orders.create'].run(ctx(), {
      CustomerNumber: '1',
      YourOrderNumber: yourOrderNumber,
      OrderRows: [{ ArticleNumber: '101', OrderedQuantity: '1', DeliveredQuantity: '1', Price: '100' }],
    });
  }

  it('gets an order and lists orders by filter, change time and reference', async () => {
    const invoiced = await newOrder('5001');
    const open = await newOrder('5002');
    await ops()['orders.createInvoice'].run(ctx(), { DocumentNumber: String(invoiced.DocumentNumber) });
    expect(
      await ops()['orders.get'].run(ctx(), { DocumentNumber: String(invoiced.DocumentNumber) }),
    ).toMatchObject({
      InvoiceReference: expect.not.stringMatching(/^0$/),
      Total: '125',
    });
    const list = ops()['orders.list'];
    const numbers = async (input: Record<string, string>) =>
      ((await list.run(ctx(), input)).Orders ?? []).map((order) => order.DocumentNumber);
    expect(await numbers({ filter: 'invoicecreated' })).toEqual([invoiced.DocumentNumber]);
    expect(await numbers({ filter: 'invoicenotcreated' })).toEqual([open.DocumentNumber]);
    expect(await numbers({ externalinvoicereference1: '5002' })).toEqual([open.DocumentNumber]);
    expect(await numbers({ since: '2000-01-01T00:00:00Z' })).toHaveLength(2);
    expect(await numbers({ since: new Date(Date.now() + 3_600_000).toISOString() })).toEqual([]);
    const error = await list.run(ctx(), { filter: 'nonsense' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'validation', code: '2000587' });
  });

  it('cancels an order once; an invoiced order is refused', async () => {
    const order = await newOrder('5003');
    const input = { DocumentNumber: String(order.DocumentNumber) };
    const cancel = ops()['orders.cancel'];
    expect(await cancel.lookup?.(ctx(), input)).toBeUndefined();
    expect((await cancel.run(ctx(), input)).Cancelled).toBe(true);
    expect((await cancel.run(ctx(), input)).Cancelled).toBe(true);
    expect(puts().filter((entry) => entry.url.endsWith('/cancel'))).toHaveLength(1);
    expect(await ops()['orders.list'].run(ctx(), { filter: 'cancelled' })).toMatchObject({
      Orders: [expect.objectContaining({ DocumentNumber: order.DocumentNumber, Cancelled: true })],
    });
    const invoiced = await newOrder('5004');
    await ops()['orders.createInvoice'].run(ctx(), { DocumentNumber: String(invoiced.DocumentNumber) });
    const refused = await cancel
      .run(ctx(), { DocumentNumber: String(invoiced.DocumentNumber) })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ValidationError);
  });
});

describe('Fortnox customers (sandbox)', () => {
  it('finds by e-mail, organisation number or VAT number, exactly', async () => {
    const created = await ops()['customers.create'].run(ctx(), {
      Name: 'Bolaget AB',
      Email: 'Info@Bolaget.se',
      OrganisationNumber: '556677-8899',
    });
    const find = ops()['customers.find'];
    const number = async (input: Record<string, string>) =>
      (await find.run(ctx(), input)).Customer?.CustomerNumber ?? null;
    expect(await number({ Email: 'info@bolaget.se' })).toBe(created.CustomerNumber);
    expect(await number({ Email: 'nfo@bolaget.se' })).toBeNull(); // a substring hit is not a match
    expect(await number({ OrganisationNumber: '5566778899' })).toBe(created.CustomerNumber);
    expect(await number({ VATNumber: 'SE556677889901' })).toBe(created.CustomerNumber);
    expect(await number({ VATNumber: 'DE123456789' })).toBeNull();
  });

  it('creates with a lookup for retries, and updates only what differs', async () => {
    const create = ops()['customers.create'];
    const input = { Name: 'Cecilia Berg', Email: 'cecilia@example.se', City: 'Lund' };
    expect(await create.lookup?.(ctx(), input)).toBeUndefined();
    const created = await create.run(ctx(), input);
    expect((await create.lookup?.(ctx(), input))?.CustomerNumber).toBe(created.CustomerNumber);
    const update = ops()['customers.update'];
    const same = await update.run(ctx(), { CustomerNumber: String(created.CustomerNumber), City: 'Lund' });
    expect(same.City).toBe('Lund');
    expect(puts()).toHaveLength(0);
    const moved = await update.run(ctx(), { CustomerNumber: String(created.CustomerNumber), City: 'Malmö' });
    expect(moved).toMatchObject({ City: 'Malmö', Name: 'Cecilia Berg' });
    expect(puts()).toHaveLength(1);
    // upsert shares the same code: found by e-mail, nothing to change.
    await ops()['customers.upsert'].run(ctx(), { Name: 'Cecilia Berg', Email: 'cecilia@example.se' });
    expect(puts()).toHaveLength(1);
  });
});

describe('Fortnox lookup registers (sandbox)', () => {
  it('lists Swedish defaults: currencies, payment and delivery terms, accounts with VAT codes', async () => {
    const o = ops();
    const codes = (items: readonly Record<string, unknown>[] | undefined, key = 'Code') =>
      (items ?? []).map((item) => item[key]);
    expect(codes((await o['currencies.list'].run(ctx(), {})).Currencies)).toEqual(
      expect.arrayContaining(['SEK', 'EUR', 'USD', 'NOK', 'DKK']),
    );
    expect((await o['currencies.list'].run(ctx(), {})).Currencies).toContainEqual(
      expect.objectContaining({ Code: 'EUR', SellRate: '11.5' }),
    );
    expect(codes((await o['termsOfPayment.list'].run(ctx(), {})).TermsOfPayments)).toContain('30');
    expect(codes((await o['modesOfPayment.list'].run(ctx(), {})).ModesOfPayments)).toContain('KORT');
    expect(codes((await o['waysOfDelivery.list'].run(ctx(), {})).WayOfDeliveries)).toContain('P');
    expect(codes((await o['termsOfDelivery.list'].run(ctx(), {})).TermsOfDeliveries)).toContain('FVL');
    expect((await o['predefinedAccounts.list'].run(ctx(), {})).PreDefinedAccounts).toContainEqual({
      '@url': expect.any(String),
      Name: 'SALES_25_SE',
      Account: 3001,
    });
    const accounts = (await o['accounts.list'].run(ctx(), {})).Accounts ?? [];
    expect(codes(accounts, 'Number')).toEqual(expect.arrayContaining([1930, 2611, 3001, 3520, 3740]));
    expect(await o['vatCodes.list'].run(ctx(), {})).toEqual({
      VATCodes: [
        { VATCode: 'MF', Accounts: [3004] },
        { VATCode: 'MP1', Accounts: [3001, 3041] },
        { VATCode: 'MP2', Accounts: [3002] },
        { VATCode: 'MP3', Accounts: [3003] },
      ],
    });
    expect(await o['companySettings.get'].run(ctx(), {})).toMatchObject({
      Name: 'Koppla Sandbox AB',
      DatabaseNumber: '1',
      CountryCode: 'SE',
    });
  });

  it('takes seeded registers and company settings, replacing defaults by key', async () => {
    await harness.seed({
      currencies: [{ Code: 'EUR', Description: 'Euro', BuyRate: 11.2, SellRate: 11.2, Unit: 1 }],
      modesofpayments: [{ Code: 'STRIPE', Description: 'Stripe', AccountNumber: '1581' }],
      companySettings: { Name: 'Butiken AB' },
    });
    const o = ops();
    expect((await o['currencies.list'].run(ctx(), {})).Currencies).toContainEqual(
      expect.objectContaining({ Code: 'EUR', SellRate: '11.2' }),
    );
    expect((await o['modesOfPayment.list'].run(ctx(), {})).ModesOfPayments).toContainEqual(
      expect.objectContaining({ Code: 'STRIPE', AccountNumber: '1581' }),
    );
    expect((await o['companySettings.get'].run(ctx(), {})).Name).toBe('Butiken AB');
  });
});

describe('Fortnox text policy (sandbox)', () => {
  it('cleans disallowed characters and over-long texts before sending, so Fortnox accepts them', async () => {
    const invoice = await ops()['invoices.create'].run(ctx(), {
      CustomerNumber: '1',
      Remarks: 'Tack för "köpet" 😀 <3',
      InvoiceRows: [
        { ArticleNumber: '101', DeliveredQuantity: '1', Price: '10', Description: 'x'.repeat(300) },
      ],
    });
    expect(invoice.Remarks).toBe('Tack för ’köpet’ (3');
    expect(String((invoice.InvoiceRows as { Description: string }[])[0]?.Description)).toHaveLength(255);
  });

  it('fails an identifier Fortnox would refuse, naming the field, its path and the limit', async () => {
    const error = await op('invoices.create')
      .run(ctx(), { CustomerNumber: '1', YourOrderNumber: '1'.repeat(80) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'Invoice.YourOrderNumber', details: { maxLength: 75 } });
    expect(harness.sandbox.state.requests.filter((entry) => entry.method === 'POST')).toHaveLength(0);
  });

  it('fails every field when the connection says so', async () => {
    const settings = { ...harness.settings, textPolicy: { default: 'fail' as const } };
    const error = await op('customers.create')
      .run(harness.ctx(settings), { Name: 'Emoji 😀 AB' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'validation', field: 'Customer.Name' });
  });
});

describe('Fortnox operations (sandbox): OpenAPI check', () => {
  it('checked request bodies and responses against the OpenAPI document', () => {
    console.info(
      `fortnox OpenAPI check (operations suite): ${harness.check.checked.requests} request bodies, ${harness.check.checked.responses} responses`,
    );
    expect(harness.check.checked.requests).toBeGreaterThan(0);
    expect(harness.check.checked.responses).toBeGreaterThan(0);
  });
});
