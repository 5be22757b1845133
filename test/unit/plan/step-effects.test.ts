/**
 * The pipeline features flow 1 needed (issue 7): forEach with a per-element `if` and `key`, a step `key`
 * and `shared`, `$omit`, the `fail` step, and the lint rules that keep them on operation steps.
 */
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../../core/config/index.ts';
import { compilePipeline } from '../../../core/plan/compile-pipeline.ts';
import { executeRecord, StepFailedError, type StepEffect } from '../../../core/plan/execute-record.ts';
import { createStepEngines } from '../../../core/plan/step-engines.ts';
import type { ExecutionPlan } from '../../../core/plan/execution-plan.ts';
import { isConnectorError } from '../../../core/plugin-api/index.ts';
import { renderTemplate } from '../../../core/expr/index.ts';

const connectors = new Map([
  ['shop', { id: 'shop', streams: { orders: {} }, operations: {} }],
  ['ledger', { id: 'ledger', streams: {}, operations: { 'credits.create': {}, 'customers.upsert': {} } }],
]);

function compile(steps: string) {
  const text = `apiVersion: koppla/v1
kind: Pipeline
metadata: { id: effects }
connections: { shop: { connector: shop }, ledger: { connector: ledger } }
source: { connection: shop, stream: orders }
steps:
${steps}`;
  return compilePipeline({ source: parseYamlSource(text, 'effects.yaml'), connectors, packs: new Map() });
}

function plan(steps: string): ExecutionPlan {
  const result = compile(steps);
  if (!result.plan) throw new Error(result.diagnostics.map((d) => d.message).join('; '));
  return result.plan;
}

const engines = (p: ExecutionPlan) => createStepEngines(p, new Map());

describe('forEach, key and shared', () => {
  it('runs the operation once per element, each with its own key; `if` per element keeps the places', async () => {
    const p = plan(`  - id: credits
    uses: ledger.credits.create
    forEach: { var: record.refunds }
    as: refund
    key: { var: refund.id }
    if: { money.gt: [{ var: refund.amount }, 0] }
    with:
      Reference: { cat: [{ var: record.number }, '-R', { var: refund.id }, '#', { var: refundIndex }] }
      Rows: { $omit: { '===': [{ var: refundIndex }, 0] }, value: [{ var: refund.amount }] }
`);
    const calls: { input: unknown; effect: StepEffect | undefined }[] = [];
    const outcome = await executeRecord(
      p,
      {
        record: {
          number: '60',
          refunds: [
            { id: 'a', amount: '10.00' },
            { id: 'b', amount: '0' },
            { id: 'c', amount: '5.00' },
          ],
        },
      },
      engines(p),
      async (_step, input, effect) => {
        calls.push({ input, effect });
        return { DocumentNumber: `${calls.length}` };
      },
    );
    expect(calls).toEqual([
      { input: { Reference: '60-Ra#0' }, effect: { key: 'a' } },
      { input: { Reference: '60-Rc#2', Rows: ['5.00'] }, effect: { key: 'c' } },
    ]);
    expect(outcome.steps[0]).toMatchObject({
      status: 'done',
      output: [{ DocumentNumber: '1' }, null, { DocumentNumber: '2' }],
    });
  });

  it('no list: no call, output []', async () => {
    const p = plan(`  - id: credits
    uses: ledger.credits.create
    forEach: { var: record.refunds }
`);
    const outcome = await executeRecord(p, { record: {} }, engines(p), async () => {
      throw new Error('not called');
    });
    expect(outcome.steps[0]).toMatchObject({ status: 'done', output: [] });
  });

  it('a step key and shared reach the invoker; an element without key is keyed by its index', async () => {
    const p = plan(`  - id: customer
    uses: ledger.customers.upsert
    shared: true
    key: { cat: ['email:', { str.lower: [{ var: record.email }] }] }
    with: { Email: { var: record.email } }
  - id: credits
    uses: ledger.credits.create
    forEach: [1, 2]
`);
    const effects: (StepEffect | undefined)[] = [];
    await executeRecord(p, { record: { email: 'Eva@Example.test' } }, engines(p), async (_s, _i, effect) => {
      effects.push(effect);
      return {};
    });
    expect(effects).toEqual([{ key: 'email:eva@example.test', shared: true }, { key: '0' }, { key: '1' }]);
  });

  it('lint: forEach, key and shared belong on operation steps; shared needs a key; as needs forEach', () => {
    const result = compile(`  - id: t
    uses: transform
    forEach: [1]
    with: {}
  - id: c
    uses: ledger.customers.upsert
    shared: true
    as: x
`);
    expect(result.plan).toBeUndefined();
    const messages = result.diagnostics.map((d) => `${d.rule}: ${d.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        'step-effects: forEach applies to operation steps, not to transform',
        'step-effects: as names the element of forEach; this step has none',
        'step-effects: a shared effect needs key: the value records share it under',
      ]),
    );
  });

  it('lint: the forEach name is known in with, if and key, and nowhere else', () => {
    const result = compile(`  - id: c
    uses: ledger.credits.create
    forEach: [1]
    as: refund
    with: { A: { var: refund.id } }
  - id: d
    uses: ledger.credits.create
    with: { A: { var: refund.id } }
`);
    const messages = result.diagnostics.map((d) => `${d.pointer}: ${d.message}`);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^\/steps\/1\/with\/A\/var: "refund.id": unknown root "refund"/);
  });
});

describe('fail', () => {
  it('stops the record with its message and field, as a validation error (not retried)', async () => {
    const p = plan(`  - id: tooBig
    uses: fail
    if: { money.gt: [{ var: record.total }, 1000] }
    with: { message: { cat: ['order ', { var: record.number }, ' is too big'] }, field: total }
  - id: credits
    uses: ledger.credits.create
`);
    let called = 0;
    const invoke = async () => {
      called++;
      return {};
    };
    await executeRecord(p, { record: { number: '1', total: '10' } }, engines(p), invoke);
    expect(called).toBe(1);
    const error = await executeRecord(
      p,
      { record: { number: '2', total: '2000' } },
      engines(p),
      invoke,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StepFailedError);
    const failed = error as StepFailedError;
    expect(failed.step).toBe('tooBig');
    expect(failed.message).toContain('order 2 is too big');
    expect(isConnectorError(failed.cause) && failed.cause).toMatchObject({
      kind: 'validation',
      retryable: false,
      field: 'total',
      code: 'pipeline_fail',
    });
    expect(called).toBe(1);
  });

  it('lint: a fail step needs a message', () => {
    const result = compile(`  - id: stop
    uses: fail
`);
    expect(result.diagnostics.map((d) => d.message)).toContain(
      'a fail step needs with.message: what went wrong and what to fix before the replay',
    );
  });
});

describe('$omit', () => {
  it('leaves a key or an array element out when its condition holds', () => {
    const template = {
      Rate: { $omit: { '===': [{ var: rate }, null] }, value: { var: 'rate' } },
      Rows: [1, { $omit: true, value: 2 }, 3],
    };
    expect(renderTemplate(template, { rate: null })).toEqual({ Rows: [1, 3] });
    expect(renderTemplate(template, { rate: '11.2' })).toEqual({ Rate: '11.2', Rows: [1, 3] });
  });

  it('is checked like any template: value is required, no other keys', () => {
    const result = compile(`  - id: c
    uses: ledger.credits.create
    with: { A: { $omit: true, other: 1 } }
`);
    expect(result.plan).toBeUndefined();
  });
});

const rate = 'rate';
