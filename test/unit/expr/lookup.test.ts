import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../core/expr/index.ts';
import { call } from './call.ts';

describe('lookup', () => {
  const accounts = { '25': '3001', '12': '3002', '6': '3003', SE: '3001', DE: { goods: '3108' } };

  it('finds a key in a params table', () => {
    const expression = { lookup: [{ var: 'params.accounts' }, { var: 'line.taxRate' }] };
    expect(evaluate(expression, { params: { accounts }, line: { taxRate: '12' } })).toBe('3002');
    expect(call('lookup', accounts, 'DE')).toEqual({ goods: '3108' });
  });

  it('accepts an integer key', () => {
    expect(call('lookup', accounts, 25)).toBe('3001');
  });

  it('returns the fallback, or null, when the key is absent or null', () => {
    expect(call('lookup', accounts, 'NO', '3105')).toBe('3105');
    expect(call('lookup', accounts, 'NO')).toBeNull();
    expect(call('lookup', accounts, null, 'x')).toBe('x');
  });

  it('never finds inherited properties', () => {
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(call('lookup', accounts, key, 'none'), key).toBe('none');
    }
  });

  it('refuses a table that is not an object, and keys that are not strings or integers', () => {
    expect(() => call('lookup', null, 'SE')).toThrow(/lookup: argument 1 \(table\) must be an object/);
    expect(() => call('lookup', ['3001'], 0)).toThrow(/must be an object/);
    expect(() => call('lookup', accounts, 1.5)).toThrow(
      /lookup: argument 2 \(key\) must be a string or an integer/,
    );
    expect(() => call('lookup', accounts, { a: 1 })).toThrow(/argument 2 \(key\)/);
  });
});
