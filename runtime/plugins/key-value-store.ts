import type { KeyValueStore } from '../../core/plugin-api/index.ts';

/** The default for tools and tests: this process only. */
export class InMemoryKeyValueStore implements KeyValueStore {
  readonly #values = new Map<string, unknown>();

  async getMany(keys: readonly string[]): Promise<Map<string, unknown>> {
    const found = new Map<string, unknown>();
    for (const key of keys) if (this.#values.has(key)) found.set(key, structuredClone(this.#values.get(key)));
    return found;
  }

  async setMany(entries: readonly (readonly [string, unknown])[]): Promise<void> {
    for (const [key, value] of entries) this.#values.set(key, structuredClone(value));
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.#values.delete(key);
  }
}

/** The store as one connector sees it: its keys prefixed with its id, so connectors never meet. */
export function namespacedKeyValueStore(store: KeyValueStore, connectorId: () => string): KeyValueStore {
  const prefix = (key: string) => `${connectorId()}:${key}`;
  return {
    async getMany(keys) {
      const found = await store.getMany(keys.map(prefix));
      return new Map(keys.flatMap((key) => (found.has(prefix(key)) ? [[key, found.get(prefix(key))]] : [])));
    },
    setMany: (entries) => store.setMany(entries.map(([key, value]) => [prefix(key), value] as const)),
    deleteMany: (keys) => store.deleteMany(keys.map(prefix)),
  };
}
