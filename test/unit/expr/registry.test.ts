import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsonLogic from 'json-logic-js';
import { describe, expect, it } from 'vitest';
import { OPERATORS, describeOperator, evaluate } from '../../../core/expr/index.ts';
import { CUSTOM_OPERATORS } from '../../../core/expr/registry.ts';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const ALLOWED_BUILTINS = [
  'var',
  'missing',
  'missing_some',
  'if',
  '==',
  '===',
  '!=',
  '!==',
  '!',
  '!!',
  'or',
  'and',
  '>',
  '>=',
  '<',
  '<=',
  'in',
  'cat',
  'substr',
  'map',
  'filter',
  'reduce',
  'all',
  'none',
  'some',
  'merge',
  'max',
  'min',
];

const CUSTOM = [
  'money.add',
  'money.sub',
  'money.mul',
  'money.div',
  'money.round',
  'money.neg',
  'money.abs',
  'money.cmp',
  'money.eq',
  'money.lt',
  'money.lte',
  'money.gt',
  'money.gte',
  'money.sum',
  'money.allocate',
  'money.vatOf',
  'money.net',
  'date.local',
  'date.cmp',
  'date.before',
  'date.after',
  'date.between',
  'date.addDays',
  'str.trim',
  'str.upper',
  'str.lower',
  'str.truncate',
  'str.pad',
  'str.replace',
  'str.digits',
  'str.default',
  'lookup',
  'vat.validNumber',
  'eu.member',
];

describe('operator registry', () => {
  it('allows exactly the chosen built-ins and the custom operators', () => {
    expect([...OPERATORS].sort()).toEqual([...ALLOWED_BUILTINS, ...CUSTOM].sort());
  });

  it('leaves out float arithmetic, log and method', () => {
    for (const name of ['+', '-', '*', '/', '%', 'log', 'method', '?:'])
      expect(OPERATORS.has(name), name).toBe(false);
  });

  it('cannot be changed at run time', () => {
    const mutable = OPERATORS as Set<string>;
    expect(() => mutable.add('eval')).toThrow(TypeError);
    expect(() => mutable.delete('var')).toThrow(TypeError);
    expect(() => mutable.clear()).toThrow(TypeError);
    expect(Object.isFrozen(OPERATORS)).toBe(true);
    expect(OPERATORS.has('eval')).toBe(false);
    expect(OPERATORS.has('var')).toBe(true);
  });

  it('describes every operator with a signature and a description', () => {
    for (const name of OPERATORS) {
      const info = describeOperator(name)!;
      expect(info.signature.startsWith(`${name}(`), name).toBe(true);
      expect(info.description.length, name).toBeGreaterThan(10);
      expect(info.minArgs).toBeLessThanOrEqual(info.maxArgs);
      expect(info.kind).toBe(CUSTOM.includes(name) ? 'custom' : 'builtin');
    }
    expect(describeOperator('money.round')).toMatchObject({
      signature: 'money.round(value, decimals?, mode?)',
      minArgs: 1,
      maxArgs: 3,
    });
    expect(describeOperator('money.add')).toMatchObject({ minArgs: 2, maxArgs: Infinity });
    expect(describeOperator('+')).toBeUndefined();
  });

  it('registers the custom operators with json-logic-js, and removes the refused built-ins from its table', () => {
    expect(CUSTOM_OPERATORS.map((op) => op.name).sort()).toEqual([...CUSTOM].sort());
    // Even a raw apply (which nothing may do) gets decimal money and no float arithmetic.
    expect(jsonLogic.apply({ 'money.add': ['0.1', '0.2'] } as never, {})).toBe('0.3');
    expect(() => jsonLogic.apply({ '+': [1, 2] } as never, {})).toThrow(/Unrecognized operation \+/);
    expect(() => jsonLogic.apply({ log: 'x' } as never, {})).toThrow(/Unrecognized operation log/);
  });

  it("replaces var with one that follows only the data's own properties", () => {
    const data = { record: { lines: [{ sku: 'A' }], name: 'Anna' } };
    expect(evaluate({ var: 'record.lines.0.sku' }, data)).toBe('A');
    expect(evaluate({ var: 'record.name.length' }, data)).toBe(4);
    expect(evaluate({ var: 'record.lines.length' }, data)).toBe(1);
    expect(evaluate({ var: ['record.missing', 'fallback'] }, data)).toBe('fallback');
    expect(evaluate({ var: 'record.missing' }, data)).toBeNull();
    expect(evaluate({ var: '' }, data)).toBe(data);
    expect(evaluate({ var: [] }, data)).toBe(data);
    expect(evaluate({ var: 'record.constructor' }, data)).toBeNull();
    expect(evaluate({ var: 'record.__proto__' }, data)).toBeNull();
    expect(evaluate({ var: 'record.name.toString' }, data)).toBeNull();
    expect(evaluate({ missing: ['record.name', 'record.constructor'] }, data)).toEqual([
      'record.constructor',
    ]);
    expect(evaluate({ map: [{ var: 'record.lines' }, { var: 'sku' }] }, data)).toEqual(['A']);
  });

  it('is the only module in the repository that changes the json-logic-js operator table', () => {
    // Built from parts so this file does not match itself.
    const calls = ['add', 'rm'].map((verb) => `${verb}_${'operation'}`);
    const offenders: string[] = [];
    for (const file of sourceFiles(REPO_ROOT)) {
      const path = relative(REPO_ROOT, file).split(sep).join('/');
      if (path === 'core/expr/registry.ts') continue;
      const text = readFileSync(file, 'utf8');
      for (const name of calls) if (text.includes(name)) offenders.push(`${path} (${name})`);
    }
    expect(offenders, 'only core/expr/registry.ts may call these; use core/expr instead').toEqual([]);
    expect(readFileSync(join(REPO_ROOT, 'core/expr/registry.ts'), 'utf8')).toContain(calls[0]);
  });
});

const SKIPPED_DIRECTORIES = new Set(['node_modules', 'coverage', 'dist', '.git', '.koppla']);
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;

function* sourceFiles(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.'))
        yield* sourceFiles(join(directory, entry.name));
    } else if (entry.isFile() && SOURCE_FILE.test(entry.name)) {
      yield join(directory, entry.name);
    }
  }
}
