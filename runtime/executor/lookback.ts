/**
 * `source.cursor.lookback`: re-read this far behind the cursor, to catch records written late (a
 * change committed with an earlier modification time, a clock that lags). Cursors are the stream's
 * own opaque text, so the instant they stand for is found in them: the cursor itself when it is a
 * timestamp, or the earliest timestamp in a JSON cursor (WooCommerce's `{"modifiedAt": …, "ids": […]}`,
 * or one such watermark per collection). A cursor holding no timestamp (a page number, an id) cannot
 * be moved back in time; the stream then resumes from it as it is.
 */

/** ISO 8601 date-time as services write it: `2026-03-01T10:15:00Z`, with or without zone and fraction. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** The instant a timestamp string stands for; a time without a zone is read as UTC, as WooCommerce's GMT fields are. */
function instantOf(text: string): number | undefined {
  const trimmed = text.trim();
  if (!ISO_DATE_TIME.test(trimmed)) return undefined;
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) ? trimmed : `${trimmed.replace(' ', 'T')}Z`;
  const at = Date.parse(zoned);
  return Number.isNaN(at) ? undefined : at;
}

function earliestIn(value: unknown, depth = 0): number | undefined {
  if (typeof value === 'string') return instantOf(value);
  if (depth > 4 || typeof value !== 'object' || value === null) return undefined;
  let earliest: number | undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const at = earliestIn(item, depth + 1);
    if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
  }
  return earliest;
}

/** The instant a stream cursor stands for, or undefined when it holds no timestamp. */
export function cursorInstant(cursor: string): number | undefined {
  const direct = instantOf(cursor);
  if (direct !== undefined) return direct;
  if (!/^\s*[[{]/.test(cursor)) return undefined;
  try {
    return earliestIn(JSON.parse(cursor) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * Where a run starts reading: `since` = the cursor's instant minus the lookback when there is both, so
 * the stream re-reads that window (the effects ledger keeps the records read twice from being written
 * twice); otherwise the cursor as it is.
 */
export function readStart(
  cursor: string | undefined,
  lookbackMs: number,
): { readonly cursor?: string; readonly since?: string } {
  if (cursor === undefined) return {};
  if (!(lookbackMs > 0)) return { cursor };
  const at = cursorInstant(cursor);
  return at === undefined ? { cursor } : { since: new Date(at - lookbackMs).toISOString() };
}
