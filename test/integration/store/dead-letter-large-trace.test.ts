import { beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterStore } from '../../../runtime/dead-letter/index.ts';
import { ensureIndexes } from '../../../runtime/store/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
let letters: DeadLetterStore;

beforeAll(async () => {
  await ensureIndexes(mongo.db());
  letters = new DeadLetterStore(mongo.db(), { secretsOf: async () => [] });
});

describe('DeadLetterStore: a record whose rules trace is larger than a document may be', () => {
  it('is stored whole with its error; the trace keeps its first entries', async () => {
    // an order of 10 000 lines: its trace (a few entries per line and pack) is over 16 MiB
    const lines = Array.from({ length: 10_000 }, (_, i) => ({ id: String(100_000 + i), total: '100.00' }));
    const trace = Array.from({ length: 60_000 }, (_, i) => ({
      rule: `se-vat/domestic`,
      line: i,
      matched: i % 2 === 0,
      detail: 'x'.repeat(300),
    }));
    const stored = await letters.put({
      tenant: 'shop-1',
      pipeline: 'orders-to-fortnox',
      recordKey: 'order:7023',
      record: { id: 7023, lines },
      failedStep: 'tooManyRows',
      position: { file: 'pipelines/orders-to-fortnox.yaml', line: 420, col: 5 },
      error: { message: 'order 7023 has 10000 rows', kind: 'ValidationError', field: 'line_items' },
      attempts: 1,
      trace,
    });
    const read = await letters.get(stored.id);
    expect((read?.record as { lines: unknown[] }).lines).toHaveLength(10_000);
    expect(read?.error.message).toBe('order 7023 has 10000 rows');
    const kept = read?.trace as unknown[];
    expect(kept.length).toBeGreaterThan(1_000);
    expect(kept.length).toBeLessThan(trace.length);
    expect(kept).toEqual(trace.slice(0, kept.length));
  });

  it('keeps a trace of ordinary size as it is', async () => {
    const trace = [{ rule: 'se-vat/domestic', matched: true }];
    const stored = await letters.put({
      tenant: 'shop-1',
      pipeline: 'orders-to-fortnox',
      recordKey: 'order:7024',
      record: { id: 7024 },
      failedStep: 'invoice',
      position: { file: 'pipelines/orders-to-fortnox.yaml', line: 41, col: 5 },
      error: { message: 'Kund saknas', kind: 'validation' },
      attempts: 1,
      trace,
    });
    expect((await letters.get(stored.id))?.trace).toEqual(trace);
  });
});
