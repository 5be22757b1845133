import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluate } from '../../../core/expr/index.ts';

function thrown(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('evaluate', () => {
  const data = {
    record: {
      status: 'processing',
      total: '904.57',
      lines: [{ total: '10' }, { total: '0.5' }],
      country: 'SE',
    },
    params: { limit: '1000' },
  };

  it('runs the allowed built-ins as json-logic-js does', () => {
    expect(evaluate({ in: [{ var: 'record.status' }, ['processing', 'completed']] }, data)).toBe(true);
    expect(evaluate({ if: [{ '===': [{ var: 'record.country' }, 'SE'] }, 'domestic', 'abroad'] }, data)).toBe(
      'domestic',
    );
    expect(evaluate({ cat: ['order:', { var: 'record.status' }] }, data)).toBe('order:processing');
    expect(
      evaluate({ filter: [{ var: 'record.lines' }, { 'money.gt': [{ var: 'total' }, '1'] }] }, data),
    ).toEqual([{ total: '10' }]);
    expect(evaluate({ missing: ['record.status', 'record.nope'] }, data)).toEqual(['record.nope']);
    expect(evaluate({ '!': [{ var: 'record.nope' }] }, data)).toBe(true);
  });

  it('returns scalars and null as they are', () => {
    expect(evaluate(true, data)).toBe(true);
    expect(evaluate('text', data)).toBe('text');
    expect(evaluate(null, data)).toBeNull();
    expect(evaluate(undefined, data)).toBeUndefined();
  });

  it('combines built-ins and money operators', () => {
    const overLimit = {
      'money.gt': [
        { 'money.sum': [{ map: [{ var: 'record.lines' }, { var: 'total' }] }] },
        { var: 'params.limit' },
      ],
    };
    expect(evaluate(overLimit, data)).toBe(false);
    const reduced = {
      reduce: [
        { var: 'record.lines' },
        { 'money.add': [{ var: 'accumulator' }, { var: 'current.total' }] },
        '0',
      ],
    };
    expect(evaluate(reduced, data)).toBe('10.5');
  });

  it('does not run an expression that fails validation, and lists every problem', () => {
    const error = thrown(() => evaluate({ and: [{ 'monye.add': [1, 2] }, { '+': [1, 2] }] }, data));
    expect(error.message).toBe(
      'invalid expression: unknown operator "monye.add"; did you mean "money.add"? (at /and/0/monye.add); ' +
        'operator "+" is not allowed: JSON-Logic arithmetic uses floats; use money.add (exact, takes integers too) (at /and/1/+)',
    );
    expect(error.problems.map((p) => p.code)).toEqual(['unknown-operator', 'disallowed-operator']);
    expect(error.pointer).toBe('/and/0/monye.add');
  });

  it('refuses a literal float where money is expected before running anything', () => {
    const error = thrown(() => evaluate({ 'money.add': [{ var: 'record.total' }, 0.1] }, data));
    expect(error.problems[0]).toMatchObject({ code: 'invalid-argument', pointer: '/money.add/1' });
    expect(error.message).toMatch(/float 0\.1/);
  });

  it('names the operator of a run-time failure, and its pointer when only one node uses it', () => {
    const error = thrown(() =>
      evaluate({ and: [true, { 'money.add': [{ var: 'record.total' }, { var: 'record.nope' }] }] }, data),
    );
    expect(error.message).toBe(
      'money.add: argument 2 (b) must be a decimal string ("123.45") or an integer, got null',
    );
    expect(error.operator).toBe('money.add');
    expect(error.pointer).toBe('/and/1/money.add');
  });

  it('leaves the pointer out when several nodes use the failing operator', () => {
    const expression = { or: [{ 'money.gt': [{ var: 'a' }, '1'] }, { 'money.gt': [{ var: 'b' }, '1'] }] };
    const error = thrown(() => evaluate(expression, { a: '0', b: 0.5 }));
    expect(error.operator).toBe('money.gt');
    expect(error.pointer).toBeUndefined();
  });

  it('wraps an error from a built-in in an ExpressionError with the cause', () => {
    const error = thrown(() => evaluate({ missing_some: [1, { var: 'nope' }] }, data));
    expect(error.message).toMatch(/^expression failed: /);
    expect(error.cause).toBeInstanceOf(TypeError);
  });

  it('validates an expression once, then reuses it for every record', () => {
    const expression = Object.freeze({ 'money.add': [{ var: 'a' }, '1'] });
    expect(evaluate(expression, { a: '1' })).toBe('2');
    expect(evaluate(expression, { a: '2.5' })).toBe('3.5');
    expect(() => evaluate(expression, { a: 0.5 })).toThrow(/float/);
  });

  it('does not change the data or the expression', () => {
    const expression = { 'money.allocate': [{ var: 'amount' }, { var: 'weights' }] };
    const input = { amount: '10', weights: ['1', '2'] };
    const before = JSON.stringify({ expression, input });
    evaluate(expression, input);
    expect(JSON.stringify({ expression, input })).toBe(before);
  });
});
