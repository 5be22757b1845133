import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import { COLLECTIONS } from '../store/collections.ts';

/** Who a session belongs to: an operator (signed in with an admin API key) or one tenant's user. */
export interface SessionPrincipal {
  readonly kind: 'operator' | 'owner';
  /** The key's name or the user name. */
  readonly name: string;
  /** The one tenant an owner sees; absent for an operator. */
  readonly tenant?: string;
  /** Signed in with an admin API key (changes are recorded as `api:<name>`), not a user's password. */
  readonly byKey?: boolean;
}

export interface Session {
  readonly principal: SessionPrincipal;
  /** Sent back by the page in `x-csrf-token` with every change. */
  readonly csrf: string;
  readonly expiresAt: Date;
}

interface SessionDocument {
  /** SHA-256 of the cookie's token: a copy of the database opens no session. */
  _id: string;
  principal: SessionPrincipal;
  csrf: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export interface SessionTimes {
  /** A session unused this long ends; default 2 hours. */
  readonly idleMs?: number;
  /** A session ends this long after sign-in whatever happens; default 12 hours. */
  readonly absoluteMs?: number;
  readonly now?: () => number;
}

const digest = (token: string) => createHash('sha256').update(token).digest('hex');

/** Sessions of the admin page in MongoDB, shared by every worker behind one address. */
export class SessionStore {
  readonly #sessions: Collection<SessionDocument>;
  readonly #idleMs: number;
  readonly #absoluteMs: number;
  readonly #now: () => number;

  constructor(db: Db, times: SessionTimes = {}) {
    this.#sessions = db.collection<SessionDocument>(COLLECTIONS.adminSessions);
    this.#idleMs = times.idleMs ?? 2 * 3600_000;
    this.#absoluteMs = times.absoluteMs ?? 12 * 3600_000;
    this.#now = times.now ?? Date.now;
  }

  get idleMs(): number {
    return this.#idleMs;
  }

  /** A new session: the token goes into the cookie and is stored only as a hash. */
  async create(principal: SessionPrincipal): Promise<{ token: string; session: Session }> {
    const now = this.#now();
    // expired sessions are removed here, not by a TTL index (FerretDB has none)
    await this.#sessions.deleteMany({ expiresAt: { $lte: new Date(now) } });
    const token = randomBytes(32).toString('base64url');
    const document: SessionDocument = {
      _id: digest(token),
      principal,
      csrf: randomBytes(24).toString('base64url'),
      createdAt: new Date(now),
      lastSeenAt: new Date(now),
      expiresAt: new Date(now + this.#idleMs),
    };
    await this.#sessions.insertOne(document);
    return { token, session: toSession(document) };
  }

  /** The live session of a token, its idle expiry moved on (never past the absolute limit). */
  async get(token: string): Promise<Session | undefined> {
    const now = this.#now();
    const found = await this.#sessions.findOne({ _id: digest(token) });
    if (!found) return undefined;
    if (found.expiresAt.getTime() <= now) {
      await this.#sessions.deleteOne({ _id: found._id });
      return undefined;
    }
    // written at most once a minute: every page load makes several calls
    if (now - found.lastSeenAt.getTime() > 60_000) {
      const expiresAt = new Date(Math.min(now + this.#idleMs, found.createdAt.getTime() + this.#absoluteMs));
      await this.#sessions.updateOne({ _id: found._id }, { $set: { lastSeenAt: new Date(now), expiresAt } });
      return toSession({ ...found, expiresAt });
    }
    return toSession(found);
  }

  async end(token: string): Promise<void> {
    await this.#sessions.deleteOne({ _id: digest(token) });
  }

  /** Ends every session of a tenant's user (after the user is removed). */
  async endFor(principal: Pick<SessionPrincipal, 'kind' | 'name'>): Promise<void> {
    await this.#sessions.deleteMany({ 'principal.kind': principal.kind, 'principal.name': principal.name });
  }
}

/** The CSRF token matches the session's, compared in constant time. */
export function csrfMatches(session: Session, presented: string | undefined): boolean {
  if (!presented) return false;
  const a = Buffer.from(session.csrf);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

function toSession(document: SessionDocument): Session {
  return { principal: document.principal, csrf: document.csrf, expiresAt: document.expiresAt };
}
