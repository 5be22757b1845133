import type { ConnectorContext } from './context.ts';
import { CONNECTOR_ERROR_KINDS, type ConnectorErrorKind } from './errors.ts';
import { isPlainObject, type JsonSchemaObject } from './json.ts';
import type { AnyOperationDefinition } from './operation.ts';
import type { AnyStreamDefinition } from './stream.ts';
import { eventsProblems, type EventsDefinition } from './events.ts';
import type { WebhookDefinition } from './webhook.ts';
import { isValidRange } from './version.ts';

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

/** One error code of the remote service the connector maps, for docs and the contract kit. */
export interface ErrorClassDeclaration {
  /** The kind the connector throws for it (`ValidationError` → `validation`, …). */
  readonly kind: ConnectorErrorKind;
  readonly description: string;
}

/** What a connector plugin declares. Names of streams and operations are the keys of those maps. */
export interface ConnectorDefinition {
  readonly meta: ConnectorMeta;
  /**
   * The plugin-API versions this connector was written for, as a semver range (`^1.0.0`); the
   * runtime refuses to load it when `PLUGIN_API_VERSION` is outside. Absent: `^1.0.0`.
   */
  readonly pluginApi?: string;
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
  /** Receives events the service pushes over a connection it keeps open (Fortnox's WebSocket API). */
  readonly events?: EventsDefinition;
  /**
   * The remote error codes the connector classifies, by code (Fortnox `2000311`,
   * `woocommerce_rest_invalid_id`): what each means and the kind it becomes. Optional; when given,
   * the contract kit checks thrown errors against it.
   */
  readonly errors?: Readonly<Record<string, ErrorClassDeclaration>>;
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

/**
 * Everything wrong with a declaration, one message each; empty when it is sound. `defineConnector`
 * throws on them; the runtime's plugin loader checks them again, for plugins that skipped it.
 */
export function connectorProblems(definition: ConnectorDefinition): string[] {
  const problems: string[] = [];
  const { meta, credentials, rateLimit, streams, operations } = definition;
  if (!meta || typeof meta !== 'object') return ['meta is missing'];
  if (!CONNECTOR_ID_PATTERN.test(meta.id)) problems.push(`meta.id "${meta.id}" is not lower-case kebab case`);
  if (!VERSION_PATTERN.test(meta.version))
    problems.push(`meta.version "${meta.version}" is not a semantic version`);
  if (!meta.name) problems.push('meta.name is empty');
  if (!meta.description) problems.push('meta.description is empty');
  if (
    definition.pluginApi !== undefined &&
    !(typeof definition.pluginApi === 'string' && isValidRange(definition.pluginApi))
  )
    problems.push(`pluginApi "${String(definition.pluginApi)}" is not a semver range`);
  for (const [code, declared] of Object.entries(definition.errors ?? {})) {
    if (!CONNECTOR_ERROR_KINDS.includes(declared?.kind))
      problems.push(
        `errors["${code}"].kind "${String(declared?.kind)}" is not one of ${CONNECTOR_ERROR_KINDS.join(', ')}`,
      );
    if (!declared?.description) problems.push(`errors["${code}"] has no description`);
  }
  problems.push(...eventsProblems(definition.events));
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
    if (stream.timeoutMs !== undefined && !isPositiveInteger(stream.timeoutMs))
      problems.push(`stream "${name}": timeoutMs must be a positive integer`);
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
    if (operation.readOnly !== undefined && typeof operation.readOnly !== 'boolean')
      problems.push(`operation "${name}": readOnly must be a boolean`);
    if (operation.timeoutMs !== undefined && !isPositiveInteger(operation.timeoutMs))
      problems.push(`operation "${name}": timeoutMs must be a positive integer`);
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
