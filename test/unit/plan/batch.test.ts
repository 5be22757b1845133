import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../../core/config/index.ts';
import { compilePipeline } from '../../../core/plan/compile-pipeline.ts';
import { executeRecord } from '../../../core/plan/execute-record.ts';
import type { ExecutionPlan } from '../../../core/plan/execution-plan.ts';
import { createStepEngines } from '../../../core/plan/step-engines.ts';

const connectors = new Map([
  ['ledger', { id: 'ledger', streams: { stock: {} }, operations: { 'stock.find': {}, 'stock.write': {} } }],
]);

const STEPS = `steps:
  - id: find
    uses: ledger.stock.find
    with: { skus: { map: [{ var: record.items }, { var: sku }] } }
  - id: write
    uses: ledger.stock.write
    with:
      updates:
        $each: { var: steps.find.output.found }
        as: sku
        emit:
          sku: { var: sku }
          quantity: { lookup: [{ lookup: [{ var: record.byKey }, { var: sku }] }, quantity] }
  - id: report
    uses: report
    with: { notFound: { var: steps.find.output.missing }, count: 1 }
`;

function compile(source: string, steps = STEPS) {
  const text = `apiVersion: koppla/v1
kind: Pipeline
metadata: { id: batch-test }
connections: { ledger: { connector: ledger } }
source:
${source}
${steps}`;
  return compilePipeline({ source: parseYamlSource(text, 'batch.yaml'), connectors, packs: new Map() });
}

function plan(source: string, steps?: string): ExecutionPlan {
  const result = compile(source, steps);
  if (!result.plan) throw new Error(result.diagnostics.map((d) => `${d.line}: ${d.message}`).join('; '));
  return result.plan;
}

const BATCHED = `  connection: ledger
  stream: stock
  batch: { size: 2, key: { var: record.sku } }`;

describe('source.batch', () => {
  it('compiles to the plan with its size, key and position', () => {
    const p = plan(BATCHED);
    expect(p.source.batch).toMatchObject({ size: 2, key: { var: 'record.sku' }, position: { line: 8 } });
    expect(plan('  connection: ledger\n  stream: stock').source.batch).toBeUndefined();
  });

  it('refuses a size outside 1..1000 and unknown keys, at their line', () => {
    const tooBig = compile('  connection: ledger\n  stream: stock\n  batch: { size: 5000 }');
    expect(tooBig.plan).toBeUndefined();
    expect(tooBig.diagnostics[0]).toMatchObject({ rule: 'schema', line: 8 });
    const unknown = compile('  connection: ledger\n  stream: stock\n  batch: { size: 10, sise: 3 }');
    expect(unknown.diagnostics.map((d) => d.message).join()).toContain('sise');
  });

  it('lints steps that read single-record fields, and byKey without a key', () => {
    const result = compile(
      '  connection: ledger\n  stream: stock\n  batch: { size: 10 }',
      `steps:
  - id: find
    uses: ledger.stock.find
    if: { var: record.sku }
    with: { sku: { lookup: [{ var: record.byKey }, A] } }
`,
    );
    expect(result.plan).toBeUndefined();
    const found = result.diagnostics.filter((d) => d.rule === 'batch-record');
    expect(found.map((d) => [d.line, d.message])).toEqual([
      [12, expect.stringContaining('"record.sku": steps of a batched pipeline see one record per batch')],
      [13, expect.stringContaining('record.byKey needs source.batch.key')],
    ]);
  });

  it('lets where and idempotency.key read single records, and $each over items read their fields', () => {
    const result = compile(
      `${BATCHED}
  where: { var: record.sku }
idempotency: { key: { var: record.sku } }`,
    );
    expect(result.diagnostics).toEqual([]);
  });

  it('gives the steps record.items and record.byKey; a single record is a batch of one', async () => {
    const p = plan(BATCHED);
    const inputs: unknown[] = [];
    const invoke = async (step: { id: string }, input: unknown) => {
      inputs.push(input);
      return step.id === 'find' ? { found: ['B', 'A'], missing: ['C'] } : { ok: true };
    };
    const items = [
      { sku: 'A', quantity: '3' },
      { sku: 'B', quantity: '0' },
      { sku: 'C', quantity: '1' },
      { sku: '', quantity: '9' },
    ];
    const outcome = await executeRecord(p, { record: { items } }, createStepEngines(p, new Map()), invoke);
    expect(inputs).toEqual([
      { skus: ['A', 'B', 'C', ''] },
      {
        updates: [
          { sku: 'B', quantity: '0' },
          { sku: 'A', quantity: '3' },
        ],
      },
    ]);
    expect(outcome.steps.at(-1)).toMatchObject({ id: 'report', output: { notFound: ['C'], count: 1 } });

    inputs.length = 0;
    await executeRecord(
      p,
      { record: { sku: 'Z', quantity: '1' } },
      createStepEngines(p, new Map()),
      async (step, input) => {
        inputs.push(input);
        return { found: ['Z'], missing: [] };
      },
    );
    expect(inputs).toEqual([{ skus: ['Z'] }, { updates: [{ sku: 'Z', quantity: '1' }] }]);
  });

  it('keeps a "__proto__" key as data in byKey', async () => {
    const p = plan(BATCHED);
    let byKeyInput: unknown;
    await executeRecord(
      p,
      { record: { items: [{ sku: '__proto__', quantity: '2' }] } },
      createStepEngines(p, new Map()),
      async (step, input) => {
        if (step.id === 'write') byKeyInput = input;
        return { found: ['__proto__'], missing: [] };
      },
    );
    expect(byKeyInput).toEqual({ updates: [{ sku: '__proto__', quantity: '2' }] });
  });

  it('fails a report step whose with is not an object', async () => {
    const p = plan(
      '  connection: ledger\n  stream: stock',
      'steps:\n  - id: report\n    uses: report\n    with: [1, 2]\n',
    );
    await expect(
      executeRecord(p, { record: {} }, createStepEngines(p, new Map()), async () => ({})),
    ).rejects.toThrow(/report step's with must render to an object/);
  });
});
