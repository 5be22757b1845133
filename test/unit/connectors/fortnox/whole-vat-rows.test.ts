/**
 * Fortnox's InvoiceRow.VAT is an integer (int32 in its OpenAPI document) while OrderRow.VAT is a double:
 * the connector refuses an invoice row at a rate that is not whole (Finland's 25.5 %) before any request,
 * naming the row, and takes it on an order (rules/se-vat/README.md, "Rates that are not whole").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Logger, OperationContext } from '../../../../core/plugin-api/index.ts';
import { isConnectorError } from '../../../../core/plugin-api/index.ts';
import { InMemoryTokenStore, type FortnoxSettings } from '../../../../connectors/fortnox/client/index.ts';
import { createFortnoxConnector } from '../../../../connectors/fortnox/connector.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  DEFAULT_SEED,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../../connectors/fortnox/sandbox/index.ts';

const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };
let sandbox: RunningFortnoxSandbox;
let ctx: OperationContext<FortnoxSettings>;
const connector = createFortnoxConnector({ tokenStore: new InMemoryTokenStore() });
const run = (name: string, input: unknown) =>
  (
    connector.operations as unknown as Record<
      string,
      { run(c: typeof ctx, i: never): Promise<Record<string, unknown>> }
    >
  )[name]!.run(ctx, input as never);

beforeAll(async () => {
  sandbox = await startFortnoxSandbox({
    seed: { ...DEFAULT_SEED, customers: [{ CustomerNumber: '1', Name: 'Aino Korhonen', CountryCode: 'FI' }] },
  });
  ctx = {
    tenantId: 'vat',
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
});
afterAll(async () => {
  await sandbox.stop();
});

const row = {
  ArticleNumber: 'API_BLANK',
  Description: 'Jacka',
  Price: '125.50',
  VAT: '25.5',
  AccountNumber: '3112',
};

describe('VAT rates that are not whole', () => {
  it('invoices.create refuses a 25.5 % row before any request, naming the row', async () => {
    const before = sandbox.state.requests.filter((r) => r.url.startsWith('/3/')).length;
    const error = await run('invoices.create', {
      CustomerNumber: '1',
      InvoiceRows: [
        { ...row, VAT: '25' },
        { ...row, DeliveredQuantity: '1' },
      ],
    }).catch((e: unknown) => e);
    expect(isConnectorError(error) && error).toMatchObject({
      kind: 'validation',
      field: 'InvoiceRows[1].VAT',
      code: 'koppla_vat_not_whole',
    });
    expect(sandbox.state.requests.filter((r) => r.url.startsWith('/3/')).length).toBe(before);
  });

  it('orders.create takes it (OrderRow.VAT is a decimal), and createinvoice makes the invoice from it', async () => {
    const order = await run('orders.create', {
      CustomerNumber: '1',
      YourOrderNumber: '88',
      VATIncluded: true,
      OrderRows: [{ ...row, OrderedQuantity: '1', DeliveredQuantity: '1' }],
    });
    expect(Number((order.OrderRows as Record<string, unknown>[])[0]!.VAT)).toBe(25.5);
    const invoice = await run('orders.createInvoice', { DocumentNumber: String(order.DocumentNumber) });
    expect(Number((invoice.InvoiceRows as Record<string, unknown>[])[0]!.VAT)).toBe(25.5);
  });
});
