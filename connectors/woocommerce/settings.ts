import type { JsonSchemaObject } from '../../core/plugin-api/index.ts';

/** How requests prove who they are. See client/auth.ts. */
export type AuthMode = 'basic' | 'query' | 'oauth1';

/** A WooCommerce connection's settings (`credentials` schema below). */
export interface WooSettings {
  /** The store's home URL, e.g. `https://shop.example.se` (the REST API is under `/wp-json/wc/v3`). */
  readonly url: string;
  readonly consumerKey: string;
  readonly consumerSecret: string;
  /**
   * Default: `basic` over HTTPS, `oauth1` over plain HTTP. `query` sends the keys as query parameters
   * for servers that strip the `Authorization` header (HTTPS only).
   */
  readonly auth?: AuthMode;
  /** The secret the store signs webhook deliveries with. */
  readonly webhookSecret?: string;
  /** Order meta keys holding the customer's VAT number; the common plugins' keys by default. */
  readonly vatNumberMetaKeys?: readonly string[];
  /** Currency decimals (`woocommerce_price_num_decimals`); 2 by default. */
  readonly currencyDecimals?: number;
  /** Store currency and price settings for products; read from the store when absent. */
  readonly currency?: string;
  readonly pricesIncludeTax?: boolean;
  readonly weightUnit?: 'kg' | 'g' | 'lbs' | 'oz';
  /**
   * Retries after a 5xx or a network failure (not after a 4xx); 4 by default. A POST that creates is
   * retried only after a 429 or a refused connection (client/http.ts).
   */
  readonly retries?: number;
  /** First backoff delay in ms, doubled per retry; 500 by default. */
  readonly retryMinTimeoutMs?: number;
  /** Per-request timeout in ms; 30 000 by default. */
  readonly timeoutMs?: number;
  /**
   * Allow a loopback or private store address when NODE_ENV=production (refused by default: SSRF,
   * see client/target-guard.ts). Outside production private addresses are always allowed.
   */
  readonly allowPrivateTargets?: boolean;
}

export const credentialsSchema: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'consumerKey', 'consumerSecret'],
  properties: {
    url: { type: 'string', format: 'uri', description: 'Store home URL, e.g. https://shop.example.se' },
    consumerKey: { type: 'string', pattern: '^ck_', description: 'REST API consumer key (ck_…).' },
    consumerSecret: { type: 'string', 'x-secret': true, description: 'REST API consumer secret (cs_…).' },
    auth: { enum: ['basic', 'query', 'oauth1'] },
    webhookSecret: { type: 'string', 'x-secret': true },
    vatNumberMetaKeys: { type: 'array', items: { type: 'string', minLength: 1 } },
    currencyDecimals: { type: 'integer', minimum: 0, maximum: 4 },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    pricesIncludeTax: { type: 'boolean' },
    weightUnit: { enum: ['kg', 'g', 'lbs', 'oz'] },
    retries: { type: 'integer', minimum: 0, maximum: 10 },
    retryMinTimeoutMs: { type: 'integer', minimum: 0 },
    timeoutMs: { type: 'integer', minimum: 1 },
    allowPrivateTargets: {
      type: 'boolean',
      description:
        'Allow a loopback or private store address in production (NODE_ENV=production refuses them by default).',
    },
  },
};

/** The values that must never reach a log line or an error message. */
export function secretsOf(settings: WooSettings): string[] {
  return [settings.consumerSecret, settings.webhookSecret ?? ''].filter(Boolean);
}
