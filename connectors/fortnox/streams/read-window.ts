import type { StreamPage, StreamReadParams } from '../../../core/plugin-api/index.ts';

/**
 * How far behind the cursor a read starts. Fortnox's `lastmodified` has minute granularity, its time
 * zone and whether the bound is inclusive are UNCONFIRMED, and its clock is not ours: two minutes of
 * overlap cover the floored minute, the boundary and some skew. What is read twice is read twice on
 * purpose; the pipelines are idempotent on it (state-keyed ledger entries, read-before-write operations).
 */
export const OVERLAP_MS = 2 * 60_000;

/** One read of a `lastmodified` list. */
export interface ReadWindow {
  /** The `lastmodified` bound (an instant), or undefined to read everything. */
  readonly since: string | undefined;
  /**
   * When this read started. List items carry no change time, so this — not the newest change seen —
   * is the cursor once every page is handled: a change during the read is read again next time.
   */
  readonly startedAt: string;
  /** The cursor the read started from, handed back with every page but the last. */
  readonly previous: string;
}

export function readWindow(params: StreamReadParams, now: number, overlapMs = OVERLAP_MS): ReadWindow {
  const from = params.cursor ?? params.since;
  const at = from === undefined ? Number.NaN : Date.parse(from);
  return {
    since: Number.isNaN(at) ? undefined : new Date(at - overlapMs).toISOString(),
    startedAt: new Date(now).toISOString(),
    previous: params.cursor ?? '',
  };
}

/**
 * Groups records into pages of `size`. Every page but the last carries the cursor the read started
 * from, so a read that stops half-way (a crash, a failed page) is done again from the start; only the
 * last page moves the cursor. An empty read is one empty page that moves it.
 */
export async function* pagesOf<R>(
  records: AsyncIterable<R>,
  size: number,
  window: ReadWindow,
): AsyncGenerator<StreamPage<R>> {
  let pending: R[] = [];
  let full: R[] | undefined;
  for await (const record of records) {
    pending.push(record);
    if (pending.length >= size) {
      if (full) yield { records: full, cursor: window.previous };
      full = pending;
      pending = [];
    }
  }
  if (full && pending.length === 0) {
    yield { records: full, cursor: window.startedAt };
    return;
  }
  if (full) yield { records: full, cursor: window.previous };
  yield { records: pending, cursor: window.startedAt };
}

/** Fortnox document numbers are digit strings; order them as numbers, anything else as text. */
export function byNumber(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
}
