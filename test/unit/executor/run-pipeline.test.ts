import { MongoServerSelectionError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createStepEngines } from '../../../core/plan/step-engines.ts';
import {
  TransientError,
  ValidationError,
  defineStream,
  type StreamDefinition,
} from '../../../core/plugin-api/index.ts';
import { SET_ASIDE_PER_RUN, runPipeline, type FailedRecord } from '../../../runtime/executor/run-pipeline.ts';
import { recordVersion } from '../../../runtime/dead-letter/dead-letter-store.ts';
import { fixtureWorkspace } from '../../helpers/workspace.ts';

const pipeline = fileURLToPath(new URL('../../fixtures/pipelines/orders-example.yaml', import.meta.url));

function order(id: string, status: string, email = `${id}@example.se`) {
  return {
    id,
    number: id,
    status,
    paymentMethod: { id: 'bacs' },
    customer: { name: `Kund ${id}`, email },
    billingAddress: { countryCode: 'SE' },
    deliveryAddress: { countryCode: 'SE' },
    lines: [{ kind: 'item', sku: 'A', quantity: '1', unitPrice: '10.00', taxRate: '25' }],
    totals: { total: '12.50' },
  };
}

/** A stream of two pages that remembers which cursor it was asked to start from. */
function pagedStream(
  pages: unknown[][],
): StreamDefinition<unknown, object> & { startedAt: (string | undefined)[] } {
  const startedAt: (string | undefined)[] = [];
  const stream = defineStream<unknown, object>({
    description: 'test orders',
    recordSchema: { type: 'object' },
    cursorField: 'modifiedAt',
    async *read(_ctx, params) {
      startedAt.push(params.cursor);
      const from = params.cursor === undefined ? 0 : Number(params.cursor);
      for (let i = from; i < pages.length; i++) yield { records: pages[i] ?? [], cursor: String(i + 1) };
    },
  });
  return Object.assign(stream, { startedAt });
}

describe('runPipeline', async () => {
  // (the harness counts an attempt per call, as the effects ledger does)
  const workspace = await fixtureWorkspace();
  const loaded = workspace.pipeline(pipeline).value;
  if (!loaded) throw new Error('fixture pipeline does not compile');
  const { plan, packs } = loaded;
  const context = {
    tenantId: 't1',
    settings: {},
    signal: new AbortController().signal,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  };

  function harness(
    stream: StreamDefinition<unknown, object>,
    failOn: (step: string, input: unknown) => Error | undefined,
  ) {
    let cursor: string | undefined;
    const calls: string[] = [];
    const deadLetters: FailedRecord[] = [];
    const ports = {
      plan,
      engines: createStepEngines(plan, packs),
      stream,
      streamContext: context,
      readCursor: async () => cursor,
      advanceCursor: async (next: string) => {
        cursor = next;
      },
      invokeFor: (key: string) => async (step: { id: string }, input: unknown) => {
        calls.push(`${key}:${step.id}`);
        const error = failOn(step.id, input);
        if (error) throw error;
        return { CustomerNumber: '1', DocumentNumber: '1' };
      },
      deadLetter: async (failure: FailedRecord) => {
        deadLetters.push(failure);
      },
      attemptsOf: async (key: string, step: string) => calls.filter((c) => c === `${key}:${step}`).length,
    };
    return { ports, calls, deadLetters, cursor: () => cursor };
  }

  it('filters with where, runs each record under its key, dead-letters a failing one, moves the cursor', async () => {
    const stream = pagedStream([
      [order('1', 'processing'), order('2', 'pending')],
      [order('3', 'completed', 'not-an-email'), order('4', 'processing')],
    ]);
    const h = harness(stream, (step, input) =>
      step === 'customer' && (input as { Email?: string }).Email === 'not-an-email'
        ? new ValidationError('Email is not valid', { field: 'Email', code: '2000311' })
        : undefined,
    );
    const summary = await runPipeline(h.ports);
    expect(summary).toEqual({ read: 4, processed: 2, skipped: 1, failed: 1, pages: 2 });
    expect(h.calls).toEqual([
      'order:1:customer',
      'order:1:invoice',
      'order:3:customer',
      'order:4:customer',
      'order:4:invoice',
    ]);
    expect(h.deadLetters).toHaveLength(1);
    expect(h.deadLetters[0]).toMatchObject({
      recordKey: 'order:3',
      failedStep: 'customer',
      position: { file: expect.stringContaining('orders-example.yaml'), line: 39, col: 5 }, // `- id: customer`
      error: { message: 'Email is not valid', kind: 'validation', field: 'Email', code: '2000311' },
    });
    expect(h.cursor()).toBe('2');
  });

  it("never dead-letters a record because Koppla's own database failed under a step: it is retried next run", async () => {
    const stream = pagedStream([[order('1', 'processing')], [order('2', 'processing')]]);
    let down = true;
    const h = harness(stream, (step, input) =>
      down && step === 'customer' && (input as { Email?: string }).Email === '2@example.se'
        ? new MongoServerSelectionError('connection <monitor> to 127.0.0.1:27017 closed', {
            type: 'Unknown',
            servers: new Map(),
            stale: false,
            compatible: true,
            heartbeatFrequencyMS: 10_000,
            localThresholdMS: 15,
            setName: null,
            maxElectionId: null,
            maxSetVersion: null,
            commonWireVersion: 0,
            logicalSessionTimeoutMinutes: null,
          } as never)
        : undefined,
    );
    // more failures than retry.maxAttempts allows: still no dead letter
    for (let run = 0; run < 8; run++) {
      const summary = await runPipeline(h.ports);
      expect(summary.retryLater).toMatchObject({ recordKey: 'order:2', step: 'customer' });
    }
    expect(h.deadLetters).toEqual([]);
    expect(h.cursor()).toBe('1');
    down = false;
    expect(await runPipeline(h.ports)).toMatchObject({ processed: 1, failed: 0 });
    expect(h.cursor()).toBe('2');
  });

  it('stops at a transient failure without moving past its page, and resumes there next run', async () => {
    const stream = pagedStream([[order('1', 'processing')], [order('2', 'processing')]]);
    let down = true;
    const h = harness(stream, (step, input) =>
      down && step === 'customer' && (input as { Email?: string }).Email === '2@example.se'
        ? new TransientError('Fortnox answered 503')
        : undefined,
    );
    const first = await runPipeline(h.ports);
    expect(first.retryLater).toMatchObject({ recordKey: 'order:2', step: 'customer' });
    expect(h.cursor()).toBe('1');
    down = false;
    const second = await runPipeline(h.ports);
    expect(second).toMatchObject({ processed: 1, failed: 0 });
    expect(stream.startedAt).toEqual([undefined, '1']);
    expect(h.cursor()).toBe('2');
  });

  it('sets a record with a retryable failure aside for the next run and goes on; the cursor stays before it', async () => {
    const stream = pagedStream([
      [order('1', 'processing')],
      [order('2', 'processing')],
      [order('3', 'processing')],
    ]);
    let down = true;
    const h = harness(stream, (step, input) =>
      down && step === 'customer' && (input as { Email?: string }).Email === '2@example.se'
        ? new TransientError('Fortnox answered 503')
        : undefined,
    );
    const first = await runPipeline(h.ports);
    expect(first).toMatchObject({ processed: 2, failed: 0, retryLater: { recordKey: 'order:2' } });
    expect(h.calls.filter((c) => c.endsWith(':invoice'))).toEqual(['order:1:invoice', 'order:3:invoice']);
    expect(h.cursor()).toBe('1');
    down = false;
    expect(await runPipeline(h.ports)).toMatchObject({ processed: 2, failed: 0 });
    expect(h.cursor()).toBe('3');
  });

  it('stops after SET_ASIDE_PER_RUN records set aside: a service that is down is not asked for every record', async () => {
    const stream = pagedStream([Array.from({ length: 8 }, (_, i) => order(String(i + 1), 'processing'))]);
    const h = harness(stream, (step) =>
      step === 'customer' ? new TransientError('Fortnox answered 503') : undefined,
    );
    const summary = await runPipeline(h.ports);
    expect(summary.retryLater).toBeDefined();
    expect(h.calls).toHaveLength(SET_ASIDE_PER_RUN);
    expect(h.cursor()).toBeUndefined();
  });

  it('dead-letters what the source could not read, and goes on with the rest of the page', async () => {
    const broken = { ...order('2', 'processing'), status: { not: 'a string' } }; // filtered out by where
    const stream = defineStream<unknown, object>({
      description: 'orders with a rejected one',
      recordSchema: { type: 'object' },
      cursorField: 'modifiedAt',
      async *read() {
        yield {
          records: [order('1', 'processing'), broken, order('3', 'processing')],
          rejected: [
            {
              key: 'order:9',
              raw: { id: 9 },
              error: { message: 'lines do not add up to the total', kind: 'validation' },
            },
          ],
          cursor: '1',
        };
      },
    });
    const h = harness(stream, () => undefined);
    const summary = await runPipeline(h.ports);
    expect(summary).toEqual({ read: 4, processed: 2, skipped: 1, failed: 1, pages: 1 });
    expect(h.deadLetters.map((d) => [d.recordKey, d.failedStep])).toContainEqual(['order:9', 'source']);
    expect(h.calls.filter((c) => c.endsWith(':customer'))).toEqual(['order:1:customer', 'order:3:customer']);
    expect(h.cursor()).toBe('1');
  });

  it('parks an item the source could not read when it is read again unchanged; a changed one fails anew', async () => {
    let raw: unknown = { id: 9, total: '10.00' };
    const stream = defineStream<unknown, object>({
      description: 'an order the connector rejects',
      recordSchema: { type: 'object' },
      cursorField: 'modifiedAt',
      async *read() {
        yield {
          records: [],
          rejected: [{ key: 'order:9', raw, error: { message: 'lines do not add up', kind: 'validation' } }],
          cursor: '1',
        };
      },
    });
    const h = harness(stream, () => undefined);
    const ports = {
      ...h.ports,
      openDeadLetters: async () =>
        new Map(
          h.deadLetters.map((d) => [d.recordKey, { id: 'dl-9', recordVersion: recordVersion(d.record) }]),
        ),
    };
    expect(await runPipeline(ports)).toMatchObject({ read: 1, failed: 1 });
    expect(await runPipeline(ports)).toEqual({
      read: 1,
      processed: 0,
      skipped: 0,
      failed: 0,
      parked: 1,
      pages: 1,
    });
    expect(h.deadLetters).toHaveLength(1);
    raw = { id: 9, total: '12.00' };
    expect(await runPipeline(ports)).toMatchObject({ read: 1, failed: 1 });
    expect(h.deadLetters).toHaveLength(2);
  });

  it('dead-letters a record whose transient failure outlasts retry.maxAttempts, and goes on', async () => {
    const stream = pagedStream([[order('1', 'processing'), order('2', 'processing')]]);
    const h = harness(stream, (step, input) =>
      step === 'customer' && (input as { Email?: string }).Email === '1@example.se'
        ? new TransientError('Fortnox answered 503')
        : undefined,
    );
    const outcomes = [];
    for (let run = 0; run < plan.retry.maxAttempts; run++) outcomes.push(await runPipeline(h.ports));
    expect(outcomes.slice(0, -1).every((o) => o.retryLater?.recordKey === 'order:1')).toBe(true);
    expect(outcomes.at(-1)).toMatchObject({ processed: 1, failed: 1 });
    expect(outcomes.at(-1)?.retryLater).toBeUndefined();
    expect(h.deadLetters.map((d) => [d.recordKey, d.error.kind])).toEqual([['order:1', 'transient']]);
    expect(h.cursor()).toBe('1');
  });

  it('parks a dead-lettered record read again unchanged while the cursor is held; runs it again once it changed', async () => {
    // page 1: a record set aside (503); page 2: a record Fortnox refuses for good
    const pages = [[order('1', 'processing')], [order('2', 'processing', 'not-an-email')]];
    const stream = pagedStream(pages);
    let down = true;
    const h = harness(stream, (step, input) => {
      const email = (input as { Email?: string }).Email;
      if (step !== 'customer') return undefined;
      if (down && email === '1@example.se') return new TransientError('Fortnox answered 503');
      return email === 'not-an-email'
        ? new ValidationError('Email is not valid', { field: 'Email' })
        : undefined;
    });
    // the store's view: the latest failure of each record is its open dead letter, until it recovers
    const recovered: string[] = [];
    const open = () =>
      new Map(
        h.deadLetters
          .filter((d) => !recovered.includes(d.recordKey))
          .map((d) => [d.recordKey, { id: `dl-${d.recordKey}`, recordVersion: recordVersion(d.record) }]),
      );
    const ports = {
      ...h.ports,
      openDeadLetters: async (keys: readonly string[]) => {
        const all = open();
        return new Map([...all].filter(([key]) => keys.includes(key)));
      },
      recovered: async (key: string) => {
        recovered.push(key);
      },
    };

    const first = await runPipeline(ports);
    expect(first).toMatchObject({ failed: 1, retryLater: { recordKey: 'order:1' } });
    expect(first.parked).toBeUndefined();
    expect(h.cursor()).toBeUndefined();
    const sent = h.calls.length;

    // the cursor was held: the next runs read page 2 again; its record is not sent again
    for (let run = 0; run < 3; run++) {
      const again = await runPipeline(ports);
      expect(again).toMatchObject({ failed: 0, parked: 1, retryLater: { recordKey: 'order:1' } });
    }
    expect(h.calls.slice(sent).filter((c) => c.startsWith('order:2:'))).toEqual([]);
    expect(h.deadLetters.map((d) => d.recordKey)).toEqual(['order:2']);

    // the shop owner fixes the e-mail: the changed record runs again and its dead letter recovers
    pages[1] = [order('2', 'processing', 'fixed@example.se')];
    down = false;
    const fixed = await runPipeline(ports);
    expect(fixed).toMatchObject({ processed: 2, failed: 0 });
    expect(fixed.parked).toBeUndefined();
    expect(h.calls.slice(sent)).toContain('order:2:invoice');
    expect(recovered).toEqual(['order:2']);
    expect(h.cursor()).toBe('2');
  });
});
