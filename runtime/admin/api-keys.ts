import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../store/collections.ts';
import { insertIfAbsent } from '../store/mongo-errors.ts';

/** Who made an admin call: the key's name, for the logs and each tenant revision's `updatedBy`. */
export interface AdminPrincipal {
  readonly name: string;
  /** Set for a shop owner signed in on the admin page: the one tenant the principal may see. */
  readonly tenant?: string;
  /** How the call was authenticated; absent: an API key in the Authorization header. */
  readonly via?: 'key-session' | 'user-session';
}

export interface AdminKeyInfo {
  readonly name: string;
  readonly createdAt: Date;
}

interface AdminKeyDocument {
  /** The key's name. */
  _id: string;
  /** SHA-256 of the key, hex. The key itself is shown once, when made, and kept nowhere. */
  hash: string;
  createdAt: Date;
  /** Set for a key limited to one tenant (`koppla admin key create --tenant`). */
  tenant?: string;
}

/** Shorter keys could be guessed; the ones `koppla admin key create` makes are 47 characters. */
export const MIN_KEY_LENGTH = 24;
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export class AdminKeyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminKeyConfigError';
  }
}

/**
 * The keys that open the admin API: those in `KOPPLA_ADMIN_API_KEYS` (`key` or `name:key`, comma
 * separated) and those made with `koppla admin key create`, stored in MongoDB as SHA-256 hashes.
 * A presented key is hashed and compared in constant time with every configured one.
 */
export class AdminKeyring {
  readonly #env: readonly { name: string; digest: Buffer; tenant?: string }[];
  readonly #stored: Collection<AdminKeyDocument> | undefined;

  constructor(options: { readonly envKeys?: readonly AdminKeyEntry[]; readonly db?: Db }) {
    this.#env = (options.envKeys ?? []).map(({ name, key, tenant }) => ({
      name,
      digest: digest(key),
      ...(tenant ? { tenant } : {}),
    }));
    this.#stored = options.db?.collection<AdminKeyDocument>(COLLECTIONS.adminKeys);
  }

  /** `KOPPLA_ADMIN_API_KEYS` and, with `db`, the keys stored there. */
  static fromEnv(
    db: Db | undefined,
    env: Readonly<Record<string, string | undefined>> = process.env,
  ): AdminKeyring {
    return new AdminKeyring({
      envKeys: parseAdminKeys(env.KOPPLA_ADMIN_API_KEYS ?? ''),
      ...(db ? { db } : {}),
    });
  }

  /** The key's owner, or undefined when the key opens nothing. */
  async verify(presented: string): Promise<AdminPrincipal | undefined> {
    const presentedDigest = digest(presented);
    let found: AdminPrincipal | undefined;
    // every configured key is compared, so the time taken says nothing about which one matched
    for (const key of this.#env)
      if (timingSafeEqual(presentedDigest, key.digest))
        found ??= { name: key.name, ...(key.tenant ? { tenant: key.tenant } : {}) };
    if (found || !this.#stored) return found;
    const hash = presentedDigest.toString('hex');
    const stored = await this.#stored.findOne({ hash });
    if (stored && timingSafeEqual(Buffer.from(stored.hash, 'hex'), presentedDigest))
      return { name: stored._id, ...(stored.tenant ? { tenant: stored.tenant } : {}) };
    return undefined;
  }

  /** Makes a key, stores its hash under `name` and returns it: the only time it is shown. */
  async create(
    name: string,
    options: { readonly tenant?: string } = {},
  ): Promise<{ name: string; key: string; tenant?: string }> {
    const stored = this.#requireStore();
    if (!NAME_PATTERN.test(name))
      throw new AdminKeyConfigError(`key name "${name}": use 1-64 of A-Z a-z 0-9 _ . -`);
    // a key limited to one tenant: it opens that tenant's routes only (runtime/admin/tenant-scope.ts)
    const tenant = options.tenant === undefined ? {} : { tenant: options.tenant };
    const key = `kpl_${randomBytes(32).toString('base64url')}`;
    const inserted = await insertIfAbsent(() =>
      stored.insertOne({ _id: name, hash: digest(key).toString('hex'), createdAt: new Date(), ...tenant }),
    );
    if (!inserted) throw new AdminKeyConfigError(`a key named "${name}" exists; revoke it first`);
    return { name, key, ...tenant };
  }

  async list(): Promise<AdminKeyInfo[]> {
    const documents = await this.#requireStore().find({}).sort({ _id: 1 }).toArray();
    return documents.map((d) => ({ name: d._id, createdAt: d.createdAt }));
  }

  async revoke(name: string): Promise<boolean> {
    return (await this.#requireStore().deleteOne({ _id: name })).deletedCount === 1;
  }

  /** How many keys can open the API now (env and stored). */
  async count(): Promise<number> {
    return this.#env.length + ((await this.#stored?.countDocuments()) ?? 0);
  }

  #requireStore(): Collection<AdminKeyDocument> {
    if (!this.#stored) throw new AdminKeyConfigError('stored admin keys need MongoDB (set MONGODB_URI)');
    return this.#stored;
  }
}

/** One configured key: its name, the key, and the one tenant it is limited to, if any. */
export interface AdminKeyEntry {
  readonly name: string;
  readonly key: string;
  readonly tenant?: string;
}

/** Parses `KOPPLA_ADMIN_API_KEYS`: `key`, `name:key` or `name@tenant:key`, comma separated. Errors name the entry, never the key. */
export function parseAdminKeys(text: string): AdminKeyEntry[] {
  const keys: AdminKeyEntry[] = [];
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    // `name@tenant:key` limits the key to one tenant
    const [name = '', tenant] = (colon > 0 ? entry.slice(0, colon) : `env-${index + 1}`).split('@', 2);
    const key = colon > 0 ? entry.slice(colon + 1) : entry;
    if (tenant !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(tenant))
      throw new AdminKeyConfigError(
        `KOPPLA_ADMIN_API_KEYS entry ${index + 1}: its tenant is not a tenant id`,
      );
    if (!NAME_PATTERN.test(name))
      throw new AdminKeyConfigError(
        `KOPPLA_ADMIN_API_KEYS entry ${index + 1}: its name must be 1-64 of A-Z a-z 0-9 _ . -`,
      );
    if (key.length < MIN_KEY_LENGTH)
      throw new AdminKeyConfigError(
        `KOPPLA_ADMIN_API_KEYS entry ${index + 1} is ${key.length} characters; use at least ${MIN_KEY_LENGTH} (koppla admin key create makes one)`,
      );
    keys.push({ name, key, ...(tenant === undefined ? {} : { tenant }) });
  }
  return keys;
}

function digest(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}
