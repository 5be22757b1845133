/**
 * Fortnox OAuth tokens shared by workers: encrypted at rest, and a single-use refresh token is spent
 * once even when two workers (separate connections, separate connector instances) need a token at
 * the same moment — proven against the Fortnox sandbox, which refuses a reused refresh token.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { createFortnoxConnector } from '../../../connectors/fortnox/connector.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import { MongoTokenStore } from '../../../runtime/secrets/mongo-token-store.ts';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import { LeaseStore, MongoRateBudget } from '../../../runtime/store/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const box = new SecretBox([{ id: 'test', key: randomBytes(32) }]);

describe('MongoTokenStore', () => {
  let fortnox: RunningFortnoxSandbox;
  const clients: MongoClient[] = [];
  beforeAll(async () => {
    fortnox = await startFortnoxSandbox({});
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await fortnox.stop();
  });

  it('two workers calling Fortnox at once spend the refresh token once; tokens are stored encrypted', async () => {
    const workers = await Promise.all(
      ['w1', 'w2'].map(async (holder) => {
        const client = await MongoClient.connect(mongo.uri);
        clients.push(client);
        const db = client.db(mongo.name);
        const tokenStore = new MongoTokenStore(db, new LeaseStore(db), box, { holder, pollMs: 20 });
        return createFortnoxConnector({ tokenStore, rateLimiter: new MongoRateBudget(db) });
      }),
    );
    const settings = {
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      refreshToken: DEFAULT_REFRESH_TOKEN,
      apiUrl: fortnox.url,
      authUrl: fortnox.url,
    };
    const context = {
      tenantId: 'acme',
      settings,
      signal: new AbortController().signal,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    };
    const results = await Promise.all(
      workers.map((connector, i) =>
        connector.operations['customers.upsert'].run(context, {
          Name: `Kund ${i}`,
          Email: `kund${i}@example.se`,
          CountryCode: 'SE',
        }),
      ),
    );
    expect(results.map((r) => typeof (r as { CustomerNumber?: unknown }).CustomerNumber)).toEqual([
      'string',
      'string',
    ]);

    const tokenRequests = fortnox.state.requests.filter((r) => r.url.startsWith('/oauth-v1/token'));
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.status).toBe(200);

    const stored = JSON.stringify(await mongo.db().collection('koppla_oauth_tokens').find().toArray());
    expect(stored).toContain('"keyId":"test"');
    expect(stored).not.toContain(DEFAULT_REFRESH_TOKEN);
    expect(stored).not.toMatch(/"accessToken"|"refreshToken"/);
  });
});
