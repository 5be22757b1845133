import { createHash } from 'node:crypto';
import type { StreamPage } from '../../core/plugin-api/index.ts';
import { admit, runUnit, deadLetterRejected, type RunState } from './record-intake.ts';

/** A page read from the stream, until every record of it is in a finished batch. */
interface OpenPage {
  readonly cursor: string;
  /** Its records waiting in a batch that has not finished yet. */
  pending: number;
  /** All its records have been read (admitted, skipped or dead-lettered). */
  read: boolean;
}

interface Queued {
  readonly record: unknown;
  readonly key: string;
  readonly page: OpenPage;
}

/** How long each record key may be inside a batch key (which must stay readable in dead letters). */
const KEY_PART = 40;

/**
 * The run of a batched pipeline (`source.batch`): records admitted one by one (where, keys), then
 * the steps once per batch of `size` records, which may span pages. The cursor moves past a page only
 * when every record of it is in a finished batch, so a crash re-reads what was not finished.
 */
export async function runBatches(state: RunState, pages: AsyncIterable<StreamPage<unknown>>): Promise<void> {
  const { ports, summary } = state;
  const { plan } = ports;
  const size = plan.source.batch?.size ?? 1;
  const open: OpenPage[] = [];
  let queue: Queued[] = [];
  let committed: string | undefined;
  summary.batches = 0;

  const advance = async (): Promise<void> => {
    let next: string | undefined;
    while (open[0] && open[0].read && open[0].pending === 0) next = open.shift()?.cursor || next;
    if (next !== undefined && next !== committed) {
      committed = next;
      await ports.advanceCursor(next);
    }
  };
  const flush = async (): Promise<'done' | 'stop'> => {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return 'done';
    const keys = batch.map((queued) => queued.key);
    const outcome = await runUnit(
      state,
      { items: batch.map((queued) => queued.record) },
      batchKey(keys, state.startCursor),
      batch.length,
    );
    if (outcome === 'stop') return 'stop';
    summary.batches = (summary.batches ?? 0) + 1;
    for (const queued of batch) queued.page.pending--;
    await advance();
    return 'done';
  };

  for await (const page of pages) {
    summary.pages++;
    const current: OpenPage = { cursor: page.cursor, pending: 0, read: false };
    open.push(current);
    await deadLetterRejected(state, page.rejected ?? []);
    for (const record of page.records) {
      const key = await admit(state, record);
      if (key === undefined) continue;
      queue.push({ record, key, page: current });
      current.pending++;
      if (queue.length >= size && (await flush()) === 'stop') return;
    }
    current.read = true;
    await advance();
  }
  if ((await flush()) === 'stop') return;
  await advance();
}

/**
 * `batch:<first key>…<last key>:<hash>`, the hash over the records' keys and the cursor the run
 * started from: a retry of the same stretch of the stream meets its earlier attempts in the effects
 * ledger, while the same records read again after the cursor moved on are a batch of their own (a
 * stock level that went 5 → 4 → 5 is written again).
 */
export function batchKey(keys: readonly string[], startCursor: string | undefined): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([startCursor ?? null, keys]))
    .digest('hex')
    .slice(0, 16);
  const first = (keys[0] ?? '').slice(0, KEY_PART);
  const last = (keys.at(-1) ?? '').slice(0, KEY_PART);
  return keys.length > 1 ? `batch:${first}…${last}:${hash}` : `batch:${first}:${hash}`;
}
