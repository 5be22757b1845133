import type { PlanBatch } from './execution-plan.ts';

/** The one record the steps of a batched pipeline see. */
export interface BatchRecord {
  /** The records of the batch, in stream order. */
  readonly items: readonly unknown[];
  /** The records by `source.batch.key` (the last one wins when two share a key); only with a key. */
  readonly byKey?: Readonly<Record<string, unknown>>;
}

/** Reads one record's `source.batch.key`; undefined, null or "" means the record has no key. */
export type BatchKeyOf = (item: unknown) => unknown;

/**
 * A batch as its steps see it. Takes what the runtime, a test case, `koppla explain` or a replayed
 * dead letter hands over: `{ items: [...] }`, or a single record, which is a batch of one.
 */
export function batchRecord(batch: PlanBatch, given: unknown, keyOf: BatchKeyOf): BatchRecord {
  const items = isBatch(given) ? given.items : [given];
  if (batch.key === undefined) return { items };
  const entries: [string, unknown][] = [];
  for (const item of items) {
    const key = keyOf(item);
    if (key === undefined || key === null || key === '') continue;
    entries.push([String(key), item]);
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays data
  return { items, byKey: Object.fromEntries(entries) };
}

function isBatch(value: unknown): value is { items: readonly unknown[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Array.isArray((value as { items?: unknown }).items)
  );
}
