import { beforeAll, describe, expect, it } from 'vitest';
import { CursorStore, compareCursorValues, ensureIndexes } from '../../../runtime/store/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
let cursors: CursorStore;

beforeAll(async () => {
  await ensureIndexes(mongo.db());
  cursors = new CursorStore(mongo.db());
});

describe('CursorStore', () => {
  it('has no cursor before the first advance', async () => {
    expect(await cursors.get('shop-1', 'orders')).toBeUndefined();
  });

  it('moves forward and never back', async () => {
    expect(await cursors.advance('shop-1', 'orders', '2025-03-01T10:00:00Z', 'run-1')).toBe(true);
    expect(await cursors.advance('shop-1', 'orders', '2025-03-01T11:00:00Z', 'run-2')).toBe(true);
    expect(await cursors.advance('shop-1', 'orders', '2025-03-01T10:30:00Z', 'run-3')).toBe(false);
    expect(await cursors.advance('shop-1', 'orders', '2025-03-01T11:00:00Z', 'run-4')).toBe(false);
    expect(await cursors.get('shop-1', 'orders')).toMatchObject({
      tenant: 'shop-1',
      pipeline: 'orders',
      value: '2025-03-01T11:00:00Z',
      runId: 'run-2',
    });
  });

  it('compares timestamps by instant, whatever their offset', async () => {
    await cursors.advance('shop-1', 'tz', '2025-03-01T12:00:00+01:00');
    // 11:30Z is after 12:00+01:00 (= 11:00Z), although it sorts before it as text
    expect(await cursors.advance('shop-1', 'tz', '2025-03-01T11:30:00Z')).toBe(true);
  });

  it('keeps cursors of tenants and pipelines apart', async () => {
    await cursors.advance('shop-2', 'orders', 5);
    await cursors.advance('shop-2', 'products', 9);
    expect((await cursors.get('shop-2', 'orders'))?.value).toBe(5);
    expect((await cursors.get('shop-2', 'products'))?.value).toBe(9);
    expect(await cursors.advance('shop-2', 'orders', 4)).toBe(false);
  });

  it('can be reset backwards or cleared on purpose', async () => {
    await cursors.advance('shop-3', 'orders', 100, 'run-9');
    await cursors.reset('shop-3', 'orders', 10);
    const reset = await cursors.get('shop-3', 'orders');
    expect(reset?.value).toBe(10);
    expect(reset?.runId).toBeUndefined();
    await cursors.reset('shop-3', 'orders', undefined);
    expect(await cursors.get('shop-3', 'orders')).toBeUndefined();
  });

  it('refuses to compare different kinds of cursor', () => {
    expect(() => compareCursorValues(5, '2025-03-01T10:00:00Z')).toThrow(/number cursor with a instant/);
    expect(compareCursorValues(new Date('2025-03-01T10:00:00Z'), '2025-03-01T10:00:00.000Z')).toBe(0);
  });
});
