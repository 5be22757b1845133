import jsonLogic, { type AdditionalOperation, type RulesLogic } from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../../core/expr/compile.ts';
import { ExpressionError, evaluate, validateExpression } from '../../../core/expr/index.ts';
import { operatorPointers } from '../../../core/expr/validate.ts';
import { seededRandom } from './call.ts';

/**
 * The compiler (core/expr/compile.ts) must mean exactly what json-logic-js 2.0.5 means, with the
 * table core/expr/registry.ts set up. Random expressions over random data, compiled and
 * interpreted, must agree: the same value (deep, strict), or the same error.
 */

type Random = () => number;

const KEYS = ['a', 'b', 'c', 'x', 'list', 'n', 's', '0', '1', 'current', 'accumulator', 'length'];
const STRINGS = ['', 'a', 'b', 'abc', 'a.b', '0', '1', '25', '-3', '10.50', 'SE', 'x y', 'true', 'null'];
const NUMBERS = [0, 1, 2, -1, 3, 25, 0.5, -2.5, 100, Number.MAX_SAFE_INTEGER];
const PATHS: readonly unknown[] = [
  '',
  'a',
  'b',
  'c',
  'x',
  'n',
  's',
  'list',
  'a.b',
  'a.x',
  'a.b.c',
  'list.0',
  'list.1',
  'list.0.a',
  'list.length',
  's.length',
  'nope',
  'nope.deeper',
  'current',
  'accumulator',
  'current.a',
  'constructor',
  'a.toString',
  '__proto__',
  0,
  1,
  null,
];
const BINARY = ['==', '===', '!=', '!==', '>', '>=', '<', '<=', 'in'];
const VARIADIC = ['cat', 'merge', 'max', 'min', 'and', 'or', 'if', 'missing'];
const SCOPED = ['map', 'filter', 'reduce', 'all', 'none', 'some'];
/** Not in the table: json-logic-js fails with "Unrecognized operation". */
const FOREIGN = ['+', '-', 'log', '?:', 'nope', 'money.nope', 'var.length', 'toString'];

function pick<T>(random: Random, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)]!;
}

function scalar(random: Random): unknown {
  const r = random();
  if (r < 0.15) return null;
  if (r < 0.25) return random() < 0.5;
  if (r < 0.6) return pick(random, NUMBERS);
  return pick(random, STRINGS);
}

function randomData(random: Random, depth: number): unknown {
  const r = random();
  if (depth <= 0 || r < 0.45) return scalar(random);
  if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => randomData(random, depth - 1));
  const object: Record<string, unknown> = {};
  const count = Math.floor(random() * 4);
  for (let i = 0; i < count; i++) object[pick(random, KEYS)] = randomData(random, depth - 1);
  return object;
}

function rootData(random: Random): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const key of KEYS) if (random() < 0.6) data[key] = randomData(random, 3);
  if (random() < 0.7) {
    data.list = Array.from({ length: Math.floor(random() * 5) }, () =>
      random() < 0.7 ? { a: scalar(random), b: randomData(random, 2) } : randomData(random, 2),
    );
  }
  return data;
}

function args(random: Random, depth: number, count: number): unknown[] {
  return Array.from({ length: count }, () => expression(random, depth - 1));
}

/** Mostly the arity validation allows, sometimes any: the compiler must handle both. */
function arity(random: Random, usual: number): number {
  return random() < 0.85 ? usual : Math.floor(random() * 5);
}

/** `{op: [args]}`, or with one argument sometimes the unary form `{op: arg}`. */
function node(random: Random, op: string, values: unknown[]): unknown {
  return values.length === 1 && random() < 0.4 ? { [op]: values[0] } : { [op]: values };
}

function varExpression(random: Random, depth: number): unknown {
  const r = random();
  const path = random() < 0.1 && depth > 0 ? expression(random, depth - 1) : pick(random, PATHS);
  if (r < 0.45) return { var: path };
  if (r < 0.6) return { var: [path] };
  if (r < 0.85) return { var: [path, random() < 0.5 ? scalar(random) : expression(random, depth - 1)] };
  if (r < 0.9) return { var: [] };
  return { var: args(random, depth, 3) };
}

function expression(random: Random, depth: number): unknown {
  const r = random();
  if (depth <= 0 || r < 0.12) return scalar(random);
  if (r < 0.3) return varExpression(random, depth);
  if (r < 0.34) return args(random, depth, Math.floor(random() * 3));
  if (r < 0.36) return random() < 0.5 ? { a: 1, b: 2 } : {};
  if (r < 0.52) {
    const op = pick(random, BINARY);
    const count = op === '<' || op === '<=' ? pick(random, [2, 2, 3]) : arity(random, 2);
    return node(random, op, args(random, depth, count));
  }
  if (r < 0.58) return node(random, pick(random, ['!', '!!']), args(random, depth, arity(random, 1)));
  if (r < 0.7) {
    const op = pick(random, VARIADIC);
    if (op === 'missing' && random() < 0.6) {
      return { missing: Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(random, PATHS)) };
    }
    return node(random, op, args(random, depth, Math.floor(random() * 5)));
  }
  if (r < 0.75) return node(random, 'substr', args(random, depth, arity(random, pick(random, [2, 3]))));
  if (r < 0.88) {
    const op = pick(random, SCOPED);
    const source =
      random() < 0.7
        ? { var: pick(random, ['list', 'a', 'x', 'nope', 'list.0.b']) }
        : expression(random, depth - 1);
    const count = op === 'reduce' ? pick(random, [2, 3]) : 2;
    const values = [source, expression(random, depth - 1)];
    if (count === 3) values.push(expression(random, depth - 1));
    return { [op]: random() < 0.9 ? values : values.slice(0, Math.floor(random() * 2)) };
  }
  if (r < 0.91) {
    const options =
      random() < 0.7 ? PATHS.slice(0, 1 + Math.floor(random() * 6)) : expression(random, depth - 1);
    return { missing_some: [pick(random, [0, 1, 2, 5]), options] };
  }
  if (r < 0.97) return customExpression(random, depth);
  return node(random, pick(random, FOREIGN), args(random, depth, Math.floor(random() * 3)));
}

function customExpression(random: Random, depth: number): unknown {
  const reads = (): unknown => (random() < 0.7 ? varExpression(random, 0) : expression(random, depth - 1));
  switch (Math.floor(random() * 6)) {
    case 0:
      return { 'money.add': Array.from({ length: 1 + Math.floor(random() * 4) }, reads) };
    case 1:
      return { 'money.eq': [reads(), random() < 0.5 ? '25' : reads()] };
    case 2:
      return { 'str.trim': reads() };
    case 3:
      return { lookup: [{ var: 'a' }, reads(), ...(random() < 0.5 ? [reads()] : [])] };
    case 4:
      return { 'str.truncate': [reads(), random() < 0.5 ? 2 : reads()] };
    default:
      return { 'money.sum': [{ map: [{ var: 'list' }, { var: 'a' }] }] };
  }
}

type Outcome = { readonly value: unknown } | { readonly error: string; readonly message: string };

function outcome(run: () => unknown): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    return error instanceof Error
      ? { error: error.constructor.name, message: error.message }
      : { error: typeof error, message: String(error) };
  }
}

function interpreted(expression: unknown, data: unknown): unknown {
  return jsonLogic.apply(expression as RulesLogic<AdditionalOperation>, data);
}

/** What evaluate did before it compiled: validate, json-logic-js, then the same error wrapping. */
function evaluatedBefore(expression: unknown, data: Record<string, unknown>): unknown {
  try {
    return interpreted(expression, data);
  } catch (error) {
    if (!(error instanceof ExpressionError)) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ExpressionError(`expression failed: ${message}`, { cause: error });
    }
    if (error.pointer !== undefined || error.operator === undefined) throw error;
    const pointers = operatorPointers(expression, error.operator);
    throw pointers.length === 1 ? error.located({ pointer: pointers[0]! }) : error;
  }
}

function located(run: () => unknown): unknown {
  try {
    return { value: run() };
  } catch (error) {
    if (!(error instanceof ExpressionError)) return { foreign: String(error) };
    return { message: error.message, operator: error.operator, pointer: error.pointer };
  }
}

describe('compileExpression', () => {
  it('agrees with json-logic-js on random expressions over random data', () => {
    const random = seededRandom(20261129);
    let threw = 0;
    let compared = 0;
    for (let i = 0; i < 4000; i++) {
      const expression = expression_(random, 1 + Math.floor(random() * 4));
      const compiled = compileExpression(expression);
      for (let j = 0; j < 3; j++) {
        const data = rootData(random);
        const expected = outcome(() => interpreted(expression, data));
        const actual = outcome(() => compiled(data));
        if ('error' in expected) threw++;
        compared++;
        expect(actual, JSON.stringify({ expression, data })).toStrictEqual(expected);
      }
    }
    // The generator must reach both sides, or the comparison proves little.
    expect(threw).toBeGreaterThan(compared / 50);
    expect(threw).toBeLessThan(compared / 2);
  });

  it('evaluates valid random expressions to what evaluate gave before, errors included', () => {
    const random = seededRandom(7);
    let valid = 0;
    for (let i = 0; i < 4000; i++) {
      const expression = expression_(random, 1 + Math.floor(random() * 4));
      if (validateExpression(expression).length > 0) continue;
      valid++;
      for (let j = 0; j < 2; j++) {
        const data = rootData(random);
        expect(
          located(() => evaluate(expression, data)),
          JSON.stringify({ expression, data }),
        ).toStrictEqual(located(() => evaluatedBefore(expression, data)));
      }
    }
    expect(valid).toBeGreaterThan(500);
  });

  it('keeps the corner cases of json-logic-js', () => {
    const data = { a: { b: [1, 2] }, s: 'abc', list: [{ a: 1 }, { a: 0 }], nil: null, empty: '' };
    const cases: unknown[] = [
      { and: [] },
      { or: [] },
      { if: [] },
      { if: [0, 1] },
      { if: [0, 1, [], 2, 'else'] },
      { '==': [[], false] },
      { '==': [null, undefined] },
      { '<': [1, 2, 3] },
      { '<': [1, 3, 2] },
      { in: ['b', 'abc'] },
      { in: [1, { var: 'a.b' }] },
      { in: [1, { var: 'nil' }] },
      { cat: [null, 1, [1, 2], 'x'] },
      { substr: ['abcdef', -4, -1] },
      { substr: ['abcdef', 1] },
      { merge: [1, [2, [3]], null] },
      { max: [] },
      { min: ['3', 1] },
      { map: [{ var: 'list' }, { var: 'a' }] },
      { map: [{ var: 's' }, { var: 'a' }] },
      { filter: [{ var: 'list' }, { var: 'a' }] },
      { reduce: [{ var: 'a.b' }, { cat: [{ var: 'accumulator' }, { var: 'current' }] }] },
      { reduce: [{ var: 'nope' }, 1, 'initial'] },
      { all: [[], true] },
      { none: [[], true] },
      { some: [{ var: 'list' }, { var: 'a' }] },
      { var: ['nope', { var: 's' }] },
      { var: ['s.length'] },
      { var: 1 },
      { var: [] },
      { missing: [['s', 'nope']] },
      { missing: ['nil', 'a.b.0', 'empty', 's'] },
      { missing: [{ var: 'a' }, ['s', 'x'], 0] },
      { missing_some: [1, ['s', 'nope']] },
      { missing_some: [1, { var: 'nope' }] },
      { '+': [1, 2] },
      { 'money.nope': [1] },
      { a: 1, b: 2 },
      [{ var: 's' }, [{ var: 'a.b.1' }]],
    ];
    for (const expression of cases) {
      expect(
        outcome(() => compileExpression(expression)(data)),
        JSON.stringify(expression),
      ).toStrictEqual(outcome(() => interpreted(expression, data)));
    }
  });

  it('compiles an expression object once, and returns fresh arrays on every call', () => {
    const expression = Object.freeze({ merge: [[1], { var: 'x' }] });
    expect(compileExpression(expression)).toBe(compileExpression(expression));
    const literal = Object.freeze([1, 2]);
    const first = compileExpression(literal)({}) as unknown[];
    first.push(3);
    expect(compileExpression(literal)({})).toEqual([1, 2]);
  });
});

/** `expression` is also the name of the generator's parameter elsewhere; an alias keeps it readable. */
const expression_ = expression;
