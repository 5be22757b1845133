import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { connectorManifest } from '../../../../core/plugin-api/index.ts';
import connector from '../../../../connectors/fortnox/connector.ts';

describe('the Fortnox connector declaration', () => {
  it('has a manifest, and every example satisfies its operation schemas', () => {
    const manifest = connectorManifest(connector);
    // Other operations (prices, warehouse) are added beside these.
    expect(Object.keys(manifest.operations)).toEqual(
      expect.arrayContaining([
        'articles.list',
        'customers.upsert',
        'customers.find',
        'customers.create',
        'customers.update',
        'orders.create',
        'orders.createInvoice',
        'orders.get',
        'orders.list',
        'orders.cancel',
        'invoices.create',
        'invoices.get',
        'invoices.list',
        'invoices.bookkeep',
        'invoices.cancel',
        'invoices.credit',
        'invoicePayments.create',
        'currencies.list',
        'modesOfPayment.list',
        'termsOfPayment.list',
        'waysOfDelivery.list',
        'termsOfDelivery.list',
        'predefinedAccounts.list',
        'accounts.list',
        'vatCodes.list',
        'companySettings.get',
      ]),
    );
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    for (const [name, operation] of Object.entries(manifest.operations)) {
      const input = ajv.compile(operation.inputSchema as object);
      const output = ajv.compile(operation.outputSchema as object);
      for (const example of operation.examples) {
        expect(input(example.input), `${name} ${example.name} input: ${ajv.errorsText(input.errors)}`).toBe(
          true,
        );
        expect(
          output(example.output),
          `${name} ${example.name} output: ${ajv.errorsText(output.errors)}`,
        ).toBe(true);
      }
    }
    for (const name of [
      'orders.create',
      'invoices.create',
      'invoices.credit',
      'invoicePayments.create',
      'customers.create',
    ])
      expect(manifest.operations[name]?.lookup, name).toBe(true);
  });

  it('refuses inputs Fortnox would refuse: too long, unknown field, float amounts', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(connector.operations['customers.upsert'].inputSchema as object);
    expect(validate({ Name: 'Anna', ZipCode: '12345678901' })).toBe(false);
    expect(validate({ Name: 'Anna', Nickname: 'A' })).toBe(false);
    const order = ajv.compile(connector.operations['orders.create'].inputSchema as object);
    expect(order({ CustomerNumber: '1', OrderRows: [{ Price: 10.5 }] })).toBe(false);
    expect(order({ CustomerNumber: '1', OrderRows: [{ Price: '10.50' }] })).toBe(true);
  });

  it('asks for what a retry needs: a reference on partial credits, a date on payments, positive credited quantities', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const credit = ajv.compile(connector.operations['invoices.credit'].inputSchema as object);
    const rows = [{ ArticleNumber: '101', DeliveredQuantity: '1' }];
    expect(credit({ DocumentNumber: '20' })).toBe(true);
    expect(credit({ DocumentNumber: '20', InvoiceRows: rows })).toBe(false);
    expect(credit({ DocumentNumber: '20', InvoiceRows: rows, ExternalInvoiceReference1: 'refund-1' })).toBe(
      true,
    );
    expect(
      credit({
        DocumentNumber: '20',
        InvoiceRows: [{ ArticleNumber: '101', DeliveredQuantity: '-1' }],
        ExternalInvoiceReference1: 'refund-1',
      }),
    ).toBe(false);
    expect(credit({ DocumentNumber: '20', Freight: '49.00' })).toBe(false);
    const payment = ajv.compile(connector.operations['invoicePayments.create'].inputSchema as object);
    expect(payment({ InvoiceNumber: '20', Amount: '125.00' })).toBe(false);
    expect(payment({ InvoiceNumber: '20', Amount: '125.00', PaymentDate: '2025-03-02' })).toBe(true);
    expect(payment({ InvoiceNumber: '20', Amount: 125, PaymentDate: '2025-03-02' })).toBe(false);
  });
});
