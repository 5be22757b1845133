import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { connectorManifest } from '../../../../core/plugin-api/index.ts';
import connector from '../../../../connectors/fortnox/connector.ts';

describe('the Fortnox connector declaration', () => {
  it('has a manifest, and every example satisfies its operation schemas', () => {
    const manifest = connectorManifest(connector);
    expect(Object.keys(manifest.operations).sort()).toEqual([
      'articles.list',
      'customers.upsert',
      'invoices.create',
      'orders.create',
      'orders.createInvoice',
    ]);
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
    expect(manifest.operations['orders.create']?.lookup).toBe(true);
    expect(manifest.operations['invoices.create']?.lookup).toBe(true);
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
});
