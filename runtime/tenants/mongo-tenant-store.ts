import type { Collection, Db } from 'mongodb';
import type { SealedSecret, SecretBox } from '../secrets/secret-box.ts';
import { systemClock, type Clock } from '../store/clock.ts';
import { COLLECTIONS } from '../store/collections.ts';
import { insertIfAbsent } from '../store/mongo-errors.ts';
import { fromStoredJson, toStoredJson } from '../store/stored-json.ts';
import { compactSpec, type SecretValues, type TenantSpec } from './tenant-spec.ts';

/** One sealed secret of a stored tenant. */
export interface StoredSecret {
  readonly connection: string;
  readonly key: string;
  readonly sealed: SealedSecret;
}

/** A tenant's latest revision in MongoDB. Secrets stay sealed until `open` is called. */
export interface StoredTenant {
  readonly id: string;
  /** 1 for the first write, one more for every change. */
  readonly revision: number;
  readonly spec: TenantSpec;
  readonly secrets: readonly StoredSecret[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Who made the latest change: `api:<key name>`, `cli`. */
  readonly updatedBy: string;
}

/** Secret changes by connection and key: a value seals it, `null` removes it. */
export type SecretChanges = Readonly<Record<string, Readonly<Record<string, string | null>>>>;

export interface TenantChange {
  /** The next spec from the current one (undefined: the tenant is not stored yet). */
  readonly spec: (current: TenantSpec | undefined) => TenantSpec;
  readonly secrets?: SecretChanges;
  /** Refuse when the tenant is already stored (a create), or when it is not (an update). */
  readonly expect?: 'absent' | 'present';
}

interface TenantRevisionDocument {
  /** `<tenant>@<revision>`. */
  _id: string;
  tenant: string;
  revision: number;
  /** The spec as JSON text: its keys (settings, params) are the user's and may hold `.` or `$`. */
  spec: string;
  secrets: StoredSecret[];
  createdAt: Date;
  at: Date;
  by: string;
}

export class TenantExistsError extends Error {
  constructor(readonly tenant: string) {
    super(`tenant "${tenant}" already exists`);
    this.name = 'TenantExistsError';
  }
}

export class TenantNotStoredError extends Error {
  constructor(readonly tenant: string) {
    super(`tenant "${tenant}" is not stored`);
    this.name = 'TenantNotStoredError';
  }
}

/** Revisions kept per tenant: the latest and a short history of who changed what. */
export const TENANT_REVISIONS_KEPT = 20;
const MAX_WRITE_ROUNDS = 10;

/**
 * Tenants in MongoDB, one document per revision. A change inserts revision n+1 against a unique
 * (tenant, revision) index, so of two concurrent changes one wins and the other is re-applied on
 * top of it — an insert is exclusive on every server Koppla supports, a conditional update is not.
 * Secrets are sealed with the installation's SecretBox, bound to tenant, connection and key.
 */
export class MongoTenantStore {
  readonly #revisions: Collection<TenantRevisionDocument>;
  readonly #box: SecretBox;
  readonly #now: Clock;

  constructor(db: Db, box: SecretBox, options: { readonly now?: Clock } = {}) {
    this.#revisions = db.collection<TenantRevisionDocument>(COLLECTIONS.tenantRevisions);
    this.#box = box;
    this.#now = options.now ?? systemClock;
  }

  async get(id: string): Promise<StoredTenant | undefined> {
    const [latest] = await this.#revisions.find({ tenant: id }).sort({ revision: -1 }).limit(1).toArray();
    return latest ? toStored(latest) : undefined;
  }

  /** Every stored tenant's latest revision, by id. */
  async list(): Promise<StoredTenant[]> {
    const heads = await this.#revisions
      .find({}, { projection: { tenant: 1, revision: 1 } })
      .sort({ tenant: 1, revision: -1 })
      .toArray();
    const latest = new Map<string, string>();
    for (const head of heads) if (!latest.has(head.tenant)) latest.set(head.tenant, head._id);
    if (latest.size === 0) return [];
    const documents = await this.#revisions.find({ _id: { $in: [...latest.values()] } }).toArray();
    return documents.map(toStored).sort((a, b) => a.id.localeCompare(b.id));
  }

  /** Applies `change` to the latest revision and stores the result as the next one. */
  async write(id: string, change: TenantChange, by: string): Promise<StoredTenant> {
    for (let round = 0; round < MAX_WRITE_ROUNDS; round++) {
      const current = await this.get(id);
      if (current && change.expect === 'absent') throw new TenantExistsError(id);
      if (!current && change.expect === 'present') throw new TenantNotStoredError(id);
      const revision = (current?.revision ?? 0) + 1;
      const at = new Date(this.#now());
      const document: TenantRevisionDocument = {
        _id: `${id}@${revision}`,
        tenant: id,
        revision,
        spec: toStoredJson(compactSpec(change.spec(current?.spec))) ?? '{}',
        secrets: this.#nextSecrets(id, current?.secrets ?? [], change.secrets ?? {}),
        createdAt: current?.createdAt ?? at,
        at,
        by,
      };
      if (await insertIfAbsent(() => this.#revisions.insertOne(document))) {
        // history beyond what is kept; a concurrent writer deleting the same ones does no harm
        await this.#revisions.deleteMany({
          tenant: id,
          revision: { $lte: revision - TENANT_REVISIONS_KEPT },
        });
        return toStored(document);
      }
      // another change won this revision: apply ours on top of it, after a pause that parts the losers
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * (round + 1)));
    }
    throw new Error(`tenant "${id}" kept changing while it was being written; try again`);
  }

  /** The plain secret values of a stored tenant, by connection and key. */
  open(tenant: StoredTenant): SecretValues {
    const values: Record<string, Record<string, string>> = {};
    for (const { connection, key, sealed } of tenant.secrets) {
      (values[connection] ??= {})[key] = this.#box.open(sealed, secretContext(tenant.id, connection, key));
    }
    return values;
  }

  #nextSecrets(id: string, current: readonly StoredSecret[], changes: SecretChanges): StoredSecret[] {
    const changed = (s: { connection: string; key: string }) => changes[s.connection]?.[s.key] !== undefined;
    const kept = current.filter((secret) => !changed(secret));
    for (const [connection, keys] of Object.entries(changes)) {
      for (const [key, value] of Object.entries(keys)) {
        if (value === null) continue;
        kept.push({ connection, key, sealed: this.#box.seal(value, secretContext(id, connection, key)) });
      }
    }
    return kept;
  }
}

/** What a sealed tenant secret is bound to: copied to another tenant, connection or key, it does not open. */
function secretContext(tenant: string, connection: string, key: string): string {
  return `tenant-secret:${tenant}/${connection}/${key}`;
}

function toStored(document: TenantRevisionDocument): StoredTenant {
  return {
    id: document.tenant,
    revision: document.revision,
    spec: (fromStoredJson(document.spec) ?? {}) as TenantSpec,
    secrets: document.secrets,
    createdAt: document.createdAt,
    updatedAt: document.at,
    updatedBy: document.by,
  };
}
