import manifestSchema from '../../schemas/connector-manifest.schema.json' with { type: 'json' };
import type { ConnectorDefinition, RateLimit } from './connector.ts';
import { toJsonValue, type JsonValue } from './json.ts';

export interface StreamManifest {
  readonly description: string;
  readonly recordSchema: JsonValue;
  readonly cursorField: string;
}

export interface OperationManifest {
  readonly description: string;
  readonly inputSchema: JsonValue;
  readonly outputSchema: JsonValue;
  readonly idempotent: boolean;
  /** True when the operation can find an object an earlier attempt created (`lookupFirst` works). */
  readonly lookup: boolean;
  readonly examples: readonly {
    readonly name: string;
    readonly description?: string;
    readonly input: JsonValue;
    readonly output: JsonValue;
  }[];
}

/**
 * A connector described as JSON, without code: the pipeline linter reads its names ("unknown
 * operation, did you mean…"), `koppla explain` its schemas and examples. Validated by
 * `schemas/connector-manifest.schema.json`.
 */
export interface ConnectorManifest {
  readonly id: string;
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly docsUrl?: string;
  readonly credentialsSchema: JsonValue;
  readonly rateLimit?: RateLimit;
  readonly streams: Readonly<Record<string, StreamManifest>>;
  readonly operations: Readonly<Record<string, OperationManifest>>;
}

export const CONNECTOR_MANIFEST_SCHEMA_ID = 'https://koppla.dev/schemas/connector-manifest.schema.json';

/** `schemas/connector-manifest.schema.json`, for `ajv.addSchema`. */
export const connectorManifestSchema: object = manifestSchema;

/**
 * The manifest of a connector. Throws a TypeError naming the path of anything in a schema or an
 * example that is not JSON (a Date, a function, NaN).
 */
export function connectorManifest(connector: ConnectorDefinition): ConnectorManifest {
  const { meta } = connector;
  const streams: Record<string, StreamManifest> = {};
  for (const [name, stream] of Object.entries(connector.streams)) {
    const at = `streams[${JSON.stringify(name)}]`;
    streams[name] = {
      description: stream.description,
      recordSchema: toJsonValue(stream.recordSchema, `${at}.recordSchema`),
      cursorField: stream.cursorField,
    };
  }
  const operations: Record<string, OperationManifest> = {};
  for (const [name, operation] of Object.entries(connector.operations)) {
    const at = `operations[${JSON.stringify(name)}]`;
    operations[name] = {
      description: operation.description,
      inputSchema: toJsonValue(operation.inputSchema, `${at}.inputSchema`),
      outputSchema: toJsonValue(operation.outputSchema, `${at}.outputSchema`),
      idempotent: operation.idempotent,
      lookup: typeof operation.lookup === 'function',
      examples: operation.examples.map((example, index) => ({
        name: example.name,
        ...(example.description === undefined ? {} : { description: example.description }),
        input: toJsonValue(example.input, `${at}.examples[${index}].input`),
        output: toJsonValue(example.output, `${at}.examples[${index}].output`),
      })),
    };
  }
  return {
    id: meta.id,
    name: meta.name,
    version: meta.version,
    description: meta.description,
    ...(meta.docsUrl === undefined ? {} : { docsUrl: meta.docsUrl }),
    credentialsSchema: toJsonValue(connector.credentials, 'credentials'),
    ...(connector.rateLimit === undefined ? {} : { rateLimit: { ...connector.rateLimit } }),
    streams,
    operations,
  };
}
