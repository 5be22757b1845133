import { didYouMean } from '../../core/validate/did-you-mean.ts';
import type { Tenant } from './tenant.ts';

/** Where the tenants come from when they can change while a worker runs (MongoDB, see TenantCatalog). */
export interface TenantSource {
  load(): Promise<readonly Tenant[]>;
}

/**
 * The tenants a worker serves, by id: from koppla.yaml (single-tenant installs) and MongoDB (see
 * `TenantCatalog`). With a `source`, `refresh()` reloads them, so a change made through the admin
 * API or `koppla tenants set` reaches the next run of every worker.
 */
export class TenantDirectory {
  #byId: ReadonlyMap<string, Tenant>;
  readonly #source: TenantSource | undefined;

  constructor(tenants: readonly Tenant[], source?: TenantSource) {
    this.#byId = byId(tenants);
    this.#source = source;
  }

  get(id: string): Tenant {
    const tenant = this.#byId.get(id);
    if (!tenant) throw new Error(`unknown tenant "${id}"${didYouMean(id, this.#byId.keys())}`);
    return tenant;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  all(): Tenant[] {
    return [...this.#byId.values()];
  }

  /** Replaces every tenant at once; readers see the old set or the new one, never a mix. */
  replace(tenants: readonly Tenant[]): void {
    this.#byId = byId(tenants);
  }

  /** Reloads from the source; without one, nothing changes. */
  async refresh(): Promise<void> {
    if (this.#source) this.replace(await this.#source.load());
  }

  /**
   * Refreshes every `everyMs` until the returned function is called; a failed refresh keeps the
   * tenants it had and is reported to `onError`. The timer does not keep the process alive.
   */
  refreshEvery(everyMs: number, onError: (error: unknown) => void): () => void {
    if (!this.#source) return () => undefined;
    const timer = setInterval(() => {
      this.refresh().catch(onError);
    }, everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}

function byId(tenants: readonly Tenant[]): ReadonlyMap<string, Tenant> {
  return new Map(tenants.map((t) => [t.id, t]));
}
