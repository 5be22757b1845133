import type { FortnoxClient } from './http.ts';

export interface MetaInformation {
  readonly '@TotalResources': number;
  readonly '@TotalPages': number;
  readonly '@CurrentPage': number;
}

export interface ListPage<T> {
  readonly items: readonly T[];
  readonly meta: MetaInformation;
}

export interface ListOptions {
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  /** Fortnox allows up to 500; default 500 (fewer requests against the 25 / 5 s budget). */
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/**
 * Every page of a list, in order. Stops after `@TotalPages` — which is 0 for an empty result, with
 * `@CurrentPage` 1 (recorded), so the loop must not assume a first page exists.
 */
export async function* listPages<T>(
  client: FortnoxClient,
  path: string,
  listKey: string,
  options: ListOptions = {},
): AsyncGenerator<ListPage<T>> {
  const limit = Math.min(Math.max(options.limit ?? 500, 1), 500);
  for (let page = 1; ; page++) {
    const { body } = await client.request<Record<string, unknown>>('GET', path, {
      query: { ...options.query, limit, page },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const items = (Array.isArray(body[listKey]) ? body[listKey] : []) as T[];
    const meta = (body.MetaInformation ?? {
      '@TotalResources': 0,
      '@TotalPages': 0,
      '@CurrentPage': page,
    }) as MetaInformation;
    if (items.length > 0 || page === 1) yield { items, meta };
    if (page >= Number(meta['@TotalPages']) || items.length === 0) return;
  }
}

/** All items of a list (use for small, filtered lists; stream large ones with `listPages`). */
export async function listAll<T>(
  client: FortnoxClient,
  path: string,
  listKey: string,
  options: ListOptions = {},
): Promise<T[]> {
  const all: T[] = [];
  for await (const page of listPages<T>(client, path, listKey, options)) all.push(...page.items);
  return all;
}

/**
 * `lastmodified` as Fortnox takes it: `YYYY-MM-DD HH:mm` in Swedish local time (the time zone is
 * UNCONFIRMED; the minute is floored, so callers should overlap windows and de-duplicate).
 */
export function formatLastModified(at: Date | string, timeZone = 'Europe/Stockholm'): string {
  const parts = new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(typeof at === 'string' ? new Date(at) : at);
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

/** Path segment for an identifier: article numbers may hold `/`, `+` or spaces. */
export function idSegment(id: string): string {
  return encodeURIComponent(id);
}
