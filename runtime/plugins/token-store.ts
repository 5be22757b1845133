import type { TokenStore } from '../../core/plugin-api/index.ts';

/** One process, a promise chain per key as the lease: for tools, tests and single-worker installs. */
export class InMemoryTokenStore implements TokenStore {
  readonly #values = new Map<string, unknown>();
  readonly #leases = new Map<string, Promise<unknown>>();

  async get(key: string): Promise<unknown> {
    return this.#values.get(key);
  }

  async save(key: string, value: unknown): Promise<void> {
    this.#values.set(key, value);
  }

  withRefreshLease<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.#leases.get(key) ?? Promise.resolve()).then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.#leases.set(key, settled);
    return run;
  }
}

/**
 * The store as one connector sees it: its keys live under `<connector id>:`, so a plugin cannot read
 * another plugin's tokens. A key that already starts with the connector id (Fortnox's
 * `fortnox:<client>:<tenant>`) is kept as it is, so tokens stored before plugins were isolated are
 * still found.
 */
export function namespacedTokenStore(store: TokenStore, connectorId: () => string): TokenStore {
  const scoped = (key: string) => {
    const prefix = `${connectorId()}:`;
    return key.startsWith(prefix) ? key : `${prefix}${key}`;
  };
  return {
    get: (key) => store.get(scoped(key)),
    save: (key, value) => store.save(scoped(key), value),
    withRefreshLease: (key, fn) => store.withRefreshLease(scoped(key), fn),
  };
}
