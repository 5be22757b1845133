import type { ConnectorContext } from '../../../core/plugin-api/index.ts';
import type { WooSettings } from '../settings.ts';
import { wooRequest, type WooRequest } from './http.ts';

export const MAX_PER_PAGE = 100;

export interface Page<T> {
  readonly items: readonly T[];
  readonly page: number;
  /** `X-WP-TotalPages`. */
  readonly totalPages: number;
  /** `X-WP-Total`. */
  readonly total: number;
}

function headerInt(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null) return undefined;
  const parsed = Number.parseInt(value, 10);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/**
 * Every page of a collection, 100 items at a time, until `X-WP-TotalPages`. Without the header (a
 * proxy that drops it) a short page ends the walk.
 */
export async function* pages<T>(
  ctx: ConnectorContext<WooSettings>,
  request: Omit<WooRequest, 'method' | 'body'>,
): AsyncGenerator<Page<T>> {
  for (let page = 1; ; page++) {
    const response = await wooRequest<T[]>(ctx, {
      ...request,
      query: { ...request.query, per_page: MAX_PER_PAGE, page },
    });
    const items = Array.isArray(response.body) ? response.body : [];
    const totalPages = headerInt(response.headers, 'x-wp-totalpages');
    const total = headerInt(response.headers, 'x-wp-total') ?? items.length;
    yield { items, page, totalPages: totalPages ?? page, total };
    const last = totalPages === undefined ? items.length < MAX_PER_PAGE : page >= totalPages;
    if (last || items.length === 0) return;
  }
}

/** Every item of a collection. */
export async function listAll<T>(
  ctx: ConnectorContext<WooSettings>,
  request: Omit<WooRequest, 'method' | 'body'>,
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages<T>(ctx, request)) all.push(...page.items);
  return all;
}
