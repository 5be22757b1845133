import { describe, expect, it } from 'vitest';
import { collectVarPaths, validateExpression } from '../../../core/expr/index.ts';

describe('validateExpression', () => {
  it('finds nothing wrong with a valid expression', () => {
    const expression = {
      and: [
        { in: [{ var: 'record.status' }, ['processing', 'completed']] },
        { 'money.gte': [{ var: 'record.total' }, '0'] },
        { 'date.between': [{ 'date.local': { var: 'record.createdAt' } }, '2026-04-01', null] },
        { some: [{ var: 'record.lines' }, { '===': [{ var: 'kind' }, 'shipping'] }] },
      ],
    };
    expect(validateExpression(expression)).toEqual([]);
    expect(validateExpression(true)).toEqual([]);
    expect(validateExpression([1, 'a', null])).toEqual([]);
  });

  it('reports an unknown operator with its pointer and the nearest valid name', () => {
    expect(validateExpression({ and: [true, { 'money.ad': ['1', '2'] }] })).toEqual([
      {
        code: 'unknown-operator',
        pointer: '/and/1/money.ad',
        message: 'unknown operator "money.ad"; did you mean "money.add"?',
        suggestion: 'money.add',
      },
    ]);
  });

  it.each([
    ['monye.add', 'money.add'],
    ['Money.Round', 'money.round'],
    ['round', 'money.round'],
    ['allocate', 'money.allocate'],
    ['date.addDay', 'date.addDays'],
    ['str.trimm', 'str.trim'],
    ['vat.validnumber', 'vat.validNumber'],
    ['eu.members', 'eu.member'],
    ['mising', 'missing'],
    ['filtr', 'filter'],
    ['lookUp', 'lookup'],
    ['====', '==='],
  ])('suggests a name for %s', (typo, suggestion) => {
    expect(validateExpression({ [typo]: [1, 2] })[0]?.suggestion).toBe(suggestion);
  });

  it('does not suggest anything for a name that is nowhere near', () => {
    const [problem] = validateExpression({ frobnicate: [1] });
    expect(problem).toEqual({
      code: 'unknown-operator',
      pointer: '/frobnicate',
      message: 'unknown operator "frobnicate"',
    });
  });

  it('explains why a refused built-in is refused and what to use instead', () => {
    expect(validateExpression({ '*': [{ var: 'qty' }, { var: 'price' }] })).toEqual([
      {
        code: 'disallowed-operator',
        pointer: '/*',
        message: 'operator "*" is not allowed: JSON-Logic arithmetic uses floats; use money.mul',
        suggestion: 'money.mul',
      },
    ]);
    expect(validateExpression({ log: 'x' })[0]).toMatchObject({
      code: 'disallowed-operator',
      message: /no I\/O/,
    });
    expect(validateExpression({ '/': [1, 2] })[0]).toMatchObject({ pointer: '/~1', suggestion: 'money.div' });
  });

  it('reports wrong argument counts for custom operators and the built-ins that have fixed counts', () => {
    expect(validateExpression({ 'money.round': ['1', 2, 'half-up', 'x'] })).toEqual([
      {
        code: 'argument-count',
        pointer: '/money.round',
        message: 'money.round takes 1 to 3 arguments (money.round(value, decimals?, mode?)), got 4',
      },
    ]);
    expect(validateExpression({ 'money.add': ['1'] })[0]?.message).toBe(
      'money.add takes at least 2 arguments (money.add(a, b, ...more)), got 1',
    );
    expect(validateExpression({ 'money.sub': '1' })[0]?.message).toBe(
      'money.sub takes 2 arguments (money.sub(a, b)), got 1',
    );
    expect(validateExpression({ 'str.trim': [] })[0]?.message).toBe(
      'str.trim takes 1 argument (str.trim(s)), got 0',
    );
    expect(validateExpression({ map: [{ var: 'x' }] })[0]?.code).toBe('argument-count');
    expect(validateExpression({ '!': [1, 2] })[0]?.code).toBe('argument-count');
    expect(validateExpression({ 'money.add': ['1', '2', '3', '4'] })).toEqual([]);
    expect(validateExpression({ cat: [] })).toEqual([]);
  });

  it('checks literal arguments the way the operator will at run time', () => {
    expect(validateExpression({ 'money.add': [{ var: 'x' }, 0.1] })).toEqual([
      {
        code: 'invalid-argument',
        pointer: '/money.add/1',
        message:
          'money.add: argument 2 (b) must be a decimal string ("123.45") or an integer, got the float 0.1 ' +
          '(floats are never money: write "0.1" as a string)',
      },
    ]);
    expect(validateExpression({ 'money.round': [{ var: 'x' }, 2, 'nearest'] })[0]).toMatchObject({
      pointer: '/money.round/2',
      message: /must be one of 'half-up'/,
    });
    expect(validateExpression({ 'date.between': [{ var: 'd' }, '2026-13-01', null] })[0]?.pointer).toBe(
      '/date.between/1',
    );
    expect(validateExpression({ 'date.local': [{ var: 't' }, 'Mars/Olympus'] })[0]?.code).toBe(
      'invalid-argument',
    );
    expect(validateExpression({ 'money.sum': [['1', 2.5]] })[0]?.pointer).toBe('/money.sum/0');
    expect(validateExpression({ 'money.add': ['1', '2', 0.5] })[0]?.pointer).toBe('/money.add/2');
    expect(validateExpression({ 'str.trim': 5.5 })).toEqual([]);
  });

  it('does not guess at arguments computed by other operators', () => {
    expect(validateExpression({ 'money.add': [{ var: 'x' }, { if: [true, '1', '2'] }] })).toEqual([]);
    expect(validateExpression({ 'money.sum': [[{ var: 'a' }, '1']] })).toEqual([]);
  });

  it('reports objects that are not { operator: args }', () => {
    expect(validateExpression({ lookup: [{ SE: '3001', DK: '3108' }, 'SE'] })).toEqual([
      {
        code: 'not-an-expression',
        pointer: '/lookup/0',
        message:
          'an object in an expression must have exactly one key, its operator; this one has 2 (SE, DK). ' +
          'Tables belong in params, read with lookup',
      },
    ]);
    expect(validateExpression({ and: [{}] })[0]).toMatchObject({
      pointer: '/and/0',
      message: 'an empty object is not an expression',
    });
  });

  it('finds problems at any depth, including inside scoped arguments, and prefixes pointers', () => {
    const problems = validateExpression(
      { map: [{ var: 'lines' }, { if: [{ 'money.gtt': [{ var: 'total' }, '1'] }, 'big', 'small'] }] },
      '/steps/0/if',
    );
    expect(problems).toEqual([
      expect.objectContaining({ pointer: '/steps/0/if/map/1/if/0/money.gtt', suggestion: 'money.gt' }),
    ]);
  });
});

describe('collectVarPaths', () => {
  it('reports every var with its pointer', () => {
    expect(
      collectVarPaths({
        and: [
          { var: 'record.customer.email' },
          { 'money.gt': [{ var: ['record.total', '0'] }, { var: 'params.limit' }] },
        ],
      }),
    ).toEqual([
      { path: 'record.customer.email', pointer: '/and/0/var', scope: 'root' },
      { path: 'record.total', pointer: '/and/1/money.gt/0/var', scope: 'root' },
      { path: 'params.limit', pointer: '/and/1/money.gt/1/var', scope: 'root' },
    ]);
  });

  it('marks paths read inside map/filter/reduce/all/none/some as element-relative', () => {
    const refs = collectVarPaths({
      reduce: [
        { filter: [{ var: 'record.lines' }, { '===': [{ var: 'kind' }, 'item'] }] },
        { 'money.add': [{ var: 'accumulator' }, { var: 'current.total' }] },
        { var: 'params.start' },
      ],
    });
    expect(refs.map((r) => [r.path, r.scope])).toEqual([
      ['record.lines', 'root'],
      ['kind', 'element'],
      ['accumulator', 'element'],
      ['current.total', 'element'],
      ['params.start', 'root'],
    ]);
  });

  it('keeps element scope for an array taken from an element', () => {
    const refs = collectVarPaths({
      some: [{ var: 'orders' }, { some: [{ var: 'lines' }, { var: 'virtual' }] }],
    });
    expect(refs.map((r) => [r.path, r.scope])).toEqual([
      ['orders', 'root'],
      ['lines', 'element'],
      ['virtual', 'element'],
    ]);
  });

  it('reports the whole-data var as "", numeric paths as strings, and missing/missing_some paths', () => {
    expect(collectVarPaths({ var: '' })).toEqual([{ path: '', pointer: '/var', scope: 'root' }]);
    expect(collectVarPaths({ var: [] })).toEqual([{ path: '', pointer: '/var', scope: 'root' }]);
    expect(collectVarPaths({ var: 0 })).toEqual([{ path: '0', pointer: '/var', scope: 'root' }]);
    expect(collectVarPaths({ missing: ['record.a', 'record.b'] }).map((r) => [r.path, r.pointer])).toEqual([
      ['record.a', '/missing/0'],
      ['record.b', '/missing/1'],
    ]);
    expect(collectVarPaths({ missing: 'record.a' }).map((r) => [r.path, r.pointer])).toEqual([
      ['record.a', '/missing'],
    ]);
    expect(collectVarPaths({ missing_some: [1, ['record.a', 'record.b']] }).map((r) => r.pointer)).toEqual([
      '/missing_some/1/0',
      '/missing_some/1/1',
    ]);
  });

  it('skips a computed path but reports the vars that compute it', () => {
    expect(collectVarPaths({ var: { cat: ['record.', { var: 'params.field' }] } })).toEqual([
      { path: 'params.field', pointer: '/var/cat/1/var', scope: 'root' },
    ]);
  });
});
