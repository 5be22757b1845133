import { describe, expect, it } from 'vitest';
import { KopplaUserError } from '../../../core/diagnostics/index.ts';
import {
  evaluatePacks,
  formatTraceEntry,
  RuleEvaluationError,
  type TraceEntry,
} from '../../../core/rules/index.ts';
import { HEADER, mustCompile } from './helpers.ts';

const documentKind = mustCompile(
  `${HEADER}scope: order
output: document
params:
  type: object
  additionalProperties: false
  properties:
    cardMethods: { type: array, items: { type: string }, default: [stripe] }
    paidLabel: { type: string, default: paid }
rules:
  - id: card
    when: { in: [{ var: record.paymentMethod.id }, { var: params.cardMethods }] }
    then: { kind: both, status: { var: params.paidLabel } }
  - id: swish
    enabled: false
    when: { "==": [{ var: record.paymentMethod.id }, swish] }
    then: { kind: both }
  - id: bank
    when: { "==": [{ var: record.paymentMethod.id }, bacs] }
    then: { kind: invoice }
default:
  then: { kind: order }
`,
  'document-kind.yaml',
);

const vat = mustCompile(
  `${HEADER.replace('id: demo', 'id: vat')}scope: line
output: vat
rules:
  - id: shipping
    when: { "==": [{ var: line.kind }, shipping] }
    then: { account: "3520", vatPercent: { var: line.taxRate }, index: { var: lineIndex } }
  - id: standard
    when: { money.eq: [{ var: line.taxRate }, "25"] }
    then: { account: "3001", vatPercent: "25" }
default:
  then: { account: "3001", review: true }
`,
  'vat.yaml',
);

/** A pack that reads what earlier packs decided: decisions.* and row.vat per line. */
const rows = mustCompile(
  `${HEADER.replace('id: demo', 'id: rows')}scope: order
output: rows
rules:
  - id: build
    when: { "==": [{ var: decisions.document.kind }, both] }
    then:
      kind: { var: decisions.document.kind }
      rows:
        $each: { var: decisions.lines }
        as: row
        emit: { sku: { var: row.line.sku }, account: { var: row.vat.account } }
`,
  'rows.yaml',
);

const order = {
  paymentMethod: { id: 'stripe' },
  lines: [
    { kind: 'item', sku: 'MUG', taxRate: '25' },
    { kind: 'shipping', taxRate: '25' },
    { kind: 'item', sku: 'BOOK', taxRate: '6' },
  ],
};

const brief = (trace: readonly TraceEntry[]) =>
  trace.map((t) => `${t.pack}${t.lineIndex === undefined ? '' : `[${t.lineIndex}]`} ${t.rule} ${t.reason}`);

describe('evaluatePacks: trace reasons', () => {
  it('MATCHED stops first-match; NOT_MATCHED and DISABLED for the rules considered before', () => {
    const { decisions, trace } = evaluatePacks([{ pack: documentKind }], {
      record: { paymentMethod: { id: 'bacs' } },
    });
    expect(decisions.document).toEqual({ kind: 'invoice' });
    expect(brief(trace)).toEqual(['demo card NOT_MATCHED', 'demo swish DISABLED', 'demo bank MATCHED']);
    expect(trace[2]).toEqual({
      pack: 'demo',
      packVersion: '1.2.3',
      rule: 'bank',
      reason: 'MATCHED',
      source: 'document-kind.yaml:20',
    });
  });

  it('stops considering rules after the first match', () => {
    const { trace } = evaluatePacks([{ pack: documentKind }], {
      record: { paymentMethod: { id: 'stripe' } },
    });
    expect(brief(trace)).toEqual(['demo card MATCHED']);
  });

  it('DEFAULT when nothing matched', () => {
    const { decisions, trace } = evaluatePacks([{ pack: documentKind }], {
      record: { paymentMethod: { id: 'cod' } },
    });
    expect(decisions.document).toEqual({ kind: 'order' });
    expect(brief(trace)).toEqual([
      'demo card NOT_MATCHED',
      'demo swish DISABLED',
      'demo bank NOT_MATCHED',
      'demo (default) DEFAULT',
    ]);
    expect(trace.at(-1)?.source).toBe('document-kind.yaml:24');
  });

  it('no decision and no DEFAULT entry when nothing matched and the pack has no default', () => {
    const { decisions, trace } = evaluatePacks([{ pack: rows }], { record: { lines: [] } });
    expect(decisions).not.toHaveProperty('rows');
    expect(brief(trace)).toEqual(['rows build NOT_MATCHED']);
  });

  it('one DISABLED entry with rule * for a disabled pack', () => {
    const { decisions, trace } = evaluatePacks([{ pack: documentKind, enabled: false }], { record: order });
    expect(decisions).not.toHaveProperty('document');
    expect(trace).toEqual([
      { pack: 'demo', packVersion: '1.2.3', rule: '*', reason: 'DISABLED', source: 'document-kind.yaml:3' },
    ]);
  });

  it('ERROR: the entry ends the trace and RuleEvaluationError carries it, with pack, rule and position', () => {
    const failing = mustCompile(
      `${HEADER}scope: line
output: vat
rules:
  - id: fine
    when: false
    then: { x: "1" }
  - id: broken
    when: { money.eq: [{ var: line.taxRate }, "25"] }
    then: { x: "2" }
`,
      'broken.yaml',
    );
    let error: unknown;
    try {
      evaluatePacks([{ pack: failing }], { record: { lines: [{ taxRate: '25' }, { taxRate: 'twenty' }] } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleEvaluationError);
    expect(error).toBeInstanceOf(KopplaUserError);
    const e = error as RuleEvaluationError;
    expect(e).toMatchObject({ pack: 'demo', packVersion: '1.2.3', rule: 'broken', lineIndex: 1 });
    expect(e.source).toEqual({ file: 'broken.yaml', line: 10, col: 9 });
    expect(e.diagnostics[0]).toMatchObject({
      file: 'broken.yaml',
      line: 11,
      col: 11,
      rule: 'rule-evaluation',
    });
    expect(e.message).toMatch(/^rule demo\/broken \(line 1\) at when\/money\.eq.*money\.eq/);
    expect(brief(e.trace)).toEqual([
      'demo[0] fine NOT_MATCHED',
      'demo[0] broken MATCHED',
      'demo[1] fine NOT_MATCHED',
      'demo[1] broken ERROR',
    ]);
    expect(e.trace.at(-1)?.message).toBe(e.message);
  });

  it('ERROR in then, and in the default', () => {
    const failing = mustCompile(
      `${HEADER}scope: order
output: total
rules:
  - id: sum
    when: { var: record.sum }
    then: { total: { money.add: [{ var: record.a }, { var: record.b }] } }
default:
  then: { total: { money.add: ["1", { var: record.a }] } }
`,
      'sum.yaml',
    );
    const run = (record: object) => {
      try {
        evaluatePacks([{ pack: failing }], { record });
      } catch (e) {
        return e as RuleEvaluationError;
      }
      throw new Error('did not throw');
    };
    const inThen = run({ sum: true, a: '1', b: 'x' });
    expect(inThen.rule).toBe('sum');
    expect(inThen.diagnostics[0]).toMatchObject({ line: 9, col: 11 });
    expect(brief(inThen.trace)).toEqual(['demo sum ERROR']);
    const inDefault = run({ sum: false, a: 'nope' });
    expect(inDefault.rule).toBe('(default)');
    expect(brief(inDefault.trace)).toEqual(['demo sum NOT_MATCHED', 'demo (default) ERROR']);
  });

  it('formats a trace entry for explain', () => {
    const { trace } = evaluatePacks([{ pack: vat }], { record: order });
    expect(formatTraceEntry(trace[0]!)).toBe('vat@1.2.3 line 0 NOT_MATCHED shipping vat.yaml:7');
  });
});

describe('evaluatePacks: toggles', () => {
  const stripe = { record: { paymentMethod: { id: 'stripe' } } };
  const swish = { record: { paymentMethod: { id: 'swish' } } };

  it('a tenant switches a pack off', () => {
    const { trace } = evaluatePacks([{ pack: documentKind }], stripe, { packs: { demo: false } });
    expect(brief(trace)).toEqual(['demo * DISABLED']);
  });

  it('a tenant switches on a pack the pipeline has off', () => {
    const { decisions } = evaluatePacks([{ pack: documentKind, enabled: false }], stripe, {
      packs: { demo: true },
    });
    expect(decisions.document).toEqual({ kind: 'both', status: 'paid' });
  });

  it('a tenant switches a rule off', () => {
    const { decisions, trace } = evaluatePacks([{ pack: documentKind }], stripe, {
      rules: { 'demo/card': false },
    });
    expect(decisions.document).toEqual({ kind: 'order' });
    expect(brief(trace)[0]).toBe('demo card DISABLED');
  });

  it('a tenant switches on a rule that is off by default', () => {
    expect(evaluatePacks([{ pack: documentKind }], swish).decisions.document).toEqual({ kind: 'order' });
    const { decisions, trace } = evaluatePacks([{ pack: documentKind }], swish, {
      rules: { 'demo/swish': true },
    });
    expect(decisions.document).toEqual({ kind: 'both' });
    expect(brief(trace)).toEqual(['demo card NOT_MATCHED', 'demo swish MATCHED']);
  });

  it('toggles of other packs and rules change nothing', () => {
    const { trace } = evaluatePacks([{ pack: documentKind }], stripe, {
      packs: { other: false },
      rules: { 'other/card': false },
    });
    expect(brief(trace)).toEqual(['demo card MATCHED']);
  });
});

describe('evaluatePacks: params', () => {
  it('applies the schema defaults', () => {
    expect(
      evaluatePacks([{ pack: documentKind }], { record: { paymentMethod: { id: 'stripe' } } }).decisions
        .document,
    ).toEqual({
      kind: 'both',
      status: 'paid',
    });
  });

  it('uses the pipeline params, with the tenant params over them key by key', () => {
    const record = { paymentMethod: { id: 'klarna' } };
    const pipelineParams = Object.freeze({ cardMethods: Object.freeze(['klarna']), paidLabel: 'prepaid' });
    expect(
      evaluatePacks([{ pack: documentKind, params: pipelineParams }], { record }).decisions.document,
    ).toEqual({
      kind: 'both',
      status: 'prepaid',
    });
    const tenant = { record, params: { demo: { paidLabel: 'betald' } } };
    expect(
      evaluatePacks([{ pack: documentKind, params: pipelineParams }], tenant).decisions.document,
    ).toEqual({
      kind: 'both',
      status: 'betald',
    });
    expect(pipelineParams).toEqual({ cardMethods: ['klarna'], paidLabel: 'prepaid' });
  });

  it('invalid params throw KopplaUserError naming the pack, at the params schema', () => {
    const run = () =>
      evaluatePacks([{ pack: documentKind, params: { cardMethods: 'stripe', paidLabl: 'x' } }], {
        record: {},
      });
    expect(run).toThrow(KopplaUserError);
    try {
      run();
    } catch (e) {
      const error = e as KopplaUserError;
      expect(error.message).toMatch(/^rule pack "demo": invalid params/);
      expect(error.diagnostics.map((d) => [d.rule, d.line, d.message])).toEqual([
        ['invalid-params', 7, 'pack "demo": unknown parameter params.paidLabl (did you mean "paidLabel"?)'],
        ['invalid-params', 7, 'pack "demo": params.cardMethods must be array'],
      ]);
    }
  });

  it('a pack without a params schema takes no parameters', () => {
    expect(() => evaluatePacks([{ pack: vat, params: { x: 1 } }], { record: order })).toThrow(
      /pack "vat" takes no parameters, got "x"/,
    );
  });
});

describe('evaluatePacks: scopes and strategies', () => {
  it('line scope runs per line, binds line and lineIndex, and keeps the line beside its decisions', () => {
    const { decisions, trace } = evaluatePacks([{ pack: vat }], { record: order });
    expect(decisions.lines).toEqual([
      { line: order.lines[0], vat: { account: '3001', vatPercent: '25' } },
      { line: order.lines[1], vat: { account: '3520', vatPercent: '25', index: 1 } },
      { line: order.lines[2], vat: { account: '3001', review: true } },
    ]);
    expect(brief(trace)).toEqual([
      'vat[0] shipping NOT_MATCHED',
      'vat[0] standard MATCHED',
      'vat[1] shipping MATCHED',
      'vat[2] shipping NOT_MATCHED',
      'vat[2] standard NOT_MATCHED',
      'vat[2] (default) DEFAULT',
    ]);
  });

  it('later packs read earlier decisions (decisions.document, decisions.lines[i].vat)', () => {
    const { decisions } = evaluatePacks([{ pack: documentKind }, { pack: vat }, { pack: rows }], {
      record: order,
    });
    expect(decisions.rows).toEqual({
      kind: 'both',
      rows: [
        { sku: 'MUG', account: '3001' },
        { sku: null, account: '3520' },
        { sku: 'BOOK', account: '3001' },
      ],
    });
  });

  it('adds to the decisions it is given without changing them', () => {
    const before = { document: { kind: 'invoice' }, lines: [{ line: {}, earlier: 'x' }] };
    const { decisions } = evaluatePacks([{ pack: vat }], {
      record: { lines: [{ taxRate: '25' }] },
      decisions: before,
    });
    expect(decisions).toEqual({
      document: { kind: 'invoice' },
      lines: [{ line: { taxRate: '25' }, earlier: 'x', vat: { account: '3001', vatPercent: '25' } }],
    });
    expect(before).toEqual({ document: { kind: 'invoice' }, lines: [{ line: {}, earlier: 'x' }] });
  });

  it('strategy all merges every matching rule, later rules winning per key', () => {
    const pack = mustCompile(`${HEADER}scope: order
output: flags
strategy: all
rules:
  - { id: base, when: true, then: { account: "3001", review: false } }
  - { id: eu, when: { var: record.eu }, then: { account: "3106", eu: true } }
  - { id: never, when: false, then: { account: "0000" } }
  - { id: risky, when: { var: record.risky }, then: { review: true } }
default:
  then: { account: none }
`);
    const { decisions, trace } = evaluatePacks([{ pack }], { record: { eu: true, risky: true } });
    expect(decisions.flags).toEqual({ account: '3106', review: true, eu: true });
    expect(brief(trace)).toEqual([
      'demo base MATCHED',
      'demo eu MATCHED',
      'demo never NOT_MATCHED',
      'demo risky MATCHED',
    ]);
    expect(
      evaluatePacks([{ pack }], { record: {} }, { rules: { 'demo/base': false } }).decisions.flags,
    ).toEqual({ account: 'none' });
  });

  it('tenant, steps and params are readable by rules', () => {
    const pack = mustCompile(`${HEADER}scope: order
output: info
rules:
  - id: read
    when: true
    then: { shop: { var: tenant.name }, customer: { var: steps.customer.output.CustomerNumber } }
`);
    const { decisions } = evaluatePacks([{ pack }], {
      record: {},
      tenant: { name: 'Acme' },
      steps: { customer: { output: { CustomerNumber: '1001' } } },
    });
    expect(decisions.info).toEqual({ shop: 'Acme', customer: '1001' });
  });
});
