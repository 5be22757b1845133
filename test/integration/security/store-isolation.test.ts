/**
 * SECURITY.md, control "tenant isolation — store queries": two tenants with the same pipeline,
 * record keys, connection names and delivery keys, written into the same database; every read of
 * one sees only its own, and what one does (reset, resolve, claim) leaves the other untouched.
 */
import { describe, expect, it } from 'vitest';
import { DeadLetterStore } from '../../../runtime/dead-letter/dead-letter-store.ts';
import { CursorStore, MongoDeliveryDedupe } from '../../../runtime/store/index.ts';
import { RunStore } from '../../../runtime/store/run-store.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const PIPELINE = 'orders-to-fortnox';
const A = 'iso-alpha';
const B = 'iso-bravo';

describe('store queries are scoped to one tenant', () => {
  it('cursors: each tenant reads and resets its own', async () => {
    const cursors = new CursorStore(mongo.db());
    await cursors.advance(A, PIPELINE, '2026-11-01T00:00:00Z');
    await cursors.advance(B, PIPELINE, '2026-11-20T00:00:00Z');
    expect((await cursors.get(A, PIPELINE))?.value).toBe('2026-11-01T00:00:00Z');
    expect((await cursors.get(B, PIPELINE))?.value).toBe('2026-11-20T00:00:00Z');
    await cursors.reset(A, PIPELINE, undefined);
    expect(await cursors.get(A, PIPELINE)).toBeUndefined();
    expect((await cursors.get(B, PIPELINE))?.value).toBe('2026-11-20T00:00:00Z');
  });

  it('runs: a tenant lists its own runs only', async () => {
    const runs = new RunStore(mongo.db());
    const a = await runs.start({ tenant: A, pipeline: PIPELINE, trigger: 'schedule' });
    const b = await runs.start({ tenant: B, pipeline: PIPELINE, trigger: 'schedule' });
    expect((await runs.list({ tenant: A })).map((r) => r.id)).toEqual([a.id]);
    expect((await runs.list({ tenant: B, pipeline: PIPELINE })).map((r) => r.id)).toEqual([b.id]);
  });

  it('dead letters: same pipeline and record key, kept apart in lists, lookups and resolutions', async () => {
    const store = new DeadLetterStore(mongo.db());
    const put = (tenant: string) =>
      store.put({
        tenant,
        pipeline: PIPELINE,
        recordKey: 'order:60',
        record: { id: 60, owner: tenant },
        failedStep: 'order',
        position: { file: 'pipelines/orders-to-fortnox.yaml', line: 1, col: 1 },
        error: { message: 'failed', kind: 'validation' },
        attempts: 1,
      });
    const a = await put(A);
    const b = await put(B);
    expect(a.id).not.toBe(b.id);
    expect((await store.list({ tenant: A })).map((d) => d.id)).toEqual([a.id]);
    expect((await store.findOpen(B, PIPELINE, 'order:60'))?.id).toBe(b.id);
    await store.resolve(a.id);
    expect(await store.findOpen(A, PIPELINE, 'order:60')).toBeUndefined();
    expect((await store.findOpen(B, PIPELINE, 'order:60'))?.id).toBe(b.id);
  });

  it('webhook deliveries: the same delivery key is new for each tenant and connection', async () => {
    const dedupe = new MongoDeliveryDedupe(mongo.db());
    expect(await dedupe.forScope(A, 'shop').firstTime('delivery-1:sig')).toBe(true);
    expect(await dedupe.forScope(B, 'shop').firstTime('delivery-1:sig')).toBe(true);
    expect(await dedupe.forScope(A, 'ledger').firstTime('delivery-1:sig')).toBe(true);
    expect(await dedupe.forScope(A, 'shop').firstTime('delivery-1:sig')).toBe(false);
    await dedupe.forScope(B, 'shop').forget('delivery-1:sig');
    expect(await dedupe.forScope(A, 'shop').firstTime('delivery-1:sig')).toBe(false);
  });
});
