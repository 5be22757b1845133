import { randomBytes } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import type { ConnectorDefinition, Logger, TokenStore } from '../../core/plugin-api/index.ts';
import { builtinConnectors, servicePluginHost } from '../registry/builtin-connectors.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { COLLECTIONS } from '../store/collections.ts';
import { conflict } from './admin-error.ts';

/** What Koppla's shipped pipelines need of Fortnox (the same list `koppla connect fortnox` asks for). */
export const FORTNOX_SCOPES = [
  'companyinformation',
  'customer',
  'order',
  'invoice',
  'payment',
  'article',
  'price',
  'settings',
  'bookkeeping',
  'currency',
  'warehouse',
];
const DEFAULT_AUTH_URL = 'https://apps.fortnox.se';
/** A consent not finished within this is refused. */
const STATE_TTL_MS = 15 * 60_000;

interface ConsentStateDocument {
  /** The `state` parameter: random, single use. */
  _id: string;
  tenant: string;
  connection: string;
  /** Who started it: only they may finish it. */
  by: string;
  redirectUri: string;
  expiresAt: Date;
}

/**
 * Fortnox's authorization-code flow from the admin page: `start` gives the consent address with a
 * fresh single-use state bound to tenant, connection and caller; `finish` checks the state and spends
 * the code through the Fortnox connector itself, which stores the token pair encrypted in MongoDB.
 */
export class FortnoxConsent {
  readonly #states: Collection<ConsentStateDocument>;

  constructor(
    private readonly deps: { readonly db: Db; readonly box: SecretBox; readonly workerName: string },
  ) {
    this.#states = deps.db.collection<ConsentStateDocument>(COLLECTIONS.oauthStates);
  }

  async start(
    input: { tenant: string; connection: string; by: string; redirectUri: string },
    settings: Readonly<Record<string, unknown>>,
  ): Promise<{ url: string; state: string }> {
    if (typeof settings.clientId !== 'string' || settings.clientId === '')
      throw conflict(`connection ${input.connection}: set the Fortnox app's client id first`);
    if (!/^https?:\/\//.test(input.redirectUri)) throw conflict('redirectUri must be an http(s) address');
    const state = randomBytes(18).toString('base64url');
    await this.#states.deleteMany({ expiresAt: { $lte: new Date() } });
    await this.#states.insertOne({
      _id: state,
      tenant: input.tenant,
      connection: input.connection,
      by: input.by,
      redirectUri: input.redirectUri,
      expiresAt: new Date(Date.now() + STATE_TTL_MS),
    });
    const base =
      typeof settings.authUrl === 'string' && settings.authUrl !== '' ? settings.authUrl : DEFAULT_AUTH_URL;
    const query = new URLSearchParams({
      client_id: settings.clientId,
      redirect_uri: input.redirectUri,
      scope: FORTNOX_SCOPES.join(' '),
      state,
      access_type: 'offline',
      response_type: 'code',
    });
    return {
      url: `${base.replace(/\/$/, '')}/oauth-v1/auth?${query.toString().replace(/\+/g, '%20')}`,
      state,
    };
  }

  /** Spends the code; throws a conflict when the state is not this caller's live one. */
  async finish(
    input: { tenant: string; connection: string; by: string; code: string; state: string },
    settings: Readonly<Record<string, unknown>>,
    tenantId: string,
    logger: Logger,
  ): Promise<void> {
    // single use: taken out before the code is spent
    const found = await this.#states.findOneAndDelete({ _id: input.state });
    if (
      !found ||
      found.expiresAt.getTime() <= Date.now() ||
      found.tenant !== input.tenant ||
      found.connection !== input.connection ||
      found.by !== input.by
    )
      throw conflict('this consent is unknown, used or expired: start again');
    const host = servicePluginHost(this.deps.db, this.deps.box, this.deps.workerName);
    if (!host.tokenStore) throw conflict('this worker lends no token store');
    const fortnox = builtinConnectors({ ...host, tokenStore: freshTokenStore(host.tokenStore) }).find(
      (c: ConnectorDefinition) => c.meta.id === 'fortnox',
    );
    if (!fortnox?.checkConnection) throw conflict('this Koppla has no Fortnox connector');
    const { refreshToken: _refresh, authorizationCode: _code, ...rest } = settings;
    await fortnox.checkConnection({
      tenantId,
      settings: { ...rest, authorizationCode: input.code, redirectUri: found.redirectUri },
      signal: AbortSignal.timeout(60_000),
      logger,
    });
  }
}

/** Hides the pairs stored before: a reconnect must spend the new code, not reuse old tokens. */
function freshTokenStore(store: TokenStore): TokenStore {
  const saved = new Set<string>();
  return {
    get: async (key) => (saved.has(key) ? store.get(key) : undefined),
    save: async (key, value) => {
      await store.save(key, value);
      saved.add(key);
    },
    withRefreshLease: (key, fn) => store.withRefreshLease(key, fn),
  };
}
