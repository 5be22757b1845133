import type { Product } from '../../../core/model/index.ts';
import type { KeyValueStore, OperationContext } from '../../../core/plugin-api/index.ts';
import type { WooSettings } from '../settings.ts';

/**
 * Where `products.listBySku` keeps what it found between runs, per tenant and store: SKU → the
 * product or variation (id, parent id, type, whether the shop manages its stock). A stock sync asks
 * for the same SKUs run after run, and WooCommerce answers at most 50 per request; with the cache a
 * run asks only for SKUs it has not seen. What changes often is not kept: a cached answer has no
 * `stockQuantity` (unknown), and `products.batchUpdate` reads the current values before it writes.
 *
 * An entry goes when it is found wrong — `products.batchUpdate` no longer finds its id, or the shop
 * stopped managing its stock (a miss) — when the products stream reads the product again, and after
 * `SKU_CACHE_MAX_AGE_MS` at the latest (a SKU moved to another product, stock management switched
 * on: changes no write would reveal).
 */
export interface SkuCache {
  readonly store: KeyValueStore;
  /** Default `SKU_CACHE_MAX_AGE_MS`. */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

export const SKU_CACHE_MAX_AGE_MS = 6 * 3600_000;

/** A cached product: everything but its stock quantity, and when it was looked up. */
interface SkuEntry {
  readonly product: Omit<Product, 'stockQuantity' | 'variations'>;
  readonly at: number;
}

export function skuCacheKey(ctx: Pick<OperationContext<WooSettings>, 'tenantId' | 'settings'>, sku: string) {
  // the store URL too: a tenant that moves to another shop must not get the old shop's ids
  return `sku:${ctx.tenantId}:${ctx.settings.url.replace(/\/+$/, '')}:${sku}`;
}

/** The cached products of `skus` that are fresh enough, by SKU. */
export async function cachedProducts(
  cache: SkuCache,
  ctx: Pick<OperationContext<WooSettings>, 'tenantId' | 'settings'>,
  skus: readonly string[],
): Promise<Map<string, Product>> {
  const found = await cache.store.getMany(skus.map((sku) => skuCacheKey(ctx, sku)));
  const oldest = (cache.now ?? Date.now)() - (cache.maxAgeMs ?? SKU_CACHE_MAX_AGE_MS);
  const products = new Map<string, Product>();
  for (const sku of skus) {
    const entry = found.get(skuCacheKey(ctx, sku)) as SkuEntry | undefined;
    if (entry && entry.at >= oldest && entry.product.sku === sku) products.set(sku, entry.product);
  }
  return products;
}

export async function rememberProducts(
  cache: SkuCache,
  ctx: Pick<OperationContext<WooSettings>, 'tenantId' | 'settings'>,
  products: readonly Product[],
): Promise<void> {
  const at = (cache.now ?? Date.now)();
  await cache.store.setMany(
    products.map((product) => {
      const { stockQuantity: _quantity, variations: _variations, ...kept } = product;
      return [skuCacheKey(ctx, product.sku), { product: kept, at } satisfies SkuEntry] as const;
    }),
  );
}

export async function forgetSkus(
  cache: SkuCache,
  ctx: Pick<OperationContext<WooSettings>, 'tenantId' | 'settings'>,
  skus: readonly string[],
): Promise<void> {
  if (skus.length > 0) await cache.store.deleteMany(skus.map((sku) => skuCacheKey(ctx, sku)));
}
