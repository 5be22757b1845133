import type { StreamContext } from '../../../core/plugin-api/index.ts';
import { MAX_PER_PAGE, wooRequest, type QueryValue } from '../client/index.ts';
import { isoToGmtParam } from '../normalize/index.ts';
import type { WooSettings } from '../settings.ts';

/**
 * How far a stream has read one collection: the last `date_modified_gmt` seen and the ids seen at
 * exactly that second. WooCommerce dates have one-second resolution, so the next read starts one
 * second earlier and skips those ids.
 */
export interface Watermark {
  readonly modifiedAt: string;
  readonly ids: readonly string[];
}

/** Anything WooCommerce lists with a modification time: orders, products, variations. */
export interface Modified {
  readonly id: number;
  readonly date_modified_gmt?: string | null;
}

const gmtMillis = (value: string | null | undefined) => Date.parse(`${value ?? ''}Z`);

/** A cursor value as a watermark: our JSON form, or a plain timestamp (older cursors, `since`). */
export function parseWatermark(value: unknown): Watermark | undefined {
  if (typeof value === 'string' && value !== '') return { modifiedAt: value, ids: [] };
  if (typeof value !== 'object' || value === null) return undefined;
  const { modifiedAt, ids } = value as Partial<Watermark>;
  if (typeof modifiedAt !== 'string' || !Array.isArray(ids)) return undefined;
  return { modifiedAt, ids: ids.map(String) };
}

/** True when a document changed after the watermark (or has no modification time to judge by). */
export function isAfter(doc: Modified, watermark: Watermark | undefined): boolean {
  if (!watermark) return true;
  const modified = gmtMillis(doc.date_modified_gmt);
  const since = Date.parse(watermark.modifiedAt);
  return (
    Number.isNaN(modified) ||
    modified > since ||
    (modified === since && !watermark.ids.includes(String(doc.id)))
  );
}

/**
 * The watermark after `docs` (sorted oldest change first) were seen: the last one's second, with
 * every id seen at that second, including those remembered from before.
 */
export function advance(watermark: Watermark | undefined, docs: readonly Modified[]): Watermark | undefined {
  const last = docs.at(-1);
  if (!last?.date_modified_gmt) return watermark;
  const at = gmtMillis(last.date_modified_gmt);
  if (Number.isNaN(at)) return watermark;
  const sameSecond = docs
    .filter((doc) => gmtMillis(doc.date_modified_gmt) === at)
    .map((doc) => String(doc.id));
  const previous = watermark && Date.parse(watermark.modifiedAt) === at ? watermark.ids : [];
  return {
    modifiedAt: new Date(at).toISOString().replace('.000Z', 'Z'),
    ids: [...new Set([...previous, ...sameSecond])],
  };
}

/** `modified_after` for a watermark: one second earlier, in UTC without offset (`dates_are_gmt=true`). */
export function modifiedAfter(watermark: Watermark | undefined): string | undefined {
  return watermark
    ? isoToGmtParam(new Date(Date.parse(watermark.modifiedAt) - 1000).toISOString())
    : undefined;
}

export interface KeysetStep<T> {
  /** Documents of this request changed after the watermark the stream started the request with. */
  readonly fresh: readonly T[];
  /** Where the collection has been read to, including this request. */
  readonly watermark: Watermark | undefined;
  /** The collection has nothing more after this request. */
  readonly done: boolean;
}

/**
 * Reads a collection oldest change first, keyset style: every request asks for `modified_after` =
 * the last change seen (minus a second), `orderby=modified&order=asc`, page 1, so a document
 * modified while we read moves to the end instead of shifting a page boundary and being skipped.
 * Only when a whole page shares one second does it step through pages (`X-WP-TotalPages`).
 */
export async function* keysetRead<T extends Modified>(
  ctx: StreamContext<WooSettings>,
  request: {
    readonly path: string;
    readonly query: Readonly<Record<string, QueryValue>>;
    readonly pageSize?: number;
  },
  start: Watermark | undefined,
): AsyncGenerator<KeysetStep<T>> {
  const perPage = Math.min(request.pageSize ?? MAX_PER_PAGE, MAX_PER_PAGE);
  let watermark = start;
  let page = 1;
  let windowStart: string | undefined;
  for (;;) {
    const after = modifiedAfter(watermark);
    if (after !== windowStart) page = 1;
    windowStart = after;
    const response = await wooRequest<T[]>(ctx, {
      path: request.path,
      query: {
        ...request.query,
        orderby: 'modified',
        order: 'asc',
        per_page: perPage,
        page,
        ...(after ? { modified_after: after, dates_are_gmt: true } : {}),
      },
    });
    const raw = Array.isArray(response.body) ? response.body : [];
    const totalPages = Number(response.headers.get('x-wp-totalpages') ?? '1');
    const fresh = raw.filter((doc) => isAfter(doc, watermark));
    watermark = advance(watermark, raw);
    const done = raw.length < perPage || totalPages <= page;
    yield { fresh, watermark, done };
    if (done) return;
    // A whole page in one second gave nothing new: step to the next page of the same window.
    if (fresh.length === 0) page += 1;
  }
}
