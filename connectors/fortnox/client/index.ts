export {
  FortnoxAuth,
  InMemoryTokenStore,
  clientCredentialsToken,
  exchangeAuthorizationCode,
  refreshTokenPair,
  type TokenPair,
  type TokenStore,
} from './auth.ts';
export { fieldFromMessage, fortnoxError, parseFortnoxError } from './errors.ts';
export {
  DEFAULT_RETRY,
  FortnoxClient,
  defaultClientDeps,
  type ClientDeps,
  type FortnoxResponse,
  type RequestOptions,
  type RetryOptions,
} from './http.ts';
export { decimalsIn, toDecimalString, toFortnoxJson } from './numbers.ts';
export {
  formatLastModified,
  idSegment,
  listAll,
  listPages,
  type ListPage,
  type MetaInformation,
} from './paging.ts';
export { SlidingWindowRateLimiter, abortableSleep, type RateLimiter } from './rate-limit.ts';
export {
  DEFAULT_API_URL,
  DEFAULT_AUTH_URL,
  settingsSchema,
  settingsSecrets,
  type FortnoxSettings,
} from './settings.ts';
