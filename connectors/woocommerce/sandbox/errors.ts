/**
 * WooCommerce's error bodies, restated from a real 10.0.2 store (the contract tests compare them
 * with the recordings in ../shared/woocommerce-reference/errors).
 */

export interface WcError {
  readonly status: number;
  readonly body: { readonly code: string; readonly message: string; readonly data: Record<string, unknown> };
  readonly headers?: Readonly<Record<string, string>>;
}

export function wcError(
  status: number,
  code: string,
  message: string,
  data: Record<string, unknown> = {},
): WcError {
  return { status, body: { code, message, data: { status, ...data } } };
}

const BASIC_REALM =
  'Basic realm="WooCommerce API. Use a consumer key in the username field and a consumer secret in the password field."';

export const errors = {
  noRoute: () => wcError(404, 'rest_no_route', 'No route was found matching the URL and request method.'),
  /** No or unknown credentials: WooCommerce lets the request through unauthenticated and the permission check fails. */
  cannot: (action: PermissionKind): WcError => {
    const [code, message] = PERMISSION_MESSAGES[action];
    return wcError(401, code, message);
  },
  wrongSecret: (): WcError => ({
    ...wcError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.'),
    headers: { 'www-authenticate': BASIC_REALM },
  }),
  auth: (message: string) => wcError(401, 'woocommerce_rest_authentication_error', message),
  oauthMissing: (names: readonly string[]) =>
    wcError(
      401,
      'woocommerce_rest_authentication_missing_parameter',
      `Missing OAuth parameter(s) ${names.join(', ')}`,
    ),
  /** GET and DELETE answer 404, PUT answers 400, with the same code (recorded). */
  invalidId: (postType: string, status: 400 | 404) =>
    wcError(status, `woocommerce_rest_${postType}_invalid_id`, 'Invalid ID.'),
  invalidParam: (param: string, message: string, detailCode = 'rest_invalid_param') =>
    wcError(400, 'rest_invalid_param', `Invalid parameter(s): ${param}`, {
      params: { [param]: message },
      details: { [param]: { code: detailCode, message, data: null } },
    }),
  invalidStatus: () =>
    errors.invalidParam(
      'status',
      `status is not one of ${ORDER_WRITE_STATUSES.slice(0, -1).join(', ')}, and ${ORDER_WRITE_STATUSES.at(-1)}.`,
      'rest_not_in_enum',
    ),
  perPage: () =>
    errors.invalidParam(
      'per_page',
      'per_page must be between 1 (inclusive) and 100 (inclusive)',
      'rest_out_of_bounds',
    ),
  tooLarge: () =>
    wcError(
      413,
      'woocommerce_rest_request_entity_too_large',
      'Unable to accept more than 100 items for this request.',
    ),
  duplicateSku: (resourceId: number, uniqueSku: string) =>
    wcError(400, 'product_invalid_sku', 'Invalid or duplicated SKU.', {
      resource_id: resourceId,
      unique_sku: uniqueSku,
    }),
  /** A WordPress fatal error inside a REST request. */
  critical: () =>
    wcError(500, 'internal_server_error', '<p>There has been a critical error on this website.</p>'),
};

/** The order statuses WooCommerce 10 accepts on write, in its own order (recorded). */
export const ORDER_WRITE_STATUSES = [
  'auto-draft',
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
  'checkout-draft',
] as const;

export type PermissionKind = 'list' | 'view' | 'edit' | 'create' | 'delete' | 'batch';

const PERMISSION_MESSAGES: Readonly<Record<PermissionKind, readonly [string, string]>> = {
  list: ['woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.'],
  view: ['woocommerce_rest_cannot_view', 'Sorry, you cannot view this resource.'],
  edit: ['woocommerce_rest_cannot_edit', 'Sorry, you are not allowed to edit this resource.'],
  create: ['woocommerce_rest_cannot_create', 'Sorry, you are not allowed to create resources.'],
  delete: ['woocommerce_rest_cannot_delete', 'Sorry, you are not allowed to delete this resource.'],
  batch: ['woocommerce_rest_cannot_batch', 'Sorry, you are not allowed to batch manipulate this resource.'],
};
