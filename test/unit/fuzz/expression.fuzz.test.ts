/**
 * Fuzzing the JSON-Logic evaluator facade (core/expr evaluate and renderTemplate): random
 * expressions over Koppla's operators (and unknown ones), random arguments — floats, huge numbers,
 * odd strings, deep nesting — against random data. The only error either may throw is
 * ExpressionError (the documented one, naming the operator); bounded in time, seeded, heap bounded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate, ExpressionError, OPERATORS, renderTemplate } from '../../../core/expr/index.ts';
import { FUZZ_TEST_TIMEOUT, fuzz, HEAP_GROWTH_LIMIT } from './fuzz-budget.ts';

const names = [...OPERATORS, 'nope', 'eval', '__proto__', 'constructor', 'money.nope', ''];

const leaf = fc.oneof(
  fc.constantFrom(
    '12.50',
    '-0.01',
    '1e3',
    '0x1F',
    'Infinity',
    'NaN',
    '',
    '2026-11-29',
    '2026-11-29T10:00:00+01:00',
    '25',
    'SE',
    'SE556677889901',
    '🛒',
    '\u0000',
    'record.lines',
    'record.total',
    'line.quantity',
  ),
  fc.double(),
  fc.integer(),
  fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }).map((n) => n.toString()),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 12 }),
);

const { expression } = fc.letrec<{ expression: unknown; args: unknown }>((tie) => ({
  expression: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ var: fc.constantFrom('record.total', 'record.lines', 'line', 'x.y.z', '', 'record') }),
    fc.dictionary(fc.constantFrom(...names), tie('args'), { minKeys: 1, maxKeys: 1 }),
    fc.array(tie('expression'), { maxLength: 3 }),
  ),
  args: fc.oneof(fc.array(tie('expression'), { maxLength: 4 }), tie('expression')),
}));

const data = fc.record({
  record: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record({
      total: leaf,
      lines: fc.array(fc.record({ quantity: leaf, total: leaf, taxRate: leaf }), { maxLength: 5 }),
    }),
  ),
});

function check([expr, input]: [unknown, { record: unknown }]): void {
  for (const run of [() => evaluate(expr, input), () => renderTemplate({ value: expr }, input)]) {
    try {
      const result = run();
      // whatever comes back can be stored: no functions, no cycles
      JSON.stringify(result, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value));
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      expect(error.message.length).toBeGreaterThan(0);
    }
  }
}

describe('fuzz: JSON-Logic evaluator facade', () => {
  it(
    'throws only ExpressionError, returns storable values',
    () => {
      const report = fuzz('expressions', fc.tuple(expression, data), check);
      expect(report.heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
    FUZZ_TEST_TIMEOUT,
  );
});
