export { authModeOf, authorize } from './auth.ts';
export { wooError } from './errors.ts';
export {
  API_PREFIX,
  apiUrl,
  wooRequest,
  type QueryValue,
  type WooRequest,
  type WooResponse,
} from './http.ts';
export { oauthSignature, rfc3986 } from './oauth1.ts';
export { MAX_PER_PAGE, listAll, pages, type Page } from './paging.ts';
