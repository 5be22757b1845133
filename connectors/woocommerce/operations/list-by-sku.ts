import { MODEL_SCHEMA_IDS, type Product } from '../../../core/model/index.ts';
import { defineOperation, type OperationContext } from '../../../core/plugin-api/index.ts';
import { listAll } from '../client/index.ts';
import { normalizeProduct } from '../normalize/index.ts';
import type { WooSettings } from '../settings.ts';
import { sourceOf, storeInfo } from '../store-info.ts';
import type { WcProduct } from '../wc-types.ts';
import { cachedProducts, rememberProducts, type SkuCache } from './sku-cache.ts';

export interface ListBySkuInput {
  readonly skus: readonly string[];
  /**
   * Answer from the SKU cache where it can (see sku-cache.ts): cached products come without
   * `stockQuantity`, and their other values may be hours old. For a stock sync, whose writes read the
   * current values first; not for comparing names or prices.
   */
  readonly cached?: boolean;
}

export interface ListBySkuOutput {
  /** Products and variations found, canonical. */
  readonly products: readonly Product[];
  /** SKUs the store does not have. */
  readonly missing: readonly string[];
}

// Keeps the query string well under common URL limits (8 KB) with long SKUs.
const SKUS_PER_REQUEST = 50;

/**
 * Finds products **and variations** by exact SKU (`GET /products?sku=A,B`, which searches both). A
 * SKU containing a comma cannot be part of a list and is asked for on its own. With a `cache` (the
 * worker's key-value store) and `cached: true`, SKUs found before are answered from it.
 */
export function listBySkuOperation(cache?: SkuCache) {
  return defineOperation<ListBySkuInput, ListBySkuOutput, WooSettings>({
    description: 'Finds products and variations by a list of exact SKUs, as canonical Products.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['skus'],
      properties: {
        skus: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 1000 },
        cached: {
          type: 'boolean',
          description:
            'Answer SKUs found before from the SKU cache (without stockQuantity); for stock syncs.',
        },
      },
    },
    outputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['products', 'missing'],
      properties: {
        products: { type: 'array', items: { $ref: MODEL_SCHEMA_IDS.product } },
        missing: { type: 'array', items: { type: 'string' } },
      },
    },
    examples: [
      {
        name: 'simple-and-variation',
        input: { skus: ['PUB-TEE', 'PUB-CAP-M', 'NO-SUCH'] },
        output: {
          products: [
            {
              id: '50',
              source: {
                connector: 'woocommerce',
                storeId: 'shop.example.se',
                storeUrl: 'https://shop.example.se',
              },
              type: 'simple',
              sku: 'PUB-TEE',
              name: 'Tröja',
              currency: 'SEK',
              pricesIncludeTax: true,
              price: '199.00',
              regularPrice: '199.00',
              taxable: true,
              taxClass: 'standard',
              weight: '0.4',
              manageStock: true,
              stockQuantity: '50',
              modifiedAt: '2026-11-27T04:06:13Z',
            },
            {
              id: '57',
              source: {
                connector: 'woocommerce',
                storeId: 'shop.example.se',
                storeUrl: 'https://shop.example.se',
              },
              type: 'variation',
              sku: 'PUB-CAP-M',
              name: 'M',
              parentId: '55',
              currency: 'SEK',
              pricesIncludeTax: true,
              price: '149.00',
              regularPrice: '149.00',
              taxable: true,
              taxClass: 'standard',
              weight: '0.1',
              manageStock: true,
              stockQuantity: '0',
              attributes: { storlek: 'M' },
              modifiedAt: '2026-11-27T04:06:15Z',
            },
          ],
          missing: ['NO-SUCH'],
        },
      },
    ],
    idempotent: true,
    readOnly: true,
    async run(ctx, input) {
      const wanted = [...new Set(input.skus)];
      if (wanted.length === 0) return { products: [], missing: [] };
      const useCache = cache !== undefined && input.cached === true;
      const hits = useCache ? await cachedProducts(cache, ctx, wanted) : new Map<string, Product>();
      // a miss (never seen, gone stale, or forgotten after a failed write) is asked for again
      const asked = wanted.filter((sku) => !hits.has(sku));
      const found = await findBySku(ctx, asked);
      if (useCache && found.size > 0) await rememberProducts(cache, ctx, [...found.values()]);
      for (const [sku, product] of hits) found.set(sku, product);
      return {
        products: wanted.flatMap((sku) => found.get(sku) ?? []),
        missing: wanted.filter((sku) => !found.has(sku)),
      };
    },
  });
}

export const listBySku = listBySkuOperation();

async function findBySku(ctx: OperationContext<WooSettings>, wanted: readonly string[]) {
  const found = new Map<string, Product>();
  if (wanted.length === 0) return found;
  const store = { ...(await storeInfo(ctx)), source: sourceOf(ctx.settings) };
  const plain = wanted.filter((sku) => !sku.includes(','));
  const groups: string[] = [];
  for (let i = 0; i < plain.length; i += SKUS_PER_REQUEST)
    groups.push(plain.slice(i, i + SKUS_PER_REQUEST).join(','));
  groups.push(...wanted.filter((sku) => sku.includes(',')));
  for (const sku of groups) {
    for (const raw of await listAll<WcProduct>(ctx, { path: '/products', query: { sku } })) {
      const product = normalizeProduct(raw, store);
      if (product && wanted.includes(product.sku)) found.set(product.sku, product);
    }
  }
  return found;
}
