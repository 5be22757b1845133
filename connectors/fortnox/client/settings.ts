import { textPolicySchema, type TextPolicy } from '../schemas/text.ts';

/** A Fortnox connection's settings, as the connector's `credentials` schema describes them. */
export interface FortnoxSettings {
  readonly clientId: string;
  readonly clientSecret: string;
  /**
   * `refresh_token` (default): the OAuth2 authorization-code flow; `client_credentials`: a service
   * account, with the tenant's id sent in the `TenantId` header and no refresh token at all.
   */
  readonly flow?: 'refresh_token' | 'client_credentials';
  /** The first refresh token (from the consent). Used once, when the token store has none yet. */
  readonly refreshToken?: string;
  /** An authorization code to exchange when the store has no tokens and no refresh token is given. */
  readonly authorizationCode?: string;
  readonly redirectUri?: string;
  /** Fortnox's tenant id (`DatabaseNumber`); required for `client_credentials`. */
  readonly tenantId?: string;
  /** Default `https://api.fortnox.se`. */
  readonly apiUrl?: string;
  /** Default `https://apps.fortnox.se`. */
  readonly authUrl?: string;
  /** Per request; default 30 000 ms. */
  readonly timeoutMs?: number;
  /**
   * Texts Fortnox would refuse (characters outside its set, longer than its limit): `clean` them or
   * `fail` with a ValidationError naming the field; per field. Default: clean, identifiers fail.
   */
  readonly textPolicy?: TextPolicy;
}

export const DEFAULT_API_URL = 'https://api.fortnox.se';
export const DEFAULT_AUTH_URL = 'https://apps.fortnox.se';

/** Every secret a settings object holds, to scrub from messages. */
export function settingsSecrets(settings: FortnoxSettings): string[] {
  return [settings.clientSecret, settings.refreshToken ?? '', settings.authorizationCode ?? ''].filter(
    Boolean,
  );
}

/** The JSON Schema of the settings (`credentials` of the connector). */
export const settingsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['clientId', 'clientSecret'],
  properties: {
    clientId: { type: 'string', minLength: 1 },
    clientSecret: { type: 'string', minLength: 1, 'x-secret': true },
    flow: { enum: ['refresh_token', 'client_credentials'], default: 'refresh_token' },
    refreshToken: { type: 'string', 'x-secret': true },
    authorizationCode: { type: 'string', 'x-secret': true },
    redirectUri: { type: 'string' },
    tenantId: { type: 'string' },
    apiUrl: { type: 'string', format: 'uri', default: DEFAULT_API_URL },
    authUrl: { type: 'string', format: 'uri', default: DEFAULT_AUTH_URL },
    timeoutMs: { type: 'integer', minimum: 1, default: 30000 },
    textPolicy: textPolicySchema,
  },
} as const;
