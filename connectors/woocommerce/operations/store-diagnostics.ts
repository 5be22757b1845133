import {
  defineOperation,
  isConnectorError,
  type ConnectorContext,
  type JsonSchemaObject,
} from '../../../core/plugin-api/index.ts';
import { listAll, wooRequest } from '../client/index.ts';
import type { WooSettings } from '../settings.ts';

/**
 * The store's side of `koppla doctor`: facts only (what the store says), the runtime judges them.
 * Reads, never writes; for the keys' write permission see `keys.probeWrite`.
 */
export interface StoreDiagnostics {
  /**
   * `pretty`: `/wp-json/` answers (the REST API's pretty URLs work). `plain`: only `?rest_route=`
   * answers, so every `/wp-json/wc/v3/…` request is a 404. `unknown`: neither answered.
   */
  readonly permalinks: 'pretty' | 'plain' | 'unknown';
  /** `invalid`: the keys were refused; `write`: a write-only key, which cannot read. */
  readonly keys: 'readable' | 'invalid' | 'write';
  readonly settings?: {
    readonly calcTaxes: boolean | null;
    readonly pricesIncludeTax: boolean | null;
    readonly weightUnit: string | null;
    readonly currency: string | null;
  };
  readonly webhooks?: readonly {
    readonly id: number;
    readonly topic: string;
    readonly status: string;
    readonly deliveryUrl: string;
  }[];
  readonly products?: {
    /** Products and variations read (trashed ones left out). */
    readonly count: number;
    readonly withoutSku: readonly { readonly id: number; readonly name: string; readonly type: string }[];
    readonly duplicateSkus: readonly { readonly sku: string; readonly ids: readonly number[] }[];
  };
  /** What the latest orders use (up to `recentOrders` of them). */
  readonly recentOrders?: {
    readonly count: number;
    readonly currencies: readonly string[];
    readonly shippingMethods: readonly string[];
    readonly paymentMethods: readonly string[];
  };
}

export interface StoreDiagnosticsInput {
  /** How many of the latest orders to read for currencies and methods; default 100. */
  readonly recentOrders?: number;
}

interface WcListedProduct {
  id: number;
  name?: string;
  sku?: string;
  type?: string;
  status?: string;
  variations?: number[];
}

const stringArray: JsonSchemaObject = { type: 'array', items: { type: 'string' } };

async function permalinks(
  settings: WooSettings,
  signal: AbortSignal,
): Promise<StoreDiagnostics['permalinks']> {
  const base = settings.url.replace(/\/+$/, '');
  const answers = async (url: string) => {
    try {
      const response = await fetch(url, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(settings.timeoutMs ?? 30_000)]),
        headers: { accept: 'application/json' },
      });
      if (!response.ok) return false;
      const body = (await response.json()) as { namespaces?: unknown };
      return Array.isArray(body.namespaces);
    } catch {
      return false;
    }
  };
  if (await answers(`${base}/wp-json/`)) return 'pretty';
  if (await answers(`${base}/?rest_route=/`)) return 'plain';
  return 'unknown';
}

async function option(ctx: ConnectorContext<WooSettings>, group: string, id: string): Promise<string | null> {
  try {
    const response = await wooRequest<{ value?: unknown }>(ctx, { path: `/settings/${group}/${id}` });
    const value = response.body?.value;
    return value === undefined || value === null ? null : String(value);
  } catch (error) {
    if (isConnectorError(error) && error.kind === 'not_found') return null;
    throw error;
  }
}

async function products(ctx: ConnectorContext<WooSettings>): Promise<StoreDiagnostics['products']> {
  const parents = await listAll<WcListedProduct>(ctx, {
    path: '/products',
    query: { status: 'any', _fields: 'id,name,sku,type,status,variations' },
  });
  const all: WcListedProduct[] = [];
  for (const product of parents) {
    if (product.status === 'trash') continue;
    all.push(product);
    if (product.type === 'variable' && (product.variations ?? []).length > 0) {
      const variations = await listAll<WcListedProduct>(ctx, {
        path: `/products/${product.id}/variations`,
        query: { _fields: 'id,name,sku,status' },
      });
      all.push(...variations.map((v) => ({ ...v, type: 'variation', name: v.name ?? product.name ?? '' })));
    }
  }
  const bySku = new Map<string, number[]>();
  const withoutSku: { id: number; name: string; type: string }[] = [];
  for (const product of all) {
    const sku = (product.sku ?? '').trim();
    // a variable product's own SKU is optional: its variations are what is sold
    if (sku === '') {
      if (product.type !== 'variable')
        withoutSku.push({ id: product.id, name: product.name ?? '', type: product.type ?? 'simple' });
      continue;
    }
    bySku.set(sku, [...(bySku.get(sku) ?? []), product.id]);
  }
  return {
    count: all.length,
    withoutSku,
    duplicateSkus: [...bySku]
      .filter(([, ids]) => ids.length > 1)
      .map(([sku, ids]) => ({ sku, ids: ids.sort((a, b) => a - b) }))
      .sort((a, b) => a.sku.localeCompare(b.sku)),
  };
}

/** Reads what `koppla doctor` checks on the store: permalinks, keys, tax and unit settings, webhooks, SKUs. */
export const storeDiagnostics = defineOperation<StoreDiagnosticsInput, StoreDiagnostics, WooSettings>({
  description:
    "Reads the store's prerequisites for an integration: pretty permalinks, whether the keys can read, tax, price and weight settings, the webhooks, products without or with duplicate SKUs, and the currencies, shipping and payment methods of the latest orders. Facts only; writes nothing.",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: { recentOrders: { type: 'integer', minimum: 0, maximum: 100 } },
  },
  outputSchema: {
    type: 'object',
    required: ['permalinks', 'keys'],
    properties: {
      permalinks: { enum: ['pretty', 'plain', 'unknown'] },
      keys: { enum: ['readable', 'invalid', 'write'] },
      settings: { type: 'object' },
      webhooks: { type: 'array', items: { type: 'object' } },
      products: { type: 'object' },
      recentOrders: {
        type: 'object',
        properties: { currencies: stringArray, shippingMethods: stringArray, paymentMethods: stringArray },
      },
    },
  },
  idempotent: true,
  readOnly: true,
  examples: [
    {
      name: 'a store set up for Koppla',
      input: { recentOrders: 10 },
      output: {
        permalinks: 'pretty',
        keys: 'readable',
        settings: { calcTaxes: true, pricesIncludeTax: true, weightUnit: 'kg', currency: 'SEK' },
        webhooks: [
          {
            id: 12,
            topic: 'order.updated',
            status: 'active',
            deliveryUrl: 'https://koppla.example/webhooks/x',
          },
        ],
        products: { count: 2, withoutSku: [], duplicateSkus: [] },
        recentOrders: {
          count: 1,
          currencies: ['SEK'],
          shippingMethods: ['flat_rate'],
          paymentMethods: ['swish'],
        },
      },
    },
  ],
  async run(ctx, input) {
    const found = await permalinks(ctx.settings, ctx.signal);
    // with plain permalinks every /wp-json/wc/v3 request is a 404: nothing more can be read
    if (found === 'plain') return { permalinks: found, keys: 'invalid' };
    try {
      await wooRequest(ctx, { path: '/orders', query: { per_page: 1, _fields: 'id' } });
    } catch (error) {
      if (!isConnectorError(error) || error.kind !== 'auth') throw error;
      return { permalinks: found, keys: /read permission/i.test(error.message) ? 'write' : 'invalid' };
    }
    const general = await wooRequest<{ id: string; value?: unknown }[]>(ctx, { path: '/settings/general' });
    const generalValue = (id: string) => {
      const value = (general.body ?? []).find((o) => o.id === id)?.value;
      return value === undefined || value === null ? null : String(value);
    };
    const [includeTax, weightUnit] = await Promise.all([
      option(ctx, 'tax', 'woocommerce_prices_include_tax'),
      option(ctx, 'products', 'woocommerce_weight_unit'),
    ]);
    const calcTaxes = generalValue('woocommerce_calc_taxes');
    const webhooks = await listAll<{ id: number; topic: string; status: string; delivery_url: string }>(ctx, {
      path: '/webhooks',
    });
    const orders = await wooRequest<
      {
        currency?: string;
        payment_method?: string;
        shipping_lines?: { method_id?: string }[];
      }[]
    >(ctx, {
      path: '/orders',
      query: {
        per_page: input.recentOrders ?? 100,
        orderby: 'date',
        order: 'desc',
        _fields: 'id,currency,payment_method,shipping_lines',
      },
    });
    const recent = Array.isArray(orders.body) ? orders.body : [];
    const distinct = (values: (string | undefined)[]) =>
      [...new Set(values.filter((v): v is string => typeof v === 'string' && v !== ''))].sort();
    return {
      permalinks: found,
      keys: 'readable',
      settings: {
        calcTaxes: calcTaxes === null ? null : calcTaxes === 'yes',
        pricesIncludeTax: includeTax === null ? null : includeTax === 'yes',
        weightUnit,
        currency: generalValue('woocommerce_currency'),
      },
      webhooks: webhooks.map((w) => ({
        id: w.id,
        topic: w.topic,
        status: w.status,
        deliveryUrl: w.delivery_url,
      })),
      products: await products(ctx),
      recentOrders: {
        count: recent.length,
        currencies: distinct(recent.map((o) => o.currency?.toUpperCase())),
        shippingMethods: distinct(recent.flatMap((o) => (o.shipping_lines ?? []).map((l) => l.method_id))),
        paymentMethods: distinct(recent.map((o) => o.payment_method)),
      },
    };
  },
});

/**
 * Whether the keys may write (`read_write`), without changing anything: WooCommerce checks a key's
 * permission for the HTTP method before it looks at the request, so an update of order 0 (which
 * cannot exist) answers 401 "no write permissions" for a read-only key and 400/404 otherwise.
 */
export const probeWrite = defineOperation<Record<string, never>, { canWrite: boolean }, WooSettings>({
  description:
    'Whether the keys have write permission: sends an update of order 0, which does not exist, so nothing changes; a read-only key is refused before the order is looked up.',
  inputSchema: { type: 'object', additionalProperties: false, properties: {} },
  outputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['canWrite'],
    properties: { canWrite: { type: 'boolean' } },
  },
  idempotent: true,
  examples: [{ name: 'read_write keys', input: {}, output: { canWrite: true } }],
  async run(ctx) {
    try {
      await wooRequest(ctx, { method: 'PUT', path: '/orders/0', body: {} });
      return { canWrite: true };
    } catch (error) {
      if (isConnectorError(error) && error.kind === 'auth') return { canWrite: false };
      if (isConnectorError(error) && (error.status === 400 || error.status === 404))
        return { canWrite: true };
      throw error;
    }
  },
});

export interface OrdersCountInput {
  /** Created at or after (ISO 8601, UTC). */
  readonly after?: string;
  /** Created before (ISO 8601, UTC). */
  readonly before?: string;
}

/** How many orders (any status) were created in a window: `X-WP-Total` of a one-order page. */
export const ordersCount = defineOperation<OrdersCountInput, { total: number }, WooSettings>({
  description:
    'Counts the orders of any status created in a window (after ≤ created < before, UTC), for progress bars: X-WP-Total of a one-item page.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      after: { type: 'string', format: 'date-time' },
      before: { type: 'string', format: 'date-time' },
    },
  },
  outputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['total'],
    properties: { total: { type: 'integer', minimum: 0 } },
  },
  idempotent: true,
  readOnly: true,
  examples: [{ name: 'orders of 2026', input: { after: '2026-01-01T00:00:00Z' }, output: { total: 1000 } }],
  async run(ctx, input) {
    const gmt = (iso: string) => new Date(iso).toISOString().slice(0, 19);
    const response = await wooRequest<unknown[]>(ctx, {
      path: '/orders',
      query: {
        per_page: 1,
        _fields: 'id',
        ...(input.after ? { after: gmt(input.after) } : {}),
        ...(input.before ? { before: gmt(input.before) } : {}),
        ...(input.after || input.before ? { dates_are_gmt: true } : {}),
      },
    });
    return { total: Number(response.headers.get('x-wp-total') ?? '0') || 0 };
  },
});
