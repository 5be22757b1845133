import { didYouMean } from '../../core/validate/did-you-mean.ts';
import type { Tenant } from './tenant.ts';

/** The tenants a worker serves, by id. Loaded from koppla.yaml (single-tenant installs) or MongoDB. */
export class TenantDirectory {
  readonly #byId: ReadonlyMap<string, Tenant>;

  constructor(tenants: readonly Tenant[]) {
    this.#byId = new Map(tenants.map((t) => [t.id, t]));
  }

  get(id: string): Tenant {
    const tenant = this.#byId.get(id);
    if (!tenant) throw new Error(`unknown tenant "${id}"${didYouMean(id, this.#byId.keys())}`);
    return tenant;
  }

  all(): Tenant[] {
    return [...this.#byId.values()];
  }
}
