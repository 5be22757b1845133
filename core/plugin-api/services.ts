import type { ConnectorDefinition } from './connector.ts';

/**
 * A request budget shared by every worker (the shape of `MongoRateBudget`): `acquire(key)` resolves
 * when a request may start, with a function to call once its response has arrived.
 */
export interface RateLimiter {
  acquire(key: string, signal?: AbortSignal): Promise<() => void>;
}

/**
 * Where a connector keeps what it must not lose between runs and must share between workers: OAuth
 * token pairs (stored encrypted). Keys are the connector's own; the runtime namespaces them by
 * connector id, so include the tenant in the key. `withRefreshLease` runs `fn` while no other
 * worker runs it for the same key: a single-use refresh token is spent once.
 */
export interface TokenStore<P = unknown> {
  get(key: string): Promise<P | undefined>;
  save(key: string, value: P): Promise<void>;
  withRefreshLease<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/**
 * Small values a connector keeps between runs and shares between workers, e.g. a cache of the
 * remote ids behind SKUs. Keys are the connector's own; the runtime namespaces them by connector id,
 * so include the tenant in the key. Values are JSON. Not for secrets: they are stored in clear.
 */
export interface KeyValueStore {
  /** The values stored under `keys`; a key with nothing stored is absent from the map. */
  getMany(keys: readonly string[]): Promise<Map<string, unknown>>;
  setMany(entries: readonly (readonly [key: string, value: unknown])[]): Promise<void>;
  deleteMany(keys: readonly string[]): Promise<void>;
}

/**
 * What the runtime lends a plugin that exports `createConnector(services)` instead of a finished
 * connector: nothing else (no container, no database). Plugins that need neither export the
 * connector itself.
 */
export interface PluginServices {
  readonly tokenStore: TokenStore;
  /** The budget for the connector's `rateLimit` (25 requests / 5 s for Fortnox), shared by all workers. */
  readonly rateLimiter: RateLimiter;
  /** Shared by all workers (MongoDB in a worker, in-process for the tools). */
  readonly keyValueStore?: KeyValueStore;
}

/** A plugin module's factory export: `export function createConnector(services) { … }`. */
export type ConnectorFactory = (services: PluginServices) => ConnectorDefinition;
