import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../../core/config/index.ts';
import { compilePipeline } from '../../../core/plan/compile-pipeline.ts';
import { executeRecord, StepFailedError } from '../../../core/plan/execute-record.ts';
import { createStepEngines } from '../../../core/plan/step-engines.ts';
import type { ExecutionPlan } from '../../../core/plan/execution-plan.ts';

const connectors = new Map([
  ['shop', { id: 'shop', streams: { orders: {} }, operations: {} }],
  ['ledger', { id: 'ledger', streams: {}, operations: { 'notes.add': {}, 'orders.create': {} } }],
]);

function plan(steps: string): ExecutionPlan {
  const text = `apiVersion: koppla/v1
kind: Pipeline
metadata: { id: exec }
connections: { shop: { connector: shop }, ledger: { connector: ledger } }
source: { connection: shop, stream: orders }
steps:
${steps}`;
  const result = compilePipeline({
    source: parseYamlSource(text, 'exec.yaml'),
    connectors,
    packs: new Map(),
  });
  if (!result.plan) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.plan;
}

const engines = (p: ExecutionPlan) => createStepEngines(p, new Map());

describe('executeRecord', () => {
  it('passes step outputs on, and gates steps with JSON-Logic truthiness (an empty array is false)', async () => {
    const p = plan(`  - id: note
    uses: ledger.notes.add
    with: { Text: { cat: ['order ', { var: record.id }] } }
  - id: order
    uses: ledger.orders.create
    if: { var: record.lines }
    with: { Note: { var: steps.note.output.Id } }
`);
    const calls: unknown[] = [];
    const invoke = async (_step: unknown, input: unknown) => {
      calls.push(input);
      return { Id: 'N1' };
    };
    const skipped = await executeRecord(p, { record: { id: '7', lines: [] } }, engines(p), invoke);
    expect(skipped.steps.map((s) => s.status)).toEqual(['done', 'skipped']);
    const done = await executeRecord(p, { record: { id: '8', lines: [1] } }, engines(p), invoke);
    expect(done.steps.map((s) => s.status)).toEqual(['done', 'done']);
    expect(calls).toEqual([{ Text: 'order 7' }, { Text: 'order 8' }, { Note: 'N1' }]);
  });

  it('stops the record at a failing step and names it with its source position', async () => {
    const p = plan(`  - id: note
    uses: ledger.notes.add
  - id: order
    uses: ledger.orders.create
`);
    const error = await executeRecord(p, { record: {} }, engines(p), async (step) => {
      if (step.id === 'note') throw new Error('Fortnox said no');
      return {};
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    const failed = error as StepFailedError;
    expect(failed.step).toBe('note');
    expect(failed.message).toBe('step "note" (exec.yaml:7:5) failed: Fortnox said no');
    expect(failed.outcome.steps.map((s) => [s.id, s.status])).toEqual([['note', 'failed']]);
  });

  it('goes on past a step marked onError: continue', async () => {
    const p = plan(`  - id: note
    uses: ledger.notes.add
    onError: continue
  - id: order
    uses: ledger.orders.create
`);
    const outcome = await executeRecord(p, { record: {} }, engines(p), async (step) => {
      if (step.id === 'note') throw new Error('optional note failed');
      return { DocumentNumber: '1' };
    });
    expect(outcome.steps).toEqual([
      { id: 'note', status: 'failed', input: {}, error: 'optional note failed' },
      { id: 'order', status: 'done', input: {}, output: { DocumentNumber: '1' } },
    ]);
  });
});
