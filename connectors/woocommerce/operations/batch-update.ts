import { Decimal } from 'decimal.js';
import {
  ConflictError,
  TransientError,
  ValidationError,
  defineOperation,
  type OperationContext,
} from '../../../core/plugin-api/index.ts';
import { listAll, wooRequest } from '../client/index.ts';
import { secretsOf, type WooSettings } from '../settings.ts';
import type { WcErrorBody, WcProduct } from '../wc-types.ts';
import { forgetSkus, type SkuCache } from './sku-cache.ts';

export interface ProductUpdate {
  /** The product's id, or the variation's id together with `parentId`. */
  readonly id: string;
  readonly parentId?: string;
  readonly stockQuantity?: number;
  readonly name?: string;
  /** A decimal string in the store's price setting (incl. or excl. VAT). */
  readonly regularPrice?: string;
  /** A decimal string in the store's weight unit. */
  readonly weight?: string;
  /** A tax class slug; `standard` for the default class. */
  readonly taxClass?: string;
  /**
   * The SKU the id was looked up by (`products.listBySku`, maybe from its cache). When the id is not
   * found any more, or `ifStockManaged` finds stock management off, the SKU's cache entry is dropped.
   */
  readonly sku?: string;
  /** Write the stock quantity only if the shop still manages the product's stock; never switch it on. */
  readonly ifStockManaged?: boolean;
}

export interface BatchUpdateInput {
  readonly updates: readonly ProductUpdate[];
}

export interface BatchUpdateOutput {
  readonly updated: readonly { readonly id: string; readonly parentId?: string }[];
  /** Items that already had every value: nothing was sent for them. */
  readonly unchanged: number;
  /** `POST …/batch` requests made. */
  readonly batchCalls: number;
  /** Ids not written because the shop no longer manages their stock (`ifStockManaged`). */
  readonly notManaged?: readonly string[];
}

export const BATCH_LIMIT = 100;
const FIELDS = 'id,sku,name,regular_price,weight,tax_class,manage_stock,stock_quantity,parent_id';

const sameDecimal = (a: string | undefined, b: string) => {
  try {
    return a !== undefined && a !== '' && new Decimal(a).equals(new Decimal(b));
  } catch {
    return false;
  }
};

/** The WooCommerce fields of an update that differ from the current product; empty when nothing does. */
export function productChanges(current: WcProduct, update: ProductUpdate): Record<string, unknown> {
  const changes: Record<string, unknown> = {};
  if (update.name !== undefined && update.name !== current.name) changes.name = update.name;
  if (update.regularPrice !== undefined && !sameDecimal(current.regular_price, update.regularPrice)) {
    changes.regular_price = update.regularPrice;
  }
  if (update.weight !== undefined && !sameDecimal(current.weight, update.weight))
    changes.weight = update.weight;
  if (update.taxClass !== undefined) {
    const slug = update.taxClass === 'standard' ? '' : update.taxClass;
    if ((current.tax_class ?? '') !== slug) changes.tax_class = slug;
  }
  if (update.stockQuantity !== undefined) {
    // A quantity is only stored while stock is managed, so it is sent together with manage_stock.
    if (current.manage_stock !== true || current.stock_quantity !== update.stockQuantity) {
      changes.manage_stock = true;
      changes.stock_quantity = update.stockQuantity;
    }
  }
  return changes;
}

type ItemResult = WcProduct | { readonly id: number; readonly error: WcErrorBody };

async function currentDocs(ctx: OperationContext<WooSettings>, path: string, ids: readonly string[]) {
  const docs = new Map<string, WcProduct>();
  for (let i = 0; i < ids.length; i += BATCH_LIMIT) {
    const include = ids.slice(i, i + BATCH_LIMIT).join(',');
    for (const doc of await listAll<WcProduct>(ctx, { path, query: { include, _fields: FIELDS } })) {
      docs.set(String(doc.id), doc);
    }
  }
  return docs;
}

/**
 * Updates stock, name, regular price, weight and tax class of products and variations. Reads the
 * current values first and sends only what changed (nothing at all when nothing did), then writes in
 * batches of at most 100 (WooCommerce answers 413 above that): products through `/products/batch`,
 * variations through their parent's `/variations/batch`. WooCommerce reports per-item failures inside
 * a 200; they are collected and thrown together after every batch has been sent.
 */
export function batchUpdateOperation(cache?: SkuCache) {
  return defineOperation<BatchUpdateInput, BatchUpdateOutput, WooSettings>({
    description:
      'Updates stock quantity, name, regular price, weight and tax class of products and variations, only where they differ, in batches of 100.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['updates'],
      properties: {
        updates: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: {
              id: { type: 'string', pattern: '^[1-9][0-9]*$' },
              parentId: { type: 'string', pattern: '^[1-9][0-9]*$' },
              stockQuantity: { type: 'integer' },
              name: { type: 'string', minLength: 1 },
              regularPrice: { type: 'string', pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$' },
              weight: { type: 'string', pattern: '^(0|[1-9][0-9]*)(\\.[0-9]+)?$' },
              taxClass: { type: 'string', minLength: 1 },
              sku: { type: 'string', minLength: 1 },
              ifStockManaged: { type: 'boolean' },
            },
          },
        },
      },
    },
    outputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['updated', 'unchanged', 'batchCalls'],
      properties: {
        updated: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: { id: { type: 'string' }, parentId: { type: 'string' } },
          },
        },
        unchanged: { type: 'integer', minimum: 0 },
        batchCalls: { type: 'integer', minimum: 0 },
        notManaged: { type: 'array', items: { type: 'string' } },
      },
    },
    examples: [
      {
        name: 'stock-from-fortnox',
        description:
          'Stock levels from Fortnox for a simple product and a variation; the variation was already right.',
        input: {
          updates: [
            { id: '50', stockQuantity: 42 },
            { id: '57', parentId: '55', stockQuantity: 0 },
          ],
        },
        output: { updated: [{ id: '50' }], unchanged: 1, batchCalls: 1 },
      },
    ],
    idempotent: true,
    async run(ctx, input) {
      const groups = new Map<string, ProductUpdate[]>();
      for (const update of input.updates) {
        const key = update.parentId ?? '';
        groups.set(key, [...(groups.get(key) ?? []), update]);
      }
      const updated: { id: string; parentId?: string }[] = [];
      const failures: { id: string; parentId?: string; error: WcErrorBody }[] = [];
      let unchanged = 0;
      let batchCalls = 0;
      const notManaged: string[] = [];
      // SKUs whose looked-up id proved wrong: their cache entries go, and the lookup is made again
      const stale: string[] = [];
      const gone: string[] = [];
      for (const [parentId, updates] of groups) {
        const base = parentId ? `/products/${parentId}/variations` : '/products';
        const current = await currentDocs(ctx, base, [...new Set(updates.map((u) => u.id))]);
        const changes: Record<string, unknown>[] = [];
        for (const update of updates) {
          const doc = current.get(update.id);
          // looked up by a SKU the product no longer has (renamed, or the id now holds another): stale
          if (update.sku !== undefined && (!doc || (doc.sku !== undefined && doc.sku !== update.sku))) {
            stale.push(update.sku);
            gone.push(update.sku);
            continue;
          }
          if (
            doc &&
            update.ifStockManaged &&
            update.stockQuantity !== undefined &&
            doc.manage_stock !== true
          ) {
            notManaged.push(update.id);
            if (update.sku !== undefined) stale.push(update.sku);
            continue;
          }
          if (!doc) {
            const code = parentId
              ? 'woocommerce_rest_product_variation_invalid_id'
              : 'woocommerce_rest_product_invalid_id';
            failures.push({
              id: update.id,
              ...(parentId ? { parentId } : {}),
              error: { code, message: 'Invalid ID.', data: { status: 400 } },
            });
            continue;
          }
          const fields = productChanges(doc, update);
          if (Object.keys(fields).length === 0) unchanged += 1;
          else changes.push({ id: Number(update.id), ...fields });
        }
        for (let i = 0; i < changes.length; i += BATCH_LIMIT) {
          const chunk = changes.slice(i, i + BATCH_LIMIT);
          batchCalls += 1;
          const response = await wooRequest<{ update?: ItemResult[] }>(ctx, {
            method: 'POST',
            path: `${base}/batch`,
            query: { _fields: 'id,error' },
            body: { update: chunk },
            // every item sets absolute values: sending the batch again changes nothing more
            idempotent: true,
          });
          for (const item of response.body.update ?? []) {
            const entry = { id: String(item.id), ...(parentId ? { parentId } : {}) };
            if ('error' in item && item.error) failures.push({ ...entry, error: item.error });
            else updated.push(entry);
          }
        }
      }
      if (cache && stale.length > 0) await forgetSkus(cache, ctx, stale);
      if (failures.length > 0) {
        const first = failures[0]!;
        const options = {
          code: first.error.code,
          details: { updated, failures },
          secrets: secretsOf(ctx.settings),
        };
        const message = `WooCommerce rejected ${failures.length} of ${input.updates.length} product updates (first: ${first.id}, ${first.error.code}: ${first.error.message})`;
        throw first.error.code === 'product_invalid_sku'
          ? new ConflictError(message, options)
          : new ValidationError(message, options);
      }
      if (gone.length > 0) {
        // an id that is gone: the product was deleted or replaced since the lookup; the next attempt
        // looks its SKU up again (the cache entry is gone) and writes what this one could not
        throw new TransientError(
          `WooCommerce has no product any more behind ${gone.length} SKU(s) looked up before (first: ${gone[0]}); they are looked up again on the next attempt`,
        );
      }
      return { updated, unchanged, batchCalls, ...(notManaged.length > 0 ? { notManaged } : {}) };
    },
  });
}

export const batchUpdate = batchUpdateOperation();
