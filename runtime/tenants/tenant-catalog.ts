import { SecretDecryptionError } from '../secrets/errors.ts';
import type { MongoTenantStore, StoredTenant } from './mongo-tenant-store.ts';
import type { TenantSource } from './tenant-directory.ts';
import { effectiveTenant } from './tenant-spec.ts';
import type { Tenant } from './tenant.ts';

/** Where a tenant is defined: koppla.yaml, MongoDB (the admin API, `koppla tenants`), or both. */
export type TenantOrigin = 'file' | 'store' | 'file+store';

/** One tenant with what it is made of. */
export interface CatalogEntry {
  readonly tenant: Tenant;
  readonly origin: TenantOrigin;
  /** As koppla.yaml defines it, secrets read from the environment. */
  readonly file?: Tenant;
  /** Its latest revision in MongoDB. */
  readonly stored?: StoredTenant;
}

export interface TenantCatalogOptions {
  /** The tenants of koppla.yaml (none when there is no such file). */
  readonly fileTenants: readonly Tenant[];
  /** Absent: koppla.yaml only (the tools that use no database). */
  readonly store?: MongoTenantStore;
  /** The installation's folder (koppla.yaml's): stored pipeline paths are relative to it. */
  readonly projectDir: string;
}

/**
 * Every tenant of the installation: koppla.yaml's and MongoDB's. A tenant in both is koppla.yaml's
 * with MongoDB's changes on top (see `effectiveTenant`); koppla.yaml is read once at boot, MongoDB
 * on every `load`, so changes made through the admin API reach the next run.
 */
export class TenantCatalog implements TenantSource {
  readonly #file: ReadonlyMap<string, Tenant>;
  readonly store: MongoTenantStore | undefined;
  readonly projectDir: string;

  constructor(options: TenantCatalogOptions) {
    this.#file = new Map(options.fileTenants.map((t) => [t.id, t]));
    this.store = options.store;
    this.projectDir = options.projectDir;
  }

  fileTenant(id: string): Tenant | undefined {
    return this.#file.get(id);
  }

  async entries(): Promise<CatalogEntry[]> {
    const stored = new Map((await this.store?.list())?.map((s) => [s.id, s]));
    const ids = [...this.#file.keys(), ...[...stored.keys()].filter((id) => !this.#file.has(id))];
    return ids.map((id) => this.#entry(id, this.#file.get(id), stored.get(id)));
  }

  async entry(id: string): Promise<CatalogEntry | undefined> {
    const file = this.#file.get(id);
    const stored = await this.store?.get(id);
    return file || stored ? this.#entry(id, file, stored) : undefined;
  }

  async load(): Promise<Tenant[]> {
    return (await this.entries()).map((e) => e.tenant);
  }

  #entry(id: string, file: Tenant | undefined, stored: StoredTenant | undefined): CatalogEntry {
    const tenant = effectiveTenant(
      id,
      file,
      stored ? { spec: stored.spec, secrets: this.#open(stored) } : undefined,
      this.projectDir,
    );
    const origin: TenantOrigin = file && stored ? 'file+store' : file ? 'file' : 'store';
    return { tenant, origin, ...(file ? { file } : {}), ...(stored ? { stored } : {}) };
  }

  #open(stored: StoredTenant) {
    try {
      return this.store!.open(stored);
    } catch (error) {
      if (!(error instanceof SecretDecryptionError)) throw error;
      throw new SecretDecryptionError(
        `tenant "${stored.id}": a stored secret does not open: ${error.message}`,
      );
    }
  }
}
