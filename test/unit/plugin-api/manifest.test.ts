import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MODEL_SCHEMA_IDS } from '../../../core/model/index.ts';
import {
  CONNECTOR_MANIFEST_SCHEMA_ID,
  connectorManifest,
  connectorManifestSchema,
  defineConnector,
  type ConnectorDefinition,
} from '../../../core/plugin-api/index.ts';
import { copy, findings, strictAjv } from '../model/support.ts';
import { fakebooks } from './fake-connector.ts';

const manifestSchema = JSON.parse(
  readFileSync(new URL('../../../schemas/connector-manifest.schema.json', import.meta.url), 'utf8'),
) as { $id: string };
const ajv = strictAjv();
ajv.addSchema(manifestSchema);
const validateManifest = ajv.getSchema(CONNECTOR_MANIFEST_SCHEMA_ID)!;

function validate(manifest: unknown) {
  const valid = validateManifest(manifest);
  return { valid, findings: findings(validateManifest.errors) };
}

describe('connectorManifest', () => {
  const manifest = connectorManifest(fakebooks);

  it('describes the connector as plain JSON, without code', () => {
    expect(manifest).toEqual({
      id: 'fakebooks',
      name: 'Fakebooks',
      version: '0.1.0',
      description: 'An in-memory ledger for tests.',
      docsUrl: 'https://koppla.dev/connectors/fakebooks',
      credentialsSchema: fakebooks.credentials,
      rateLimit: { requests: 25, perMs: 5000, scope: 'tenant' },
      streams: {
        customers: {
          description: 'Customers, oldest change first.',
          recordSchema: { $ref: MODEL_SCHEMA_IDS.customer },
          cursorField: 'modifiedAt',
        },
      },
      operations: {
        'customers.create': {
          description: 'Creates a customer.',
          inputSchema: fakebooks.operations['customers.create'].inputSchema,
          outputSchema: fakebooks.operations['customers.create'].outputSchema,
          idempotent: false,
          lookup: true,
          examples: [
            {
              name: 'private customer',
              input: { Name: 'Eva Ek', Email: 'eva@example.test' },
              output: { CustomerNumber: '1', Name: 'Eva Ek', Email: 'eva@example.test' },
            },
          ],
        },
        ping: {
          description: 'Answers pong.',
          inputSchema: { type: 'object', properties: { message: { type: 'string' } } },
          outputSchema: { type: 'object', properties: { reply: { type: 'string' } } },
          idempotent: true,
          lookup: false,
          examples: [{ name: 'ping', input: { message: 'hi' }, output: { reply: 'pong: hi' } }],
        },
      },
    });
    expect(JSON.parse(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('is a copy: changing it does not change the connector', () => {
    const input = manifest.operations.ping!.examples[0]!.input as Record<string, unknown>;
    input.message = 'changed';
    expect(fakebooks.operations.ping.examples[0]!.input).toEqual({ message: 'hi' });
  });

  it('names the first value that is not JSON', () => {
    const withDate = defineConnector({
      ...minimalConnector(),
      operations: {
        'invoices.create': {
          ...minimalOperation(),
          examples: [{ name: 'dated', input: { InvoiceDate: new Date(0) }, output: {} }],
        },
      },
    });
    expect(() => connectorManifest(withDate)).toThrow(
      'operations["invoices.create"].examples[0].input.InvoiceDate is a Date, not a JSON value',
    );
  });
});

describe('schemas/connector-manifest.schema.json', () => {
  type Editable = { operations: Record<string, Record<string, unknown>> };
  const manifest = () => copy(connectorManifest(fakebooks)) as unknown as Editable;

  it('is draft 2020-12 and strict, and the one the plugin API exports', () => {
    expect(connectorManifestSchema).toEqual(manifestSchema);
    expect(manifestSchema).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'https://koppla.dev/schemas/connector-manifest.schema.json',
      additionalProperties: false,
    });
  });

  it('accepts the manifest of a connector, and of one with no streams, rate limit or docs', () => {
    expect(validate(connectorManifest(fakebooks)).findings).toEqual([]);
    expect(validate(connectorManifest(defineConnector(minimalConnector()))).findings).toEqual([]);
  });

  it('rejects an unknown property', () => {
    const record = manifest();
    record.operations.ping!.retries = 3;
    expect(validate(record).findings).toEqual([
      {
        pointer: '/operations/ping',
        keyword: 'additionalProperties',
        params: { additionalProperty: 'retries' },
      },
    ]);
  });

  it('rejects an operation without examples or without its idempotency flag', () => {
    const record = manifest();
    (record.operations.ping as Record<string, unknown>).examples = [];
    delete record.operations['customers.create']!.idempotent;
    expect(validate(record).findings).toEqual([
      {
        pointer: '/operations/customers.create',
        keyword: 'required',
        params: { missingProperty: 'idempotent' },
      },
      { pointer: '/operations/ping/examples', keyword: 'minItems', params: { limit: 1 } },
    ]);
  });

  it('rejects a name a pipeline step could not refer to', () => {
    const record = manifest();
    record.operations['customers/create'] = record.operations['customers.create']!;
    expect(validate(record).findings.map((f) => [f.pointer, f.keyword])).toEqual([
      ['/operations', 'pattern'],
      ['/operations', 'propertyNames'],
    ]);
  });

  it('rejects a schema that is not a JSON Schema', () => {
    const record = manifest();
    record.operations.ping!.inputSchema = { type: 'strnig' };
    expect(validate(record).findings.map((f) => f.pointer)).toContain('/operations/ping/inputSchema/type');
  });
});

function minimalConnector(): ConnectorDefinition {
  return {
    meta: { id: 'minimal', name: 'Minimal', version: '1.0.0-beta.1', description: 'Nothing much.' },
    credentials: { type: 'object' },
    streams: {},
    operations: { noop: minimalOperation() },
  };
}

function minimalOperation() {
  return {
    description: 'Does nothing.',
    inputSchema: true,
    outputSchema: true,
    examples: [{ name: 'noop', input: {}, output: {} }],
    idempotent: true,
    run: async () => ({}),
  };
}
