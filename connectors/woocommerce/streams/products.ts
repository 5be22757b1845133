import { MODEL_SCHEMA_IDS, type Product } from '../../../core/model/index.ts';
import {
  defineStream,
  type RejectedRecord,
  type StreamContext,
  type StreamPage,
  type StreamReadParams,
} from '../../../core/plugin-api/index.ts';
import { MAX_PER_PAGE, listAll } from '../client/index.ts';
import { normalizeProduct, type ProductStore } from '../normalize/index.ts';
import { rememberProducts, type SkuCache } from '../operations/sku-cache.ts';
import type { WooSettings } from '../settings.ts';
import { sourceOf, storeInfo } from '../store-info.ts';
import type { WcProduct } from '../wc-types.ts';
import { advance, isAfter, keysetRead, modifiedAfter, parseWatermark, type Watermark } from './keyset.ts';
import { rejectedRecord } from './rejected.ts';

/** Only what `normalizeProduct` reads (`_fields`). */
export const PRODUCT_FIELDS = [
  'id',
  'name',
  'type',
  'status',
  'sku',
  'parent_id',
  'price',
  'regular_price',
  'sale_price',
  'tax_status',
  'tax_class',
  'virtual',
  'downloadable',
  'manage_stock',
  'stock_quantity',
  'stock_status',
  'weight',
  'attributes',
  'date_modified_gmt',
  'meta_data',
] as const;

/**
 * Products and variations are two collections in WooCommerce (`/products` does not list
 * variations), so the cursor keeps a watermark for each.
 */
interface ProductsCursor {
  readonly products?: Watermark;
  readonly variations?: Watermark;
}

function parseCursor(text: string | undefined, since: string | undefined): ProductsCursor {
  const both = (value: string | undefined): ProductsCursor => {
    const watermark = parseWatermark(value);
    return watermark ? { products: watermark, variations: watermark } : {};
  };
  if (!text) return both(since);
  try {
    const value = JSON.parse(text) as { products?: unknown; variations?: unknown };
    if (typeof value === 'object' && value !== null && ('products' in value || 'variations' in value)) {
      const products = parseWatermark(value.products);
      const variations = parseWatermark(value.variations);
      return { ...(products ? { products } : {}), ...(variations ? { variations } : {}) };
    }
  } catch {
    // a plain timestamp
  }
  return both(text);
}

const cursorText = (cursor: ProductsCursor) => JSON.stringify(cursor);

function normalizeAll(docs: readonly WcProduct[], store: ProductStore) {
  const records: Product[] = [];
  const rejected: RejectedRecord[] = [];
  for (const doc of docs) {
    try {
      // A product without a SKU cannot be matched with anything: left out, not an error.
      const product = normalizeProduct(doc, store);
      if (product) records.push(product);
    } catch (error) {
      rejected.push(
        rejectedRecord(`${doc.type === 'variation' ? 'variation' : 'product'}:${doc.id}`, doc, error),
      );
    }
  }
  return { records, rejected };
}

const byChange = (a: WcProduct, b: WcProduct) => {
  const left = a.date_modified_gmt ?? '';
  const right = b.date_modified_gmt ?? '';
  return left < right ? -1 : left > right ? 1 : a.id - b.id;
};

/**
 * Products and variations changed since the cursor, as canonical `Product`s (prices as decimal
 * strings in the store's currency, weight in kg). First the products (`/products`, keyset by
 * modification time, simple and variable parents alike), then the variations: WooCommerce has no
 * list of all variations, so it lists the variable products (`type=variable`, ids only) and asks
 * each for its variations changed since the variations' watermark. A run therefore costs
 * ⌈changed products / 100⌉ + ⌈variable products / 100⌉ + one request per variable product.
 */
export async function* readProducts(
  ctx: StreamContext<WooSettings>,
  params: StreamReadParams,
): AsyncGenerator<StreamPage<Product>> {
  const start = parseCursor(params.cursor, params.since);
  const store: ProductStore = { ...(await storeInfo(ctx)), source: sourceOf(ctx.settings) };
  const pageSize = Math.min(params.pageSize ?? MAX_PER_PAGE, MAX_PER_PAGE);
  const fields = PRODUCT_FIELDS.join(',');

  let products = start.products;
  const steps = keysetRead<WcProduct>(
    ctx,
    { path: '/products', query: { _fields: fields }, pageSize },
    products,
  );
  for await (const step of steps) {
    products = step.watermark;
    const { records, rejected } = normalizeAll(step.fresh, store);
    if (records.length > 0 || rejected.length > 0) {
      yield {
        records,
        ...(rejected.length > 0 ? { rejected } : {}),
        cursor: cursorText({
          ...(products ? { products } : {}),
          ...(start.variations ? { variations: start.variations } : {}),
        }),
      };
    }
  }

  let variations = start.variations;
  const after = modifiedAfter(variations);
  const parents = await listAll<{ id: number }>(ctx, {
    path: '/products',
    query: { type: 'variable', _fields: 'id' },
  });
  const changed: WcProduct[] = [];
  for (const parent of parents) {
    const docs = await listAll<WcProduct>(ctx, {
      path: `/products/${parent.id}/variations`,
      query: {
        orderby: 'modified',
        order: 'asc',
        _fields: fields,
        ...(after ? { modified_after: after, dates_are_gmt: true } : {}),
      },
    });
    // `/products?sku=` says `type: variation`; older stores leave `type` out of this list.
    changed.push(
      ...docs.filter((doc) => isAfter(doc, variations)).map((doc) => ({ ...doc, type: 'variation' })),
    );
  }
  changed.sort(byChange);
  for (let i = 0; i < changed.length || i === 0; i += pageSize) {
    const chunk = changed.slice(i, i + pageSize);
    variations = advance(variations, chunk);
    const { records, rejected } = normalizeAll(chunk, store);
    yield {
      records,
      ...(rejected.length > 0 ? { rejected } : {}),
      cursor: cursorText({
        ...(products ? { products } : {}),
        ...(variations ? { variations } : {}),
      }),
    };
  }
}

/**
 * The stream, keeping the SKU cache of `products.listBySku` (when the worker lends one) in step with
 * what it reads: a product read again replaces its cached entry (stock management switched, a
 * variation moved), so a stock sync that reads this stream too never writes by an outdated id.
 */
export function productsStreamWith(cache?: SkuCache) {
  if (!cache) return productsStream;
  return defineStream<Product, WooSettings>({
    ...productsStream,
    async *read(ctx, params) {
      for await (const page of readProducts(ctx, params)) {
        const products = page.records.flatMap((p) => [p, ...(p.variations ?? [])]).filter((p) => p.sku);
        if (products.length > 0) await rememberProducts(cache, ctx, products);
        yield page;
      }
    },
  });
}

export const productsStream = defineStream<Product, WooSettings>({
  description:
    'Products and variations changed since the cursor (modified_after, UTC), as canonical Products; products without a SKU are left out.',
  recordSchema: { $ref: MODEL_SCHEMA_IDS.product },
  cursorField: 'modifiedAt',
  read: readProducts,
});
