import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../../core/config/index.ts';
import { compilePipeline } from '../../../core/plan/compile-pipeline.ts';
import type { ExecutionPlan } from '../../../core/plan/execution-plan.ts';
import { createStepEngines } from '../../../core/plan/step-engines.ts';
import {
  TransientError,
  ValidationError,
  defineStream,
  type StreamDefinition,
} from '../../../core/plugin-api/index.ts';
import { batchKey } from '../../../runtime/executor/run-batches.ts';
import { runPipeline, type FailedRecord } from '../../../runtime/executor/run-pipeline.ts';

const connectors = new Map([
  ['ledger', { id: 'ledger', streams: { stock: {} }, operations: { 'stock.write': {} } }],
]);

function plan(size: number): ExecutionPlan {
  const text = `apiVersion: koppla/v1
kind: Pipeline
metadata: { id: batch-run }
connections: { ledger: { connector: ledger } }
source:
  connection: ledger
  stream: stock
  where: { '!==': [{ var: record.sku }, skip] }
  batch: { size: ${size}, key: { var: record.sku } }
idempotency: { key: { if: [{ var: record.sku }, { cat: [{ var: record.sku }, '=', { var: record.quantity }] }, ''] } }
steps:
  - id: write
    uses: ledger.stock.write
    with: { skus: { map: [{ var: record.items }, { var: sku }] } }
  - id: report
    uses: report
    with: { seen: { map: [{ var: record.items }, { var: group }] } }
`;
  const result = compilePipeline({ source: parseYamlSource(text, 'run.yaml'), connectors, packs: new Map() });
  if (!result.plan) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.plan;
}

const level = (sku: string, quantity = '1', group = 'g') => ({ sku, quantity, group });

/** Pages of records; the cursor after page i is String(i + 1), and a read starts after its cursor. */
function pagedStream(pages: unknown[][]): StreamDefinition<unknown, object> {
  return defineStream<unknown, object>({
    description: 'stock levels',
    recordSchema: { type: 'object' },
    cursorField: 'at',
    async *read(_ctx, params) {
      const from = params.cursor === undefined ? 0 : Number(params.cursor);
      for (let i = from; i < pages.length; i++) yield { records: pages[i] ?? [], cursor: String(i + 1) };
    },
  });
}

function harness(p: ExecutionPlan, pages: unknown[][], fail: (skus: string[]) => Error | undefined) {
  let cursor: string | undefined;
  const advanced: string[] = [];
  const calls: { key: string; skus: string[] }[] = [];
  const attempts = new Map<string, number>();
  const deadLetters: FailedRecord[] = [];
  const ports = {
    plan: p,
    engines: createStepEngines(p, new Map()),
    stream: pagedStream(pages),
    streamContext: {
      tenantId: 't1',
      settings: {},
      signal: new AbortController().signal,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    },
    readCursor: async () => cursor,
    advanceCursor: async (next: string) => {
      cursor = next;
      advanced.push(next);
    },
    invokeFor: (key: string) => async (step: { id: string }, input: unknown) => {
      const skus = (input as { skus: string[] }).skus;
      calls.push({ key, skus });
      attempts.set(`${key}|${step.id}`, (attempts.get(`${key}|${step.id}`) ?? 0) + 1);
      const error = fail(skus);
      if (error) throw error;
      return { written: skus.length };
    },
    deadLetter: async (failure: FailedRecord) => {
      deadLetters.push(failure);
    },
    attemptsOf: async (key: string, step: string) => attempts.get(`${key}|${step}`) ?? 0,
  };
  return { ports, calls, advanced, deadLetters, cursor: () => cursor };
}

describe('a batched run', () => {
  it('runs the steps once per batch across pages, and moves the cursor past finished pages only', async () => {
    const h = harness(
      plan(2),
      [[level('A'), level('B'), level('C')], [level('D'), level('skip'), level('E')], [level('F')]],
      () => undefined,
    );
    const summary = await runPipeline(h.ports);
    expect(h.calls.map((c) => c.skus)).toEqual([
      ['A', 'B'],
      ['C', 'D'],
      ['E', 'F'],
    ]);
    // page 1 waits for C (in the second batch), page 2 for E (in the third, with page 3's F)
    expect(h.advanced).toEqual(['1', '2', '3']);
    expect(summary).toMatchObject({ read: 7, processed: 6, skipped: 1, failed: 0, pages: 3, batches: 3 });
    expect(h.calls[0]?.key).toMatch(/^batch:A=1…B=1:[0-9a-f]{16}$/);
  });

  it('reports each value once per run, however many batches name it', async () => {
    const h = harness(
      plan(2),
      [[level('A', '1', 'x'), level('B', '1', 'y'), level('C', '1', 'x'), level('D', '1', '')]],
      () => undefined,
    );
    const summary = await runPipeline(h.ports);
    expect(summary.report).toEqual({ seen: { count: 2, values: ['x', 'y'] } });
  });

  it('dead-letters a failing batch with all its records and goes on', async () => {
    const h = harness(plan(2), [[level('A'), level('B'), level('C')]], (skus) =>
      skus.includes('B') ? new ValidationError('B is refused', { code: 'bad_sku' }) : undefined,
    );
    const summary = await runPipeline(h.ports);
    expect(summary).toMatchObject({ read: 3, processed: 1, failed: 2, batches: 2 });
    expect(h.deadLetters).toHaveLength(1);
    expect(h.deadLetters[0]).toMatchObject({
      recordKey: expect.stringMatching(/^batch:A=1…B=1:/),
      record: { items: [level('A'), level('B')] },
      failedStep: 'write',
      position: { file: 'run.yaml', line: 12 }, // `- id: write`
      error: { message: 'B is refused', kind: 'validation', code: 'bad_sku' },
    });
    expect(h.cursor()).toBe('1');
  });

  it('dead-letters alone a record whose keys cannot be read', async () => {
    const h = harness(plan(5), [[level('A'), { quantity: '2' }, level('B')]], () => undefined);
    const summary = await runPipeline(h.ports);
    expect(h.calls.map((c) => c.skus)).toEqual([['A', 'B']]);
    expect(summary).toMatchObject({ read: 3, processed: 2, failed: 1 });
    expect(h.deadLetters[0]).toMatchObject({
      recordKey: 'unkeyed:2',
      failedStep: 'source.where / source.batch.key / idempotency.key',
    });
  });

  it('stops at a transient failure, retries that batch under one key, then dead-letters it', async () => {
    const h = harness(
      plan(2),
      [
        [level('A'), level('B')],
        [level('C'), level('D')],
      ],
      (skus) => (skus.includes('C') ? new TransientError('shop is down') : undefined),
    );
    const first = await runPipeline(h.ports);
    expect(first.retryLater).toMatchObject({
      step: 'write',
      recordKey: expect.stringMatching(/^batch:C=1…D=1:/),
    });
    expect(h.cursor()).toBe('1');
    // the next runs start from cursor 1: one key, whose attempts add up to retry.maxAttempts (6)
    const second = await runPipeline(h.ports);
    const key = second.retryLater?.recordKey;
    let runs = 1;
    while ((await runPipeline(h.ports)).retryLater) runs++;
    expect(runs).toBe(5);
    expect(h.calls.filter((c) => c.key === key)).toHaveLength(6);
    expect(h.deadLetters.map((d) => d.recordKey)).toEqual([key]);
    expect(h.cursor()).toBe('2');
  });

  it('makes batch keys from the record keys and the cursor the run started from', () => {
    expect(batchKey(['A=1'], undefined)).toMatch(/^batch:A=1:[0-9a-f]{16}$/);
    expect(batchKey(['A=1', 'B=2'], 'c1')).toBe(batchKey(['A=1', 'B=2'], 'c1'));
    expect(batchKey(['A=1', 'B=2'], 'c1')).not.toBe(batchKey(['A=1', 'B=2'], 'c2'));
    expect(batchKey(['A=1', 'B=2'], 'c1')).not.toBe(batchKey(['B=2', 'A=1'], 'c1'));
    expect(batchKey(['x'.repeat(100), 'B'], undefined).length).toBeLessThan(80);
  });
});
