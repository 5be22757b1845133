import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../store/collections.ts';
import { insertIfAbsent } from '../store/mongo-errors.ts';

/** A shop owner's sign-in for the admin page: one tenant, nothing else. */
export interface AdminUser {
  readonly username: string;
  readonly tenant: string;
  readonly createdAt: Date;
  readonly createdBy: string;
}

interface AdminUserDocument {
  /** The user name, lower-cased: names are unique across the installation. */
  _id: string;
  tenant: string;
  /** `scrypt$N$r$p$salt$hash`, salt and hash base64: the parameters travel with the hash. */
  password: string;
  createdAt: Date;
  createdBy: string;
}

export class AdminUserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AdminUserError';
  }
}

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@+-]{0,99}$/;
export const MIN_PASSWORD_LENGTH = 10;
// OWASP's scrypt floor (N=2^17, r=8, p=1) costs ~128 MiB and ~0.3 s per sign-in; 2^15 keeps a small
// worker responsive while still costing an attacker ~32 MiB per guess.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64'), hash.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password, Buffer.from(salt, 'base64'), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: SCRYPT.maxmem,
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Compared against when the user does not exist, so an unknown name costs as long as a wrong password. */
let decoy: Promise<string> | undefined;

/** Per-tenant users of the admin page, passwords hashed with scrypt, in MongoDB. */
export class AdminUserStore {
  readonly #users: Collection<AdminUserDocument>;

  constructor(db: Db) {
    this.#users = db.collection<AdminUserDocument>(COLLECTIONS.adminUsers);
  }

  async create(
    input: { username: string; password: string; tenant: string },
    by: string,
  ): Promise<AdminUser> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME_PATTERN.test(username))
      throw new AdminUserError(
        `user name "${input.username}": use letters, digits and . _ @ + - (at most 100)`,
      );
    if (input.password.length < MIN_PASSWORD_LENGTH)
      throw new AdminUserError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    const document: AdminUserDocument = {
      _id: username,
      tenant: input.tenant,
      password: await hashPassword(input.password),
      createdAt: new Date(),
      createdBy: by,
    };
    if (!(await insertIfAbsent(() => this.#users.insertOne(document))))
      throw new AdminUserError(`a user named "${username}" exists`);
    return toUser(document);
  }

  async list(tenant: string): Promise<AdminUser[]> {
    return (await this.#users.find({ tenant }).sort({ _id: 1 }).toArray()).map(toUser);
  }

  async remove(tenant: string, username: string): Promise<boolean> {
    return (await this.#users.deleteOne({ _id: username.toLowerCase(), tenant })).deletedCount === 1;
  }

  /** The user when the password is right; undefined otherwise, in about the same time either way. */
  async verify(username: string, password: string): Promise<AdminUser | undefined> {
    const found = await this.#users.findOne({ _id: username.trim().toLowerCase() });
    if (!found) {
      await verifyPassword(password, await (decoy ??= hashPassword(randomBytes(16).toString('hex'))));
      return undefined;
    }
    return (await verifyPassword(password, found.password)) ? toUser(found) : undefined;
  }
}

function toUser(document: AdminUserDocument): AdminUser {
  return {
    username: document._id,
    tenant: document.tenant,
    createdAt: document.createdAt,
    createdBy: document.createdBy,
  };
}
