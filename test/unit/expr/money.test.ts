import { describe, expect, it } from 'vitest';
import { ExpressionError, evaluate } from '../../../core/expr/index.ts';
import { call } from './call.ts';

describe('money arithmetic', () => {
  it('adds decimal strings and integers exactly', () => {
    expect(call('money.add', '0.1', '0.2')).toBe('0.3');
    expect(call('money.add', '1.10', '2.20')).toBe('3.3');
    expect(call('money.add', 100, '0.01')).toBe('100.01');
    expect(call('money.add', '1', '2', '3', '-0.5')).toBe('5.5');
  });

  it('subtracts, multiplies, negates and takes absolute values exactly', () => {
    expect(call('money.sub', '100.00', '0.01')).toBe('99.99');
    expect(call('money.sub', '1', '1.00')).toBe('0');
    expect(call('money.mul', '3', '59.90')).toBe('179.7');
    expect(call('money.mul', '0.1', '0.1')).toBe('0.01');
    expect(call('money.mul', '123456789012.34', '98765.4321')).toBe('12193263112482292.332114');
    expect(call('money.neg', '12.50')).toBe('-12.5');
    expect(call('money.neg', '0')).toBe('0');
    expect(call('money.abs', '-3.25')).toBe('3.25');
  });

  it('never returns "-0" or exponent notation', () => {
    expect(call('money.neg', 0)).toBe('0');
    expect(call('money.mul', '-1', '0')).toBe('0');
    expect(call('money.round', '-0.001', 2)).toBe('0.00');
    expect(call('money.mul', '0.0000001', '0.0000001')).toBe('0.00000000000001');
    expect(call('money.mul', '100000000000', '100000000000')).toBe('10000000000000000000000');
  });

  it('sums an array, and an empty array is "0"', () => {
    expect(call('money.sum', ['10.10', '20.205', 5])).toBe('35.305');
    expect(call('money.sum', [])).toBe('0');
  });

  it('sums a field of every line with map', () => {
    const data = { record: { lines: [{ total: '398.00' }, { total: '129.00' }, { total: '0.01' }] } };
    expect(evaluate({ 'money.sum': [{ map: [{ var: 'record.lines' }, { var: 'total' }] }] }, data)).toBe(
      '527.01',
    );
  });

  it('nests: the result of one money operator is money for the next', () => {
    const expression = { 'money.round': [{ 'money.mul': [{ var: 'qty' }, { var: 'price' }] }, 2] };
    expect(evaluate(expression, { qty: 3, price: '33.333' })).toBe('100.00');
  });
});

describe('money.div', () => {
  it('cuts a quotient to 10 decimals half-up and drops trailing zeros by default', () => {
    expect(call('money.div', '10', '4')).toBe('2.5');
    expect(call('money.div', '10', '3')).toBe('3.3333333333');
    expect(call('money.div', '20', '3')).toBe('6.6666666667');
    expect(call('money.div', '-20', '3')).toBe('-6.6666666667');
  });

  it('rounds half-up to an explicit scale and keeps exactly that many decimals', () => {
    expect(call('money.div', '10', '3', 2)).toBe('3.33');
    expect(call('money.div', '10', '4', 2)).toBe('2.50');
    expect(call('money.div', '0.05', '2', 2)).toBe('0.03');
    expect(call('money.div', '-0.05', '2', 2)).toBe('-0.03');
    expect(call('money.div', '7', '2', 0)).toBe('4');
  });

  it('refuses division by zero', () => {
    expect(() => call('money.div', '1', '0.00')).toThrow(/money\.div: division by zero/);
  });
});

describe('money.round', () => {
  it('defaults to 2 decimals half-up (half away from zero)', () => {
    expect(call('money.round', '2.345')).toBe('2.35');
    expect(call('money.round', '-2.345')).toBe('-2.35');
    expect(call('money.round', '2.344')).toBe('2.34');
    expect(call('money.round', '5')).toBe('5.00');
  });

  it('supports half-even, down (toward zero) and up (away from zero)', () => {
    expect(call('money.round', '2.345', 2, 'half-even')).toBe('2.34');
    expect(call('money.round', '2.355', 2, 'half-even')).toBe('2.36');
    expect(call('money.round', '2.349', 2, 'down')).toBe('2.34');
    expect(call('money.round', '-2.349', 2, 'down')).toBe('-2.34');
    expect(call('money.round', '2.341', 2, 'up')).toBe('2.35');
    expect(call('money.round', '-2.341', 2, 'up')).toBe('-2.35');
  });

  it('rounds to whole kronor with 0 decimals (öresavrundning)', () => {
    expect(call('money.round', '718.40', 0)).toBe('718');
    expect(call('money.round', '718.50', 0)).toBe('719');
  });

  it('treats a null decimals or mode (an unset param) as the default', () => {
    expect(call('money.round', '1.005', null, null)).toBe('1.01');
  });

  it('rejects a bad decimals or mode', () => {
    expect(() => call('money.round', '1', -1)).toThrow(
      /money\.round: argument 2 \(decimals\) must be an integer from 0 to 20/,
    );
    expect(() => call('money.round', '1', 2.5)).toThrow(/argument 2 \(decimals\)/);
    expect(() => call('money.round', '1', 2, 'nearest')).toThrow(
      /argument 3 \(mode\) must be one of 'half-up', 'half-even', 'down', 'up'/,
    );
  });
});

describe('money comparisons', () => {
  it('compares numerically, not as text', () => {
    expect(call('money.cmp', '10.00', '9.00')).toBe(1);
    expect(call('money.cmp', '1.50', '1.5')).toBe(0);
    expect(call('money.cmp', '-1', '0')).toBe(-1);
    expect(call('money.eq', '1.50', '1.5')).toBe(true);
    expect(call('money.eq', '100', 100)).toBe(true);
    expect(call('money.eq', '0.1', '0.10000001')).toBe(false);
    expect(call('money.lt', '9.99', '10')).toBe(true);
    expect(call('money.lte', '10.00', '10')).toBe(true);
    expect(call('money.gt', '10.00', '9.00')).toBe(true);
    expect(call('money.gte', '9.00', '10.00')).toBe(false);
  });
});

describe('money input', () => {
  it('rejects a JS float, naming operator, argument and value', () => {
    expect(() => call('money.add', '1', 0.1)).toThrow(ExpressionError);
    expect(() => call('money.add', '1', 0.1)).toThrow(
      'money.add: argument 2 (b) must be a decimal string ("123.45") or an integer, got the float 0.1 ' +
        '(floats are never money: write "0.1" as a string)',
    );
    for (const op of [
      'money.sub',
      'money.mul',
      'money.div',
      'money.cmp',
      'money.eq',
      'money.lt',
      'money.gte',
    ]) {
      expect(() => call(op, 19.99, '1')).toThrow(
        new RegExp(`^${op.replace('.', '\\.')}: argument 1 \\(a\\).*float 19\\.99`),
      );
    }
    expect(() => call('money.round', 2.5)).toThrow(/float/);
    expect(() => call('money.sum', ['1', 2.5])).toThrow(/money\.sum: argument 1 \(values\[1\]\).*float 2\.5/);
  });

  it('rejects what decimal.js would accept but money never is', () => {
    for (const bad of [
      '1e3',
      ' 12',
      '12 ',
      '0x1F',
      'Infinity',
      'NaN',
      '1,50',
      '+5',
      '.5',
      '5.',
      '',
      '1 000',
    ]) {
      expect(() => call('money.add', bad, '1'), bad).toThrow(/must be a decimal string/);
    }
  });

  it('rejects null, booleans, objects and unsafe integers', () => {
    expect(() => call('money.add', null, '1')).toThrow(/argument 1 \(a\) .* got null/);
    expect(() => call('money.add', true, '1')).toThrow(/got true/);
    expect(() => call('money.add', { amount: '1' }, '1')).toThrow(/got an object/);
    expect(() => call('money.add', 2 ** 53, '1')).toThrow(/got the number/);
    expect(() => call('money.add', Number.NaN, '1')).toThrow(/got the number NaN/);
  });

  it('accepts negative, zero-padded and long decimal strings', () => {
    expect(call('money.add', '-5', '0.125')).toBe('-4.875');
    expect(call('money.add', '007.50', '0')).toBe('7.5');
    expect(call('money.add', '0.000000000000000000001', '0')).toBe('0.000000000000000000001');
  });

  it('reports a wrong argument count at run time, too', () => {
    expect(() => call('money.sub', '1')).toThrow(/money\.sub/);
  });
});
