import type { Collection, Db } from 'mongodb';
import type { TokenPair, TokenStore } from '../../connectors/fortnox/client/index.ts';
import type { LeaseStore } from '../store/index.ts';
import type { SecretBox, SealedSecret } from './secret-box.ts';

interface StoredTokens {
  _id: string;
  sealed: SealedSecret;
  updatedAt: Date;
}

export interface MongoTokenStoreOptions {
  /** Who holds the refresh lease, for diagnosis (worker name). */
  readonly holder: string;
  /** How long a refresh may take before another worker may try (ms). */
  readonly leaseTtlMs?: number;
  /** How long to wait for another worker's refresh to finish (ms). */
  readonly waitMs?: number;
  readonly pollMs?: number;
}

/**
 * OAuth token pairs for every worker, encrypted at rest. A Fortnox refresh token is single use, so
 * refreshes run under a per-key lease (an insert-claimed lease document, exclusive on every server
 * Koppla supports) and the new pair is saved before it is used; a worker that waits re-reads the
 * store and finds the fresh pair. Only the lease holder writes, so a plain upsert is safe.
 */
export class MongoTokenStore implements TokenStore {
  readonly #tokens: Collection<StoredTokens>;

  constructor(
    db: Db,
    private readonly leases: LeaseStore,
    private readonly box: SecretBox,
    private readonly options: MongoTokenStoreOptions,
  ) {
    this.#tokens = db.collection<StoredTokens>('koppla_oauth_tokens');
  }

  async get(key: string): Promise<TokenPair | undefined> {
    const stored = await this.#tokens.findOne({ _id: key });
    // the key is the encryption context: a pair copied to another tenant's key does not open
    return stored ? (JSON.parse(this.box.open(stored.sealed, key)) as TokenPair) : undefined;
  }

  async save(key: string, pair: TokenPair): Promise<void> {
    await this.#tokens.updateOne(
      { _id: key },
      { $set: { sealed: this.box.seal(JSON.stringify(pair), key), updatedAt: new Date() } },
      { upsert: true },
    );
  }

  async withRefreshLease<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const scope = `oauth-refresh:${key}`;
    const deadline = Date.now() + (this.options.waitMs ?? 30_000);
    for (;;) {
      const lease = await this.leases.tryAcquire(
        scope,
        this.options.holder,
        this.options.leaseTtlMs ?? 60_000,
      );
      if (lease) {
        try {
          return await fn();
        } finally {
          await this.leases.release(lease);
        }
      }
      if (Date.now() > deadline)
        throw new Error(`another worker has been refreshing the tokens of ${key.split(':')[0]} for too long`);
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs ?? 200));
    }
  }
}
