import { MODEL_SCHEMA_IDS, type SalesOrder } from '../../../core/model/index.ts';
import {
  defineStream,
  type RejectedRecord,
  type StreamContext,
  type StreamPage,
  type StreamReadParams,
} from '../../../core/plugin-api/index.ts';
import { normalizeCheckedOrder } from '../normalize/index.ts';
import type { WooSettings } from '../settings.ts';
import { sourceOf } from '../store-info.ts';
import type { WcOrder } from '../wc-types.ts';
import { keysetRead, parseWatermark, type Watermark } from './keyset.ts';
import { rejectedRecord } from './rejected.ts';

/** Only what the normalizer reads (`_fields`): no `_links`, no payment URLs. */
export const ORDER_FIELDS = [
  'id',
  'parent_id',
  'number',
  'status',
  'currency',
  'prices_include_tax',
  'date_created_gmt',
  'date_modified_gmt',
  'date_paid_gmt',
  'date_completed_gmt',
  'discount_total',
  'discount_tax',
  'shipping_total',
  'shipping_tax',
  'cart_tax',
  'total',
  'total_tax',
  'customer_id',
  'billing',
  'shipping',
  'payment_method',
  'payment_method_title',
  'transaction_id',
  'customer_note',
  'meta_data',
  'line_items',
  'tax_lines',
  'shipping_lines',
  'fee_lines',
  'coupon_lines',
  'refunds',
] as const;

function parseCursor(text: string | undefined): Watermark | undefined {
  if (!text) return undefined;
  try {
    return parseWatermark(JSON.parse(text)) ?? parseWatermark(text);
  } catch {
    // An older, plain-timestamp cursor.
    return parseWatermark(text);
  }
}

/**
 * Orders changed since the cursor, oldest change first, read keyset style (see `keysetRead`).
 * `checkout-draft` orders (unfinished checkouts) are skipped. The cursor is the watermark as JSON:
 * `{"modifiedAt": <UTC>, "ids": [ids seen at that second]}`.
 */
export async function* readOrders(
  ctx: StreamContext<WooSettings>,
  params: StreamReadParams,
): AsyncGenerator<StreamPage<SalesOrder>> {
  const start = parseCursor(params.cursor) ?? parseWatermark(params.since);
  const options = readOptions(ctx.settings);
  const steps = keysetRead<WcOrder>(
    ctx,
    {
      path: '/orders',
      query: { _fields: ORDER_FIELDS.join(',') },
      ...(params.pageSize ? { pageSize: params.pageSize } : {}),
    },
    start,
  );
  for await (const { fresh, watermark, done } of steps) {
    const records: SalesOrder[] = [];
    const rejected: RejectedRecord[] = [];
    for (const order of fresh) {
      if (order.status === 'checkout-draft') continue;
      try {
        records.push(normalizeCheckedOrder(order, options));
      } catch (error) {
        // one order that cannot be read (its lines do not add up) is the runtime's dead letter,
        // not a wall that stops every later order
        rejected.push(rejectedRecord(`order:${order.id}`, order, error));
      }
    }
    if (records.length > 0 || rejected.length > 0 || done) {
      yield {
        records,
        ...(rejected.length > 0 ? { rejected } : {}),
        cursor: watermark ? JSON.stringify(watermark) : '',
      };
    }
  }
}

function readOptions(settings: Partial<WooSettings>) {
  return {
    // explain has no connection: the record then names an example store
    source: sourceOf({ url: settings.url ?? 'https://shop.example' } as WooSettings),
    decimals: settings.currencyDecimals ?? 2,
    ...(settings.vatNumberMetaKeys ? { metaKeys: { vatNumber: settings.vatNumberMetaKeys } } : {}),
  };
}

/** A WooCommerce order as the REST API (wc/v3) returns it: what `fromNative` recognises. */
function isWcOrder(value: unknown): value is WcOrder {
  if (typeof value !== 'object' || value === null) return false;
  const order = value as Record<string, unknown>;
  return 'line_items' in order && 'id' in order && !('lines' in order);
}

export const ordersStream = defineStream<SalesOrder, WooSettings>({
  description:
    'Orders changed since the cursor (modified_after, UTC), oldest change first, as canonical SalesOrders whose lines add up to the order total.',
  recordSchema: { $ref: MODEL_SCHEMA_IDS.salesOrder },
  cursorField: 'modifiedAt',
  read: readOrders,
  fromNative: (native, settings = {}) =>
    isWcOrder(native) ? normalizeCheckedOrder(native, readOptions(settings)) : undefined,
});
