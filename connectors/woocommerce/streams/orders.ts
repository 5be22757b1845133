import { MODEL_SCHEMA_IDS, type SalesOrder } from '../../../core/model/index.ts';
import {
  defineStream,
  toConnectorError,
  type RejectedRecord,
  type StreamContext,
  type StreamPage,
  type StreamReadParams,
} from '../../../core/plugin-api/index.ts';
import { MAX_PER_PAGE, wooRequest } from '../client/index.ts';
import { isoToGmtParam, normalizeCheckedOrder } from '../normalize/index.ts';
import type { WooSettings } from '../settings.ts';
import { sourceOf } from '../store-info.ts';
import type { WcOrder } from '../wc-types.ts';

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

/**
 * Where the stream stopped: the last `date_modified_gmt` emitted and the ids emitted at exactly that
 * second (WooCommerce dates have one-second resolution, so the next read starts one second earlier
 * and skips those).
 */
interface Cursor {
  readonly modifiedAt: string;
  readonly ids: readonly string[];
}

function parseCursor(text: string | undefined): Cursor | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<Cursor>;
    if (typeof value.modifiedAt === 'string' && Array.isArray(value.ids)) {
      return { modifiedAt: value.modifiedAt, ids: value.ids.map(String) };
    }
  } catch {
    // An older, plain-timestamp cursor.
  }
  return { modifiedAt: text, ids: [] };
}

const isAfter = (order: SalesOrder, cursor: Cursor | undefined) =>
  !cursor ||
  Date.parse(order.modifiedAt) > Date.parse(cursor.modifiedAt) ||
  (Date.parse(order.modifiedAt) === Date.parse(cursor.modifiedAt) && !cursor.ids.includes(order.id));

/** `isAfter` for an order that could not be normalized: by its raw GMT modification time. */
const isAfterRaw = (order: WcOrder, cursor: Cursor | undefined) => {
  if (!cursor) return true;
  const modified = Date.parse(`${order.date_modified_gmt ?? ''}Z`);
  const since = Date.parse(cursor.modifiedAt);
  return (
    Number.isNaN(modified) ||
    modified > since ||
    (modified === since && !cursor.ids.includes(String(order.id)))
  );
};

/**
 * Orders changed since the cursor, oldest change first. Keyset paging: every request asks for
 * `modified_after` = the last change seen (minus a second), `orderby=modified&order=asc`, page 1, so
 * an order modified while we page moves to the end instead of shifting a page boundary and being
 * skipped. Only when more than a page of orders share one second does it step through pages by
 * `X-WP-TotalPages`. `checkout-draft` orders (unfinished checkouts) are skipped.
 */
export async function* readOrders(
  ctx: StreamContext<WooSettings>,
  params: StreamReadParams,
): AsyncGenerator<StreamPage<SalesOrder>> {
  const source = sourceOf(ctx.settings);
  let cursor =
    parseCursor(params.cursor) ?? (params.since ? { modifiedAt: params.since, ids: [] } : undefined);
  const perPage = Math.min(params.pageSize ?? MAX_PER_PAGE, MAX_PER_PAGE);
  let page = 1;
  let windowStart: string | undefined;
  for (;;) {
    const after = cursor
      ? isoToGmtParam(new Date(Date.parse(cursor.modifiedAt) - 1000).toISOString())
      : undefined;
    if (after !== windowStart) page = 1;
    windowStart = after;
    const response = await wooRequest<WcOrder[]>(ctx, {
      path: '/orders',
      query: {
        orderby: 'modified',
        order: 'asc',
        per_page: perPage,
        page,
        _fields: ORDER_FIELDS.join(','),
        ...(after ? { modified_after: after, dates_are_gmt: true } : {}),
      },
    });
    const raw = Array.isArray(response.body) ? response.body : [];
    const totalPages = Number(response.headers.get('x-wp-totalpages') ?? '1');
    const rejected: RejectedRecord[] = [];
    const fresh = raw
      .filter((order) => order.status !== 'checkout-draft')
      .flatMap((order) => {
        try {
          return [
            normalizeCheckedOrder(order, {
              source,
              decimals: ctx.settings.currencyDecimals ?? 2,
              ...(ctx.settings.vatNumberMetaKeys
                ? { metaKeys: { vatNumber: ctx.settings.vatNumberMetaKeys } }
                : {}),
            }),
          ];
        } catch (error) {
          // one order that cannot be read (its lines do not add up) is the runtime's dead letter,
          // not a wall that stops every later order
          if (!isAfterRaw(order, cursor)) return [];
          const e = toConnectorError(error);
          rejected.push({
            key: `order:${order.id}`,
            raw: order,
            error: {
              message: e.message,
              kind: e.kind,
              ...(e.code ? { code: e.code } : {}),
              ...(e.field ? { field: e.field } : {}),
            },
          });
          return [];
        }
      })
      .filter((order) => isAfter(order, cursor));
    const lastRaw = raw.at(-1);
    if (lastRaw?.date_modified_gmt) {
      const lastModified = `${lastRaw.date_modified_gmt}Z`;
      const sameSecond = (o: { id: number | string; date_modified_gmt?: string | null }) =>
        `${o.date_modified_gmt}Z` === lastModified;
      const previous = cursor && Date.parse(cursor.modifiedAt) === Date.parse(lastModified) ? cursor.ids : [];
      cursor = {
        modifiedAt: new Date(Date.parse(lastModified)).toISOString().replace('.000Z', 'Z'),
        ids: [...new Set([...previous, ...raw.filter(sameSecond).map((o) => String(o.id))])],
      };
    }
    const done = raw.length < perPage || totalPages <= page;
    if (fresh.length > 0 || rejected.length > 0 || done)
      yield {
        records: fresh,
        ...(rejected.length > 0 ? { rejected } : {}),
        cursor: cursor ? JSON.stringify(cursor) : '',
      };
    if (done) return;
    // A whole page in one second gave nothing new: step to the next page of the same window.
    if (fresh.length === 0 && rejected.length === 0) page += 1;
  }
}

export const ordersStream = defineStream<SalesOrder, WooSettings>({
  description:
    'Orders changed since the cursor (modified_after, UTC), oldest change first, as canonical SalesOrders whose lines add up to the order total.',
  recordSchema: { $ref: MODEL_SCHEMA_IDS.salesOrder },
  cursorField: 'modifiedAt',
  read: readOrders,
});
