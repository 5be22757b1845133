import type { Collection, Db } from 'mongodb';
import { systemClock, type Clock } from './clock.ts';
import { COLLECTIONS } from './collections.ts';
import { insertIfAbsent } from './mongo-errors.ts';

/** A held lease. `generation` grows with every new holder: use it as a fencing token. */
export interface Lease {
  readonly scope: string;
  readonly generation: number;
  readonly holder: string;
  readonly acquiredAt: Date;
  readonly expiresAt: Date;
}

interface LeaseDocument {
  /** `<scope>#<generation>`: unique, so exactly one claimant wins each generation. */
  _id: string;
  scope: string;
  generation: number;
  holder: string;
  acquiredAt: Date;
  expiresAt: Date;
  releasedAt?: Date;
}

/** The scope of the run lease: one run of a pipeline per tenant at a time, across all workers. */
export function runLeaseScope(tenant: string, pipeline: string): string {
  return `run:${JSON.stringify([tenant, pipeline])}`;
}

/** The scope of the OAuth refresh lease: single-use refresh tokens must never be spent twice. */
export function oauthRefreshLeaseScope(tenant: string): string {
  return `oauth-refresh:${JSON.stringify([tenant])}`;
}

/**
 * Exclusive, expiring leases built only from inserts on a unique key, because conditional updates are
 * not atomic on FerretDB.
 *
 * A scope's leases form a sequence of generations; each is one document keyed `<scope>#<n>`, written
 * by its holder only. The newest generation decides: if it is expired or released, a claimant inserts
 * generation n+1 — all claimants that saw generation n race for the same key and exactly one insert
 * succeeds. Older generations never matter again and are deleted by `cleanup`.
 *
 * Renewal updates the holder's own document (no one else writes it) and counts only if it was
 * confirmed before the old expiry; after that, a claimant may already have read the lease as expired.
 * Clocks of workers are assumed to agree within `clockSkewMs`.
 */
export class LeaseStore {
  private readonly collection: Collection<LeaseDocument>;
  private readonly now: Clock;
  /** How far workers' clocks may disagree; a renewal must be confirmed this long before expiry. */
  readonly clockSkewMs: number;

  constructor(db: Db, options: { readonly now?: Clock; readonly clockSkewMs?: number } = {}) {
    this.collection = db.collection<LeaseDocument>(COLLECTIONS.leases);
    this.now = options.now ?? systemClock;
    this.clockSkewMs = options.clockSkewMs ?? 1000;
  }

  /** The lease, or undefined when someone else holds it. `holder` names the worker, for diagnosis. */
  async tryAcquire(scope: string, holder: string, ttlMs: number): Promise<Lease | undefined> {
    const latest = await this.latest(scope);
    if (latest && this.isActive(latest)) return undefined;
    const generation = (latest?.generation ?? 0) + 1;
    const acquiredAt = this.now();
    const document: LeaseDocument = {
      _id: `${scope}#${generation}`,
      scope,
      generation,
      holder,
      acquiredAt: new Date(acquiredAt),
      expiresAt: new Date(acquiredAt + ttlMs),
    };
    const won = await insertIfAbsent(() => this.collection.insertOne(document));
    return won ? toLease(document) : undefined;
  }

  /**
   * Extends a held lease. Resolves the renewed lease, or undefined when it was lost (expired, or taken
   * over): then the holder must stop, since another may now hold the scope.
   */
  async renew(lease: Lease, ttlMs: number): Promise<Lease | undefined> {
    if (this.now() >= lease.expiresAt.getTime() - this.clockSkewMs) return undefined;
    const expiresAt = new Date(this.now() + ttlMs);
    const result = await this.collection.updateOne(
      { _id: `${lease.scope}#${lease.generation}`, holder: lease.holder, releasedAt: { $exists: false } },
      { $set: { expiresAt } },
    );
    // Confirmed in time only if the write finished while the old expiry still held for every worker.
    if (result.matchedCount !== 1 || this.now() >= lease.expiresAt.getTime() - this.clockSkewMs) {
      return undefined;
    }
    const newer = await this.collection.countDocuments({
      scope: lease.scope,
      generation: { $gt: lease.generation },
    });
    return newer === 0 ? { ...lease, expiresAt } : undefined;
  }

  /** Gives the lease up, so the next claimant need not wait for it to expire. */
  async release(lease: Lease): Promise<void> {
    await this.collection.updateOne(
      { _id: `${lease.scope}#${lease.generation}`, holder: lease.holder },
      { $set: { releasedAt: new Date(this.now()) } },
    );
  }

  /** True while `lease` is the newest generation of its scope and neither expired nor released. */
  async isHeld(lease: Lease): Promise<boolean> {
    const latest = await this.latest(lease.scope);
    return latest?.generation === lease.generation && this.isActive(latest);
  }

  /** The current holder of a scope, if any. */
  async current(scope: string): Promise<Lease | undefined> {
    const latest = await this.latest(scope);
    return latest && this.isActive(latest) ? toLease(latest) : undefined;
  }

  /**
   * Runs `fn` under the lease, releasing it afterwards. Resolves `{ acquired: false }` without running
   * `fn` when the scope is held by someone else.
   */
  async withLease<T>(
    scope: string,
    holder: string,
    ttlMs: number,
    fn: (lease: Lease) => Promise<T>,
  ): Promise<{ acquired: true; value: T } | { acquired: false }> {
    const lease = await this.tryAcquire(scope, holder, ttlMs);
    if (!lease) return { acquired: false };
    try {
      return { acquired: true, value: await fn(lease) };
    } finally {
      await this.release(lease);
    }
  }

  /** Deletes every generation but the newest of each scope. Safe at any time: only the newest decides. */
  async cleanup(): Promise<number> {
    let deleted = 0;
    const newest = new Map<string, number>();
    for await (const doc of this.collection.find({}, { projection: { scope: 1, generation: 1 } })) {
      newest.set(doc.scope, Math.max(newest.get(doc.scope) ?? 0, doc.generation));
    }
    for (const [scope, generation] of newest) {
      const result = await this.collection.deleteMany({ scope, generation: { $lt: generation } });
      deleted += result.deletedCount;
    }
    return deleted;
  }

  /** Whether someone holds the scope now: a hint only, since it may change the next moment. */
  async isTaken(scope: string): Promise<boolean> {
    const latest = await this.latest(scope);
    return latest !== undefined && this.isActive(latest);
  }

  private async latest(scope: string): Promise<LeaseDocument | undefined> {
    const [latest] = await this.collection.find({ scope }).sort({ generation: -1 }).limit(1).toArray();
    return latest;
  }

  private isActive(document: LeaseDocument): boolean {
    return document.releasedAt === undefined && document.expiresAt.getTime() > this.now();
  }
}

function toLease(document: LeaseDocument): Lease {
  return {
    scope: document.scope,
    generation: document.generation,
    holder: document.holder,
    acquiredAt: document.acquiredAt,
    expiresAt: document.expiresAt,
  };
}
