import type { ConnectorContext } from './context.ts';
import { isPlainObject, type JsonSchemaObject } from './json.ts';
import type { AnyOperationDefinition } from './operation.ts';
import type { AnyStreamDefinition } from './stream.ts';
import type { WebhookDefinition } from './webhook.ts';

export interface ConnectorMeta {
  /** Lower-case kebab case, e.g. `woocommerce`; pipelines name it in `connections.*.connector`. */
  readonly id: string;
  readonly name: string;
  /** Semantic version of the connector. */
  readonly version: string;
  readonly description: string;
  readonly docsUrl?: string;
}

/** The service's request budget, shared by every worker serving a tenant (Fortnox: 25 per 5 000 ms). */
export interface RateLimit {
  readonly requests: number;
  readonly perMs: number;
  readonly scope: 'tenant';
}

export interface SandboxOptions {
  /** 0 or absent: any free port. */
  readonly port?: number;
  readonly host?: string;
  /** Data to start with, in the sandbox's own seed format. */
  readonly seed?: unknown;
}

export interface RunningSandbox {
  /** The base URL to put in a connection's settings. */
  readonly url: string;
  stop(): Promise<void>;
}

/** A fake of the remote service for demos and tests; it lives with the connector, not in `core/`. */
export interface SandboxDefinition {
  start(options?: SandboxOptions): Promise<RunningSandbox>;
}

/** What a connector plugin declares. Names of streams and operations are the keys of those maps. */
export interface ConnectorDefinition {
  readonly meta: ConnectorMeta;
  /**
   * JSON Schema of a connection's settings (`type: object`). Mark secret fields with
   * `"x-secret": true`: the runtime stores them encrypted and scrubs them from errors and logs.
   */
  readonly credentials: JsonSchemaObject;
  readonly rateLimit?: RateLimit;
  readonly streams: Readonly<Record<string, AnyStreamDefinition>>;
  readonly operations: Readonly<Record<string, AnyOperationDefinition>>;
  readonly sandbox?: SandboxDefinition;
  /** Verifies and reads webhook deliveries, for pipelines triggered by the service's events. */
  readonly webhooks?: WebhookDefinition;
  /** Proves the settings work (one cheap authenticated request); throws an `AuthError` if not. */
  checkConnection?(ctx: ConnectorContext<object>): Promise<void>;
}

export const CONNECTOR_ID_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const STREAM_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]*$/;
/** Dotted, so a pipeline step says `<connection>.<operation>`, e.g. `ledger.invoices.create`. */
export const OPERATION_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9_]*(\.[a-zA-Z][a-zA-Z0-9_]*)*$/;
const VERSION_PATTERN = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/**
 * Declares a connector plugin. Checks the declaration (names, versions, one example per operation)
 * and throws a TypeError listing every problem, then freezes it and returns the same object with its
 * exact type, so `connector.operations['invoices.create'].run` keeps its input and output types.
 */
export function defineConnector<const D extends ConnectorDefinition>(definition: D): D {
  const problems = connectorProblems(definition);
  if (problems.length > 0) {
    const id = typeof definition.meta?.id === 'string' ? definition.meta.id : '?';
    throw new TypeError(`defineConnector(${id}): ${problems.join('; ')}`);
  }
  return freezeData(definition);
}

function connectorProblems(definition: ConnectorDefinition): string[] {
  const problems: string[] = [];
  const { meta, credentials, rateLimit, streams, operations } = definition;
  if (!meta || typeof meta !== 'object') return ['meta is missing'];
  if (!CONNECTOR_ID_PATTERN.test(meta.id)) problems.push(`meta.id "${meta.id}" is not lower-case kebab case`);
  if (!VERSION_PATTERN.test(meta.version))
    problems.push(`meta.version "${meta.version}" is not a semantic version`);
  if (!meta.name) problems.push('meta.name is empty');
  if (!meta.description) problems.push('meta.description is empty');
  if (!credentials || typeof credentials !== 'object' || credentials.type !== 'object') {
    problems.push('credentials must be a JSON Schema with type "object"');
  }
  if (rateLimit && !(isPositiveInteger(rateLimit.requests) && isPositiveInteger(rateLimit.perMs))) {
    problems.push('rateLimit.requests and rateLimit.perMs must be positive integers');
  }
  for (const [name, stream] of Object.entries(streams ?? {})) {
    if (!STREAM_NAME_PATTERN.test(name))
      problems.push(`stream name "${name}" must match ${STREAM_NAME_PATTERN}`);
    if (typeof stream.read !== 'function') problems.push(`stream "${name}" has no read()`);
    if (!stream.cursorField) problems.push(`stream "${name}" has no cursorField`);
  }
  for (const [name, operation] of Object.entries(operations ?? {})) {
    if (!OPERATION_NAME_PATTERN.test(name)) {
      problems.push(`operation name "${name}" must match ${OPERATION_NAME_PATTERN}`);
    }
    if (typeof operation.run !== 'function') problems.push(`operation "${name}" has no run()`);
    if (operation.lookup !== undefined && typeof operation.lookup !== 'function') {
      problems.push(`operation "${name}": lookup must be a function`);
    }
    if (typeof operation.idempotent !== 'boolean')
      problems.push(`operation "${name}": idempotent must be a boolean`);
    const exampleNames = (operation.examples ?? []).map((example) => example.name);
    if (exampleNames.length === 0) problems.push(`operation "${name}" needs at least one example`);
    if (new Set(exampleNames).size !== exampleNames.length) {
      problems.push(`operation "${name}" has two examples with the same name`);
    }
  }
  return problems;
}

function isPositiveInteger(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value > 0;
}

// Freezes the declaration's plain data (schemas, examples, maps) all the way down; functions and
// class instances (a sandbox holding a server) are left alone.
function freezeData<T>(value: T): T {
  if (typeof value === 'object' && value !== null && (Array.isArray(value) || isPlainObject(value))) {
    if (!Object.isFrozen(value)) {
      Object.freeze(value);
      for (const member of Object.values(value)) freezeData(member);
    }
  }
  return value;
}
