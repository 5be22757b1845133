import { AuthError, toConnectorError } from '../../../core/plugin-api/index.ts';
import { fortnoxError } from './errors.ts';
import { DEFAULT_AUTH_URL, settingsSecrets, type FortnoxSettings } from './settings.ts';

/** What Fortnox's token endpoint hands out, with the expiry made absolute. */
export interface TokenPair {
  readonly accessToken: string;
  /** Absent for the client-credentials flow. Single use: spent by the next refresh. */
  readonly refreshToken?: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  readonly scope?: string;
}

/**
 * Where a tenant's tokens live. Fortnox refresh tokens are single use, so two workers refreshing at
 * once would lock the tenant out: a refresh runs inside `withRefreshLease`, which lets one caller at
 * a time in per key (the runtime's MongoDB store holds a lease document), and the new pair is saved
 * before it is used.
 */
export interface TokenStore {
  get(key: string): Promise<TokenPair | undefined>;
  save(key: string, pair: TokenPair): Promise<void>;
  withRefreshLease<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** The default store: one process, a promise chain per key as the lease. */
export class InMemoryTokenStore implements TokenStore {
  private readonly pairs = new Map<string, TokenPair>();
  private readonly leases = new Map<string, Promise<unknown>>();

  async get(key: string): Promise<TokenPair | undefined> {
    return this.pairs.get(key);
  }

  async save(key: string, pair: TokenPair): Promise<void> {
    this.pairs.set(key, pair);
  }

  withRefreshLease<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.leases.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    this.leases.set(key, settled);
    void settled.then(() => {
      if (this.leases.get(key) === settled) this.leases.delete(key);
    });
    return run;
  }
}

export interface AuthDeps {
  readonly store: TokenStore;
  readonly fetch: typeof fetch;
  readonly now: () => number;
}

/** Refresh this long before the access token expires, so a request never starts with a dying token. */
const EXPIRY_MARGIN_MS = 60_000;

interface TokenEndpointResponse {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  scope?: unknown;
}

/** `POST {authUrl}/oauth-v1/token` with Basic client auth; errors become core errors, secrets scrubbed. */
async function callTokenEndpoint(
  settings: FortnoxSettings,
  form: Record<string, string>,
  deps: Pick<AuthDeps, 'fetch' | 'now'>,
  signal: AbortSignal | undefined,
  extraHeaders: Record<string, string> = {},
): Promise<TokenPair> {
  const secrets = [...settingsSecrets(settings), ...Object.values(form).filter((v) => v.length > 12)];
  const url = `${settings.authUrl ?? DEFAULT_AUTH_URL}/oauth-v1/token`;
  const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64');
  let response: Response;
  let text: string;
  try {
    response = await deps.fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...extraHeaders,
      },
      body: new URLSearchParams(form).toString(),
      ...(signal ? { signal } : {}),
    });
    text = await response.text();
  } catch (error) {
    throw toConnectorError(error, { secrets: [...secrets, basic] });
  }
  const operation = `token (${form.grant_type})`;
  if (!response.ok) {
    const error = fortnoxError(response.status, text, { operation, secrets: [...secrets, basic] });
    // invalid_grant (a spent or expired refresh token) and invalid_client need a person: re-consent.
    if (response.status === 400 || response.status === 401) {
      throw new AuthError(error.message, {
        status: response.status,
        ...(error.code ? { code: error.code } : {}),
      });
    }
    throw error;
  }
  let body: TokenEndpointResponse;
  try {
    body = JSON.parse(text) as TokenEndpointResponse;
  } catch {
    throw new AuthError(`Fortnox ${operation}: the answer is not JSON`, { status: response.status });
  }
  if (typeof body.access_token !== 'string') {
    throw new AuthError(`Fortnox ${operation}: no access_token in the answer`, { status: response.status });
  }
  const expiresIn = typeof body.expires_in === 'number' ? body.expires_in : 3600;
  return {
    accessToken: body.access_token,
    expiresAt: deps.now() + expiresIn * 1000,
    ...(typeof body.refresh_token === 'string' ? { refreshToken: body.refresh_token } : {}),
    ...(typeof body.scope === 'string' ? { scope: body.scope } : {}),
  };
}

export function exchangeAuthorizationCode(
  settings: FortnoxSettings,
  code: string,
  deps: Pick<AuthDeps, 'fetch' | 'now'>,
  signal?: AbortSignal,
): Promise<TokenPair> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code };
  if (settings.redirectUri) form.redirect_uri = settings.redirectUri;
  return callTokenEndpoint(settings, form, deps, signal);
}

export function refreshTokenPair(
  settings: FortnoxSettings,
  refreshToken: string,
  deps: Pick<AuthDeps, 'fetch' | 'now'>,
  signal?: AbortSignal,
): Promise<TokenPair> {
  return callTokenEndpoint(
    settings,
    { grant_type: 'refresh_token', refresh_token: refreshToken },
    deps,
    signal,
  );
}

export function clientCredentialsToken(
  settings: FortnoxSettings,
  deps: Pick<AuthDeps, 'fetch' | 'now'>,
  signal?: AbortSignal,
): Promise<TokenPair> {
  if (!settings.tenantId) throw new AuthError('Fortnox client_credentials needs the tenantId setting');
  return callTokenEndpoint(settings, { grant_type: 'client_credentials' }, deps, signal, {
    TenantId: settings.tenantId,
  });
}

/** Hands out a live access token for one connection, refreshing under the store's lease. */
export class FortnoxAuth {
  constructor(
    private readonly settings: FortnoxSettings,
    private readonly key: string,
    private readonly deps: AuthDeps,
  ) {}

  /** `rejected`: a token the API just refused with 401, which must not be handed out again. */
  async accessToken(signal?: AbortSignal, rejected?: string): Promise<string> {
    const usable = (pair: TokenPair | undefined): pair is TokenPair =>
      pair !== undefined &&
      pair.accessToken !== rejected &&
      pair.expiresAt - EXPIRY_MARGIN_MS > this.deps.now();
    const current = await this.deps.store.get(this.key);
    if (usable(current)) return current.accessToken;
    return this.deps.store.withRefreshLease(this.key, async () => {
      // Another worker may have refreshed while this one waited for the lease.
      const latest = await this.deps.store.get(this.key);
      if (usable(latest)) return latest.accessToken;
      const pair = await this.obtain(latest, signal);
      await this.deps.store.save(this.key, pair);
      return pair.accessToken;
    });
  }

  private obtain(latest: TokenPair | undefined, signal: AbortSignal | undefined): Promise<TokenPair> {
    if (this.settings.flow === 'client_credentials')
      return clientCredentialsToken(this.settings, this.deps, signal);
    const refreshToken = latest?.refreshToken ?? this.settings.refreshToken;
    if (refreshToken) return refreshTokenPair(this.settings, refreshToken, this.deps, signal);
    if (this.settings.authorizationCode) {
      return exchangeAuthorizationCode(this.settings, this.settings.authorizationCode, this.deps, signal);
    }
    throw new AuthError(
      'Fortnox: no refresh token for this connection; the customer must authorize the app again',
    );
  }
}
