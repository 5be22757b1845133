import { beforeAll, describe, expect, it } from 'vitest';
import { DeadLetterStore, recordVersion, type PutDeadLetter } from '../../../runtime/dead-letter/index.ts';
import { COLLECTIONS, ensureIndexes } from '../../../runtime/store/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { manualClock } from './separate-clients.ts';

const mongo = useTestDatabase(import.meta.filename);
const clock = manualClock();
const SECRET = 'fortnox_refresh_3f9a8b7c';
let letters: DeadLetterStore;

beforeAll(async () => {
  await ensureIndexes(mongo.db());
  letters = new DeadLetterStore(mongo.db(), {
    now: clock.now,
    secretsOf: async (tenant) => (tenant === 'shop-1' ? [SECRET] : []),
  });
});

function failure(overrides: Partial<PutDeadLetter> = {}): PutDeadLetter {
  return {
    tenant: 'shop-1',
    pipeline: 'orders-to-fortnox',
    recordKey: 'order:1042',
    // keys as other systems write them: dots and dollars must survive
    record: { id: 1042, number: '1042', meta: { 'wc.vat': '25', $weird: true } },
    failedStep: 'invoice',
    position: { file: 'pipelines/orders-to-fortnox.yaml', line: 41, col: 5 },
    error: { message: 'Kund saknas', kind: 'validation', field: 'CustomerNumber', code: '2000204' },
    attempts: 1,
    ...overrides,
  };
}

describe('DeadLetterStore', () => {
  it('stores the original record, failing step, source position and error', async () => {
    const letter = await letters.put(
      failure({ trace: [{ rule: 'se-vat/domestic', matched: true }], runId: 'run-1' }),
    );
    expect(await letters.get(letter.id)).toEqual({
      id: letter.id,
      tenant: 'shop-1',
      pipeline: 'orders-to-fortnox',
      recordKey: 'order:1042',
      record: { id: 1042, number: '1042', meta: { 'wc.vat': '25', $weird: true } },
      failedStep: 'invoice',
      position: { file: 'pipelines/orders-to-fortnox.yaml', line: 41, col: 5 },
      error: { message: 'Kund saknas', kind: 'validation', field: 'CustomerNumber', code: '2000204' },
      attempts: 1,
      failures: 1,
      trace: [{ rule: 'se-vat/domestic', matched: true }],
      runId: 'run-1',
      status: 'open',
      firstFailedAt: new Date(clock.now()),
      lastFailedAt: new Date(clock.now()),
      replays: 0,
    });
  });

  it('keeps one open dead letter per record: a later failure updates it and adds its attempts', async () => {
    const first = await letters.put(failure({ recordKey: 'order:2000', attempts: 3 }));
    clock.advance(60_000);
    const second = await letters.put(
      failure({
        recordKey: 'order:2000',
        attempts: 2,
        failedStep: 'customer',
        error: { message: 'Timeout', kind: 'transient' },
      }),
    );
    expect(second.id).toBe(first.id);
    expect(second).toMatchObject({
      attempts: 5,
      failures: 2,
      failedStep: 'customer',
      error: { message: 'Timeout', kind: 'transient' },
      firstFailedAt: first.firstFailedAt,
      lastFailedAt: new Date(clock.now()),
    });
    expect(second.error).not.toHaveProperty('field');
    expect(
      await mongo.db().collection(COLLECTIONS.deadLetters).countDocuments({ recordKey: 'order:2000' }),
    ).toBe(1);
  });

  it('scrubs the tenant secrets from the stored error and trace', async () => {
    const error = Object.assign(new Error(`refresh token ${SECRET} was rejected`), {
      kind: 'auth',
      code: `invalid_grant:${SECRET}`,
    });
    const letter = await letters.put(
      failure({ recordKey: 'order:3000', error, trace: { request: { refresh_token: SECRET } } }),
    );
    expect(letter.error).toEqual({
      message: 'refresh token [REDACTED] was rejected',
      kind: 'auth',
      code: 'invalid_grant:[REDACTED]',
    });
    expect(letter.trace).toEqual({ request: { refresh_token: '[REDACTED]' } });
    const stored = await mongo
      .db()
      .collection(COLLECTIONS.deadLetters)
      .findOne({ _id: letter.id as never });
    expect(JSON.stringify(stored)).not.toContain(SECRET);
    expect(JSON.stringify(stored)).not.toContain('stack');
  });

  it('lists by tenant, pipeline and status, most recent failure first', async () => {
    const a = await letters.put(failure({ tenant: 'shop-2', pipeline: 'orders', recordKey: 'a' }));
    clock.advance(1000);
    const b = await letters.put(failure({ tenant: 'shop-2', pipeline: 'stock', recordKey: 'b' }));
    clock.advance(1000);
    const c = await letters.put(failure({ tenant: 'shop-2', pipeline: 'orders', recordKey: 'c' }));
    await letters.put(failure({ tenant: 'shop-3', pipeline: 'orders', recordKey: 'a' }));
    await letters.resolve(a.id);

    expect((await letters.list({ tenant: 'shop-2' })).map((l) => l.id)).toEqual([c.id, b.id, a.id]);
    expect((await letters.list({ tenant: 'shop-2', pipeline: 'orders' })).map((l) => l.id)).toEqual([
      c.id,
      a.id,
    ]);
    expect((await letters.list({ tenant: 'shop-2', status: 'open' })).map((l) => l.id)).toEqual([c.id, b.id]);
    expect((await letters.list({ tenant: 'shop-2', status: 'resolved' })).map((l) => l.id)).toEqual([a.id]);
  });

  it('goes open → replayed → open again when the replay fails → resolved when it succeeds', async () => {
    const letter = await letters.put(failure({ recordKey: 'order:4000' }));
    const replayed = await letters.markReplayed(letter.id);
    expect(replayed).toMatchObject({ status: 'replayed', replays: 1, replayedAt: new Date(clock.now()) });

    const failedAgain = await letters.put(failure({ recordKey: 'order:4000' }));
    expect(failedAgain).toMatchObject({ id: letter.id, status: 'open', failures: 2, replays: 1 });

    await letters.markReplayed(letter.id);
    const resolved = await letters.resolveRecord('shop-1', 'orders-to-fortnox', 'order:4000');
    expect(resolved).toMatchObject({ id: letter.id, status: 'resolved', resolution: 'completed' });
    expect(await letters.findOpen('shop-1', 'orders-to-fortnox', 'order:4000')).toBeUndefined();
    expect(await letters.markReplayed(letter.id)).toBeUndefined();
  });

  it('opens a new dead letter when a resolved record fails again', async () => {
    const old = await letters.put(failure({ recordKey: 'order:5000' }));
    await letters.resolve(old.id, 'skipped by operator');
    const fresh = await letters.put(failure({ recordKey: 'order:5000' }));
    expect(fresh.id).not.toBe(old.id);
    expect(fresh).toMatchObject({ status: 'open', failures: 1, attempts: 1 });
    expect(await letters.get(old.id)).toMatchObject({
      status: 'resolved',
      resolution: 'skipped by operator',
    });
  });

  it('finds the open and replaying dead letters of a page of records, with the version of the record that failed', async () => {
    const tenant = 'shop-open-for';
    const record = (id: number) => ({ id, modifiedAt: '2026-11-29T10:00:00', meta: { 'wc.vat': '25' } });
    const open = await letters.put(failure({ tenant, recordKey: 'order:1', record: record(1) }));
    const replaying = await letters.put(failure({ tenant, recordKey: 'order:2', record: record(2) }));
    await letters.markReplayed(replaying.id);
    const resolved = await letters.put(failure({ tenant, recordKey: 'order:3', record: record(3) }));
    await letters.resolve(resolved.id);
    await letters.put(failure({ tenant, pipeline: 'other', recordKey: 'order:4', record: record(4) }));

    const found = await letters.openFor(tenant, 'orders-to-fortnox', [
      'order:1',
      'order:2',
      'order:3',
      'order:4',
      'order:5',
    ]);
    expect([...found.keys()].sort()).toEqual(['order:1', 'order:2']);
    expect(found.get('order:1')).toEqual({
      id: open.id,
      recordKey: 'order:1',
      status: 'open',
      recordVersion: recordVersion(record(1)),
    });
    expect(found.get('order:2')).toMatchObject({ id: replaying.id, status: 'replayed' });
    // the same record read again, its keys in another order, is the same version; a changed one is not
    expect(recordVersion({ meta: { 'wc.vat': '25' }, modifiedAt: '2026-11-29T10:00:00', id: 1 })).toBe(
      found.get('order:1')!.recordVersion,
    );
    expect(recordVersion({ ...record(1), modifiedAt: '2026-11-29T10:05:00' })).not.toBe(
      found.get('order:1')!.recordVersion,
    );
    expect((await letters.openFor(tenant, 'orders-to-fortnox', [])).size).toBe(0);
  });

  it('resolves by hand once, keeping who and the note; the same failure again stays settled, another opens a new one', async () => {
    const tenant = 'shop-by-hand';
    const letter = await letters.put(
      failure({ tenant, recordKey: 'order:1229', failedStep: 'orderRefundByHand' }),
    );
    await letters.markReplayed(letter.id);
    const done = await letters.resolveByHand(letter.id, {
      resolvedBy: 'cli:anna',
      note: 'adjusted order 17',
    });
    expect(done).toMatchObject({
      outcome: 'resolved',
      deadLetter: { id: letter.id, status: 'resolved', resolution: 'resolved by hand' },
    });
    expect(await letters.get(letter.id)).toMatchObject({
      status: 'resolved',
      resolvedBy: 'cli:anna',
      note: 'adjusted order 17',
      resolvedAt: expect.any(Date),
    });
    const again = await letters.resolveByHand(letter.id, { resolvedBy: 'api:ops' });
    expect(again).toMatchObject({ outcome: 'already-resolved', deadLetter: { resolvedBy: 'cli:anna' } });
    expect((await letters.get(letter.id))?.note).toBe('adjusted order 17');
    expect(await letters.resolveByHand('nope', { resolvedBy: 'cli:anna' })).toEqual({ outcome: 'unknown' });
    // the person's word holds: a run still finds it, so the record unchanged since stays parked
    // (a changed record runs again); the record's next failure is a new dead letter
    expect(await letters.openFor(tenant, 'orders-to-fortnox', ['order:1229'])).toEqual(
      new Map([
        [
          'order:1229',
          { id: letter.id, recordKey: 'order:1229', status: 'resolved', recordVersion: expect.any(String) },
        ],
      ]),
    );
    // the same failure again (same step, same message) is what the person settled: no new letter, and
    // the resolved one keeps the record as read now
    const same = await letters.put(
      failure({
        tenant,
        recordKey: 'order:1229',
        failedStep: 'orderRefundByHand',
        record: { id: 1229, status: 'completed' },
      }),
    );
    expect(same).toMatchObject({
      id: letter.id,
      status: 'resolved',
      record: { id: 1229, status: 'completed' },
    });
    expect(await letters.list({ tenant })).toHaveLength(1);
    // another failure of the record (a second refund: another message) opens a new dead letter
    const next = await letters.put(
      failure({
        tenant,
        recordKey: 'order:1229',
        failedStep: 'orderRefundByHand',
        error: { message: 'order 1229: refunded 200.00 of 500.00', kind: 'validation' },
      }),
    );
    expect(next.id).not.toBe(letter.id);
    expect(next).toMatchObject({ status: 'open', failures: 1 });
    expect(next.resolvedBy).toBeUndefined();
  });

  it('returns undefined for unknown ids', async () => {
    expect(await letters.get('nope')).toBeUndefined();
    expect(await letters.resolve('nope')).toBeUndefined();
    expect(await letters.markReplayed('nope')).toBeUndefined();
  });
});
