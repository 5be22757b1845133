import { MongoClient } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OperationPlanStep } from '../../../core/plan/execution-plan.ts';
import { TransientError, ValidationError } from '../../../core/plugin-api/index.ts';
import {
  EffectsLedger,
  InFlightError,
  asInvoke,
  effectKey,
  type BoundOperation,
  type Effect,
} from '../../../runtime/ledger/index.ts';
import { ensureIndexes } from '../../../runtime/store/index.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { manualClock, withSeparateClients } from './separate-clients.ts';

const mongo = useTestDatabase(import.meta.filename);
const CLAIM_TIMEOUT = 60_000;

beforeAll(async () => {
  await ensureIndexes(mongo.db());
});

interface Invoice {
  DocumentNumber: string;
  YourOrderNumber: string;
}

/** A stand-in for Fortnox: creates invoices, finds them by YourOrderNumber, counts calls. */
function fakeFortnox() {
  const invoices = new Map<string, Invoice>();
  const calls = { run: 0, lookup: 0 };
  return {
    invoices,
    calls,
    async create(input: { YourOrderNumber: string }): Promise<Invoice> {
      calls.run++;
      const invoice = {
        DocumentNumber: String(1000 + invoices.size),
        YourOrderNumber: input.YourOrderNumber,
      };
      invoices.set(input.YourOrderNumber, invoice);
      return invoice;
    },
    async lookup(input: { YourOrderNumber: string }): Promise<Invoice | undefined> {
      calls.lookup++;
      return invoices.get(input.YourOrderNumber);
    },
  };
}

let record = 0;
/** A fresh effect for each test, so tests do not see each other's ledger entries. */
function invoiceEffect(orderNumber = `${++record}`): Effect & { input: { YourOrderNumber: string } } {
  return {
    tenant: 'shop-1',
    pipeline: 'orders-to-fortnox',
    recordKey: `order:${orderNumber}`,
    step: 'invoice',
    operation: 'ledger.invoices.create',
    input: { YourOrderNumber: orderNumber },
  };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('EffectsLedger', () => {
  it('performs an effect once and afterwards returns the stored result without calling anything', async () => {
    const ledger = new EffectsLedger(mongo.db());
    const fortnox = fakeFortnox();
    const effect = invoiceEffect();
    const options = {
      run: () => fortnox.create(effect.input),
      lookup: () => fortnox.lookup(effect.input),
      remoteIdOf: (invoice: Invoice) => invoice.DocumentNumber,
    };

    const first = await ledger.perform(effect, options);
    expect(first).toMatchObject({ source: 'performed', attempt: 1, remoteId: '1000', inputChanged: false });
    const again = await ledger.perform(effect, options);
    expect(again).toEqual({ ...first, source: 'ledger' });
    expect(fortnox.calls).toEqual({ run: 1, lookup: 0 });

    const [attempt] = await ledger.attempts(effect);
    expect(attempt).toMatchObject({
      state: 'committed',
      attempt: 1,
      via: 'run',
      remoteId: '1000',
      result: first.result,
    });
    const stored = await mongo
      .db()
      .collection('koppla_effects')
      .findOne({ key: effectKey(effect) });
    expect(stored?._id).toBe('shop-1|orders-to-fortnox|order:' + effect.input.YourOrderNumber + '|invoice');
  });

  it('tells when a committed effect is asked for again with a different input', async () => {
    const ledger = new EffectsLedger(mongo.db());
    const effect = invoiceEffect();
    await ledger.perform(effect, { run: async () => 'ok' });
    const changed = await ledger.perform(
      { ...effect, input: { YourOrderNumber: 'edited' } },
      { run: async () => 'no' },
    );
    expect(changed).toMatchObject({ result: 'ok', source: 'ledger', inputChanged: true });
  });

  it('hashes inputs canonically: key order does not count as a change', async () => {
    const ledger = new EffectsLedger(mongo.db());
    const effect = { ...invoiceEffect(), input: { a: 1, b: { c: 2, d: 3 } } };
    await ledger.perform(effect, { run: async () => 'ok' });
    const again = await ledger.perform(
      { ...effect, input: { b: { d: 3, c: 2 }, a: 1 } },
      { run: async () => 'no' },
    );
    expect(again.inputChanged).toBe(false);
  });

  it('keeps effects whose key parts contain separators apart', async () => {
    const ledger = new EffectsLedger(mongo.db());
    const a = { ...invoiceEffect(), recordKey: 'x|y', step: 'z' };
    const b = { ...invoiceEffect(), recordKey: 'x', step: 'y|z' };
    const c = { ...invoiceEffect(), recordKey: 'x#2', step: 'z' };
    expect(new Set([effectKey(a), effectKey(b), effectKey(c)]).size).toBe(3);
    for (const [effect, value] of [
      [a, 'a'],
      [b, 'b'],
      [c, 'c'],
    ] as const) {
      expect((await ledger.perform(effect, { run: async () => value })).result).toBe(value);
    }
  });

  it('lets a concurrent second caller never run the operation: it gets InFlightError, later the result', async () => {
    const effect = invoiceEffect();
    await withSeparateClients(mongo, 2, async ([dbA, dbB]) => {
      const workerA = new EffectsLedger(dbA!, { claimTimeoutMs: CLAIM_TIMEOUT });
      const workerB = new EffectsLedger(dbB!, { claimTimeoutMs: CLAIM_TIMEOUT });
      let runs = 0;
      const started = deferred<void>();
      const finish = deferred<string>();
      const slowRun = async () => {
        runs++;
        started.resolve();
        return finish.promise;
      };

      const first = workerA.perform(effect, { run: slowRun });
      await started.promise;
      const second = await workerB.perform(effect, { run: slowRun }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(InFlightError);
      expect(second).toMatchObject({ kind: 'transient', retryable: true, attempt: 1 });

      finish.resolve('INV-1');
      expect((await first).result).toBe('INV-1');
      expect(await workerB.perform(effect, { run: slowRun })).toMatchObject({
        result: 'INV-1',
        source: 'ledger',
      });
      expect(runs).toBe(1);
    });
  });

  it('runs the operation exactly once when 8 workers perform the same effect at the same time', async () => {
    const effect = invoiceEffect();
    const fortnox = fakeFortnox();
    const outcomes = await withSeparateClients(mongo, 8, (dbs) =>
      Promise.allSettled(
        dbs.map((db) =>
          new EffectsLedger(db, { claimTimeoutMs: CLAIM_TIMEOUT }).perform(effect, {
            run: () => fortnox.create(effect.input),
          }),
        ),
      ),
    );
    expect(fortnox.calls.run).toBe(1);
    expect(fortnox.invoices.size).toBe(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled')
        expect(outcome.value.result).toEqual(fortnox.invoices.get(effect.input.YourOrderNumber));
      else expect(outcome.reason).toBeInstanceOf(InFlightError);
    }
  });

  it('finishes a write that crashed after the remote call, before the commit, by lookup — no second invoice', async () => {
    const clock = manualClock();
    const fortnox = fakeFortnox();
    const effect = invoiceEffect();

    // Worker A creates the invoice, then dies before it can record that.
    const crashing = await MongoClient.connect(mongo.uri);
    const workerA = new EffectsLedger(crashing.db(mongo.name), {
      claimTimeoutMs: CLAIM_TIMEOUT,
      now: clock.now,
    });
    const crashed = await workerA
      .perform(effect, {
        run: async () => {
          const invoice = await fortnox.create(effect.input);
          await crashing.close(true);
          return invoice;
        },
      })
      .catch((e: unknown) => e);
    expect(crashed).toBeInstanceOf(Error);
    expect((await new EffectsLedger(mongo.db()).attempts(effect))[0]?.state).toBe('claimed');

    // Worker B, soon after: the claim may still be running, so it must not run.
    const workerB = new EffectsLedger(mongo.db(), { claimTimeoutMs: CLAIM_TIMEOUT, now: clock.now });
    const options = { run: () => fortnox.create(effect.input), lookup: () => fortnox.lookup(effect.input) };
    await expect(workerB.perform(effect, options)).rejects.toBeInstanceOf(InFlightError);

    // After the claim timeout: look up, find the invoice, commit it.
    clock.advance(CLAIM_TIMEOUT);
    const recovered = await workerB.perform(effect, options);
    expect(recovered).toMatchObject({ source: 'lookup', attempt: 2, result: { DocumentNumber: '1000' } });
    expect(fortnox.calls).toEqual({ run: 1, lookup: 1 });
    expect(fortnox.invoices.size).toBe(1);
    expect(await workerB.perform(effect, options)).toMatchObject({ source: 'ledger', attempt: 2 });
    const attempts = await workerB.attempts(effect);
    expect(attempts.map((a) => [a.attempt, a.state, a.via])).toEqual([
      [2, 'committed', 'lookup'],
      [1, 'claimed', undefined],
    ]);
    const ids = await mongo
      .db()
      .collection('koppla_effects')
      .find({ key: effectKey(effect) })
      .map((d) => d._id)
      .toArray();
    expect(ids.sort()).toEqual([effectKey(effect), `${effectKey(effect)}#2`]);
  });

  it('takes over a stale claim and runs when the lookup finds nothing', async () => {
    const clock = manualClock();
    const fortnox = fakeFortnox();
    const effect = invoiceEffect();
    const ledger = new EffectsLedger(mongo.db(), { claimTimeoutMs: CLAIM_TIMEOUT, now: clock.now });
    // a worker claimed and died before calling Fortnox
    await mongo
      .db()
      .collection('koppla_effects')
      .insertOne({
        _id: effectKey(effect) as never,
        key: effectKey(effect),
        attempt: 1,
        state: 'claimed',
        claimedAt: new Date(clock.now()),
      });
    clock.advance(CLAIM_TIMEOUT);
    const outcome = await ledger.perform(effect, {
      run: () => fortnox.create(effect.input),
      lookup: () => fortnox.lookup(effect.input),
    });
    expect(outcome).toMatchObject({ source: 'performed', attempt: 2 });
    expect(fortnox.calls).toEqual({ run: 1, lookup: 1 });
  });

  it('lets exactly one of 8 workers take over a stale claim', async () => {
    const clock = manualClock();
    const fortnox = fakeFortnox();
    const effect = invoiceEffect();
    await mongo
      .db()
      .collection('koppla_effects')
      .insertOne({
        _id: effectKey(effect) as never,
        key: effectKey(effect),
        attempt: 1,
        state: 'claimed',
        claimedAt: new Date(clock.now()),
      });
    clock.advance(CLAIM_TIMEOUT);
    await withSeparateClients(mongo, 8, (dbs) =>
      Promise.allSettled(
        dbs.map((db) =>
          new EffectsLedger(db, { claimTimeoutMs: CLAIM_TIMEOUT, now: clock.now }).perform(effect, {
            run: () => fortnox.create(effect.input),
            lookup: () => fortnox.lookup(effect.input),
          }),
        ),
      ),
    );
    expect(fortnox.calls).toEqual({ run: 1, lookup: 1 });
    expect(
      await mongo
        .db()
        .collection('koppla_effects')
        .countDocuments({ key: effectKey(effect) }),
    ).toBe(2);
  });

  it('records a refused (non-retryable) call as failed, so a later replay runs again without lookup', async () => {
    const ledger = new EffectsLedger(mongo.db());
    const fortnox = fakeFortnox();
    const effect = invoiceEffect();
    const refused = new ValidationError('Kunde "alice@example.com" saknas', {
      code: '2000204',
      field: 'CustomerNumber',
    });
    await expect(ledger.perform(effect, { run: () => Promise.reject(refused) })).rejects.toBe(refused);
    const [failed] = await ledger.attempts(effect);
    expect(failed).toMatchObject({
      state: 'failed',
      error: {
        kind: 'validation',
        retryable: false,
        outcomeKnown: true,
        code: '2000204',
        field: 'CustomerNumber',
      },
    });

    const replay = await ledger.perform(effect, {
      run: () => fortnox.create(effect.input),
      lookup: () => fortnox.lookup(effect.input),
    });
    expect(replay).toMatchObject({ source: 'performed', attempt: 2 });
    expect(fortnox.calls).toEqual({ run: 1, lookup: 0 });
  });

  it('after a failure with unknown outcome (a timeout), looks up before running again', async () => {
    const ledger = new EffectsLedger(mongo.db());
    const fortnox = fakeFortnox();
    const effect = invoiceEffect();
    const timeout = async () => {
      await fortnox.create(effect.input); // Fortnox created it, the response never came back
      throw new TransientError('The operation was aborted due to timeout', { code: 'TimeoutError' });
    };
    await expect(ledger.perform(effect, { run: timeout })).rejects.toBeInstanceOf(TransientError);
    expect((await ledger.attempts(effect))[0]?.error).toMatchObject({
      kind: 'transient',
      outcomeKnown: false,
    });

    const retry = await ledger.perform(effect, {
      run: () => fortnox.create(effect.input),
      lookup: () => fortnox.lookup(effect.input),
    });
    expect(retry).toMatchObject({ source: 'lookup', attempt: 2 });
    expect(fortnox.invoices.size).toBe(1);
    expect(fortnox.calls).toEqual({ run: 1, lookup: 1 });
  });

  it('scrubs the tenant secrets from recorded errors', async () => {
    const ledger = new EffectsLedger(mongo.db());
    const effect = invoiceEffect();
    const secret = 'tok_8c7b6a5f4e3d';
    await expect(
      ledger.perform(effect, {
        run: () => Promise.reject(new Error(`401 for token ${secret}`)),
        secrets: [secret],
      }),
    ).rejects.toThrow();
    const [failed] = await ledger.attempts(effect);
    expect(failed?.error?.message).toBe('401 for token [REDACTED]');
    expect(JSON.stringify(await mongo.db().collection('koppla_effects').find().toArray())).not.toContain(
      secret,
    );
  });
});

describe('asInvoke', () => {
  const step: OperationPlanStep = {
    kind: 'operation',
    id: 'invoice',
    description: undefined,
    if: undefined,
    with: undefined,
    onError: 'fail',
    position: { file: 'pipelines/orders.yaml', line: 30, col: 5 },
    pointer: '/steps/2',
    connection: 'ledger',
    connector: 'fortnox',
    operation: 'invoices.create',
    match: undefined,
    lookupFirst: { by: 'YourOrderNumber', value: { var: 'record.number' } },
  };

  it('sends every operation step through the ledger, keyed by the record, with the key as idempotency key', async () => {
    const ledger = new EffectsLedger(mongo.db());
    const fortnox = fakeFortnox();
    const keys: string[] = [];
    const context = {
      tenant: 'shop-9',
      pipeline: 'orders-to-fortnox',
      recordKey: 'order:77',
      runId: 'run-1',
    };
    const invoke = asInvoke(ledger, context, (_step, idempotencyKey): BoundOperation => {
      keys.push(idempotencyKey);
      return {
        run: (input) => fortnox.create(input as { YourOrderNumber: string }),
        lookup: (input) => fortnox.lookup(input as { YourOrderNumber: string }),
        remoteIdOf: (result) => (result as Invoice).DocumentNumber,
      };
    });

    const output = await invoke(step, { YourOrderNumber: '77' });
    expect(await invoke(step, { YourOrderNumber: '77' })).toEqual(output);
    expect(fortnox.calls.run).toBe(1);
    expect(keys).toEqual(Array(2).fill(effectKey({ ...context, step: 'invoice' })));
    const [attempt] = await ledger.attempts({ ...context, step: 'invoice' });
    expect(attempt).toMatchObject({ operation: 'ledger.invoices.create', runId: 'run-1', remoteId: '1000' });
  });
});

describe('EffectsLedger: a failed lookup does not hide an earlier write (review finding)', () => {
  it('write timed out (it went through), lookup then rate-limited: the third attempt looks up and finds it', async () => {
    const ledger = new EffectsLedger(mongo.db(), { claimTimeoutMs: CLAIM_TIMEOUT });
    const fortnox = fakeFortnox();
    const effect = invoiceEffect();
    // attempt 1: the invoice is created, but the answer is lost
    await expect(
      ledger.perform(effect, {
        run: async () => {
          await fortnox.create(effect.input);
          throw new TransientError('socket hang up');
        },
        lookup: () => fortnox.lookup(effect.input),
      }),
    ).rejects.toThrow('socket hang up');
    // attempt 2: the lookup itself is refused by the rate limit
    const { RateLimitedError } = await import('../../../core/plugin-api/index.ts');
    await expect(
      ledger.perform(effect, {
        run: () => fortnox.create(effect.input),
        lookup: async () => {
          throw new RateLimitedError('429 Too Many Requests');
        },
      }),
    ).rejects.toThrow('429');
    // attempt 3 must look up again, not post a second invoice
    const third = await ledger.perform(effect, {
      run: () => fortnox.create(effect.input),
      lookup: () => fortnox.lookup(effect.input),
    });
    expect(third.source).toBe('lookup');
    expect(fortnox.invoices.size).toBe(1);
    expect(fortnox.calls.run).toBe(1);
  });
});
