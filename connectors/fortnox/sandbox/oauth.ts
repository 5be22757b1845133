import { createHmac, randomBytes } from 'node:crypto';
import type { SandboxConfig } from './config.ts';
import { FortnoxHttpError } from './errors.ts';
import type { SandboxState, TokenGrant } from './state.ts';

/** The token endpoint's answers as recorded: OAuth-style bodies, not `ErrorInformation`. */
const INVALID_CLIENT = { error: 'invalid_client', error_description: 'The client credentials are invalid' };
const INVALID_REFRESH = { error: 'invalid_grant', error_description: 'Invalid refresh token' };
// UNCONFIRMED: the descriptions for a bad authorization code and a missing consent were not recorded.
const INVALID_CODE = { error: 'invalid_grant', error_description: 'Invalid authorization code' };
const NO_CONSENT = { error: 'invalid_grant', error_description: 'No consent for the tenant' };
const UNSUPPORTED = { error: 'unsupported_grant_type', error_description: 'Unsupported grant type' };
const SCOPE = 'article companyinformation customer invoice order payment price settings';

/** Content types as recorded: 401 came as text/plain, 400 as text/html (both with a JSON body). */
export class OAuthError extends FortnoxHttpError {
  constructor(
    status: number,
    body: unknown,
    readonly contentType: string,
  ) {
    super(status, body);
  }
}

export interface TokenRequest {
  readonly authorization: string | undefined;
  readonly tenantIdHeader: string | undefined;
  readonly form: Readonly<Record<string, string>>;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly expires_in: number;
  readonly token_type: 'bearer';
  readonly scope: string;
  readonly refresh_token?: string;
}

const signingKey = randomBytes(32);

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JWT-shaped access token carrying `tenantId`, as Fortnox's do (signed with a per-process key). */
function accessToken(grant: TokenGrant, config: SandboxConfig): string {
  const header = base64url({ alg: 'HS256', typ: 'JWT' });
  const payload = base64url({
    tenantId: grant.tenantId,
    clientId: grant.clientId,
    iat: Math.floor(config.now() / 1000),
    exp: Math.floor(grant.expiresAt / 1000),
    jti: randomBytes(8).toString('hex'),
  });
  const signature = createHmac('sha256', signingKey).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}

function clientFromBasic(authorization: string | undefined, state: SandboxState): string {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) throw new OAuthError(401, INVALID_CLIENT, 'text/plain;charset=UTF-8');
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const clientId = colon < 0 ? decoded : decoded.slice(0, colon);
  const secret = colon < 0 ? '' : decoded.slice(colon + 1);
  if (state.clients.get(clientId) !== secret || secret === '') {
    throw new OAuthError(401, INVALID_CLIENT, 'text/plain;charset=UTF-8');
  }
  return clientId;
}

function issue(
  tenantId: string,
  clientId: string,
  withRefresh: boolean,
  state: SandboxState,
  config: SandboxConfig,
): TokenResponse {
  const now = config.now();
  const grant: TokenGrant = {
    tenantId,
    clientId,
    expiresAt: now + config.accessTokenTtlSeconds * 1000,
    used: false,
  };
  const token = accessToken(grant, config);
  state.accessTokens.set(token, grant);
  const response: TokenResponse = {
    access_token: token,
    expires_in: config.accessTokenTtlSeconds,
    token_type: 'bearer',
    scope: config.grantedScopes ? config.grantedScopes.join(' ') : SCOPE,
  };
  if (!withRefresh) return response;
  const refresh = randomBytes(24).toString('base64url');
  state.refreshTokens.set(refresh, {
    tenantId,
    clientId,
    expiresAt: now + config.refreshTokenTtlMs,
    used: false,
  });
  return { ...response, refresh_token: refresh };
}

/** `POST /oauth-v1/token`: authorization_code, refresh_token (single use) and client_credentials. */
export function tokenEndpoint(
  request: TokenRequest,
  state: SandboxState,
  config: SandboxConfig,
): TokenResponse {
  const clientId = clientFromBasic(request.authorization, state);
  const now = config.now();
  const html = 'text/html; charset=UTF-8';
  switch (request.form.grant_type) {
    case 'authorization_code': {
      const grant = state.authorizationCodes.get(request.form.code ?? '');
      if (!grant || grant.used || grant.clientId !== clientId || grant.expiresAt <= now) {
        throw new OAuthError(400, INVALID_CODE, html);
      }
      grant.used = true;
      return issue(grant.tenantId, clientId, true, state, config);
    }
    case 'refresh_token': {
      const grant = state.refreshTokens.get(request.form.refresh_token ?? '');
      if (grant?.used) state.refreshTokenReuse++;
      if (!grant || grant.used || grant.clientId !== clientId || grant.expiresAt <= now) {
        throw new OAuthError(400, INVALID_REFRESH, html);
      }
      // Single use: the old refresh token is spent the moment a new pair is issued.
      grant.used = true;
      state.refreshes++;
      return issue(grant.tenantId, clientId, true, state, config);
    }
    case 'client_credentials': {
      const tenantId = request.tenantIdHeader ?? '';
      if (!state.serviceAccounts.has(`${clientId}:${tenantId}`)) throw new OAuthError(400, NO_CONSENT, html);
      return issue(tenantId, clientId, false, state, config);
    }
    default:
      throw new OAuthError(400, UNSUPPORTED, html);
  }
}

/** The tenant of a live bearer token, or undefined (→ 401 `{"message":"unauthorized"}`). */
export function tenantOfBearer(
  authorization: string | undefined,
  state: SandboxState,
  now: number,
): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const grant = state.accessTokens.get(match[1] as string);
  return grant && grant.expiresAt > now ? grant.tenantId : undefined;
}
