import { describe, expect, it } from 'vitest';
import {
  ExpressionError,
  collectTemplateVarPaths,
  renderTemplate,
  validateTemplate,
} from '../../../core/expr/index.ts';

const data = {
  record: {
    number: 'W1001',
    customer: { name: '  Anna Andersson ', email: 'Anna@Example.SE', vatNumber: null },
    lines: [
      { sku: 'A-1', quantity: '2', total: '398.00', kind: 'item' },
      { sku: 'B-2', quantity: '1', total: '129.00', kind: 'item' },
      { sku: null, quantity: '1', total: '49.00', kind: 'shipping' },
    ],
  },
  decisions: { vat: { customerVatType: 'SEVAT' } },
};

function thrown(run: () => unknown): ExpressionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('expected an ExpressionError');
}

describe('renderTemplate', () => {
  it('evaluates single-operator objects and keeps literal keys, scalars and arrays', () => {
    const template = {
      Name: { 'str.trim': { var: 'record.customer.name' } },
      Email: { 'str.lower': { var: 'record.customer.email' } },
      VATType: { var: 'decisions.vat.customerVatType' },
      Type: 'PRIVATE',
      Active: true,
      Limit: 0,
      Nothing: null,
      Tags: ['webshop', { var: 'record.number' }],
      Address: { Country: 'SE', City: { cat: ['Stock', 'holm'] } },
    };
    expect(renderTemplate(template, data)).toEqual({
      Name: 'Anna Andersson',
      Email: 'anna@example.se',
      VATType: 'SEVAT',
      Type: 'PRIVATE',
      Active: true,
      Limit: 0,
      Nothing: null,
      Tags: ['webshop', 'W1001'],
      Address: { Country: 'SE', City: 'Stockholm' },
    });
  });

  it('returns scalars as they are', () => {
    expect(renderTemplate('x', data)).toBe('x');
    expect(renderTemplate(7, data)).toBe(7);
    expect(renderTemplate(null, data)).toBeNull();
  });

  it('maps $each over an array, binding the element and its index', () => {
    const template = {
      OrderRows: {
        $each: { var: 'record.lines' },
        as: 'row',
        emit: {
          RowNo: { var: 'rowIndex' },
          ArticleNumber: { var: 'row.sku' },
          Price: { 'money.div': [{ var: 'row.total' }, { var: 'row.quantity' }, 2] },
        },
      },
    };
    expect(renderTemplate(template, data)).toEqual({
      OrderRows: [
        { RowNo: 0, ArticleNumber: 'A-1', Price: '199.00' },
        { RowNo: 1, ArticleNumber: 'B-2', Price: '129.00' },
        { RowNo: 2, ArticleNumber: null, Price: '49.00' },
      ],
    });
  });

  it('filters $each with if, evaluated with the element bound', () => {
    const template = {
      $each: { var: 'record.lines' },
      as: 'line',
      if: { '!==': [{ var: 'line.kind' }, 'shipping'] },
      emit: { var: 'line.sku' },
    };
    expect(renderTemplate(template, data)).toEqual(['A-1', 'B-2']);
    // JSON-Logic truthiness: an empty array is false.
    expect(
      renderTemplate({ $each: [[], [1]], as: 'x', if: { var: 'x' }, emit: { var: 'xIndex' } }, data),
    ).toEqual([1]);
  });

  it('still sees the outer data inside $each, and nests', () => {
    const template = {
      $each: [['a', 'b'], ['c']],
      as: 'group',
      emit: {
        $each: { var: 'group' },
        as: 'item',
        emit: {
          cat: [
            { var: 'record.number' },
            '/',
            { var: 'groupIndex' },
            '/',
            { var: 'itemIndex' },
            ':',
            { var: 'item' },
          ],
        },
      },
    };
    expect(renderTemplate(template, data)).toEqual([['W1001/0/0:a', 'W1001/0/1:b'], ['W1001/1/0:c']]);
  });

  it('gives [] for a null or missing array, and refuses anything else that is not an array', () => {
    expect(renderTemplate({ $each: { var: 'record.nope' }, as: 'x', emit: 1 }, data)).toEqual([]);
    const error = thrown(() =>
      renderTemplate({ Rows: { $each: { var: 'record.number' }, as: 'x', emit: 1 } }, data),
    );
    expect(error.message).toBe('$each: expected an array to iterate, got the string "W1001"');
    expect(error.pointer).toBe('/Rows/$each');
  });

  it('skips emitted undefined and omits keys that render to undefined', () => {
    // JSON has no undefined; templates built in code can, and a missing var is null, not undefined.
    const template = {
      A: 1,
      B: { $literal: undefined },
      C: { $each: [1, 2], as: 'n', emit: { $literal: undefined } },
      D: { var: 'nope' },
    };
    const rendered = renderTemplate(template, data) as Record<string, unknown>;
    expect(rendered).toEqual({ A: 1, C: [], D: null });
    expect(Object.keys(rendered)).toEqual(['A', 'C', 'D']);
  });

  it('refuses a $ref to a template that is not there', () => {
    expect(() => renderTemplate({ A: 1, B: { $ref: 'gone' } }, data, {})).toThrow(
      '$ref: there is no template named "gone"',
    );
    expect(() => renderTemplate({ B: { $ref: 'gone' } }, data)).toThrow(/no template named "gone"/);
    expect(() => renderTemplate({ B: { $ref: 'toString' } }, data, {})).toThrow(
      /no template named "toString"/,
    );
  });

  it('renders named templates with $ref, with the same data and bindings', () => {
    const named = {
      row: { ArticleNumber: { var: 'row.sku' }, Customer: { $ref: 'customer' } },
      customer: { 'str.trim': { var: 'record.customer.name' } },
    };
    const template = {
      Rows: { $each: { var: 'record.lines' }, as: 'row', if: { var: 'row.sku' }, emit: { $ref: 'row' } },
    };
    expect(renderTemplate(template, data, named)).toEqual({
      Rows: [
        { ArticleNumber: 'A-1', Customer: 'Anna Andersson' },
        { ArticleNumber: 'B-2', Customer: 'Anna Andersson' },
      ],
    });
  });

  it('returns $literal values untouched, even ones that look like expressions or directives', () => {
    const value = { var: 'record.number', $each: 'x' };
    const template = { Raw: { $literal: value }, One: { $literal: { var: 'x' } } };
    const rendered = renderTemplate(template, data) as Record<string, unknown>;
    expect(rendered).toEqual({ Raw: { var: 'record.number', $each: 'x' }, One: { var: 'x' } });
    expect(rendered.Raw).toBe(value);
  });

  it('builds new objects on every render, and keeps a "__proto__" key as data', () => {
    const template = JSON.parse('{"A": {"B": 1}, "__proto__": {"polluted": true}}') as unknown;
    const first = renderTemplate(template, data) as Record<string, unknown>;
    const second = renderTemplate(template, data) as Record<string, unknown>;
    expect(first).not.toBe(second);
    expect(first.A).not.toBe(second.A);
    expect(Object.getPrototypeOf(first)).toBe(Object.prototype);
    expect(Object.keys(first)).toEqual(['A', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('renders the same frozen template for many records (compiled once)', () => {
    const template = Object.freeze({ N: Object.freeze({ var: 'n' }) });
    for (let n = 0; n < 5; n++) expect(renderTemplate(template, { n })).toEqual({ N: n });
  });

  it('locates a failing expression by its pointer in the template', () => {
    const template = {
      Rows: {
        $each: { var: 'record.lines' },
        as: 'row',
        emit: { Price: { 'money.round': { var: 'row.nope' } } },
      },
    };
    const error = thrown(() => renderTemplate(template, data));
    expect(error.message).toMatch(/^money\.round: argument 1 \(value\)/);
    expect(error.pointer).toBe('/Rows/emit/Price/money.round');
    expect(error.template).toBeUndefined();
  });

  it('names the named template a failure happened in, with the pointer inside it', () => {
    const named = { row: { Price: { 'money.neg': { var: 'row.nope' } } } };
    const error = thrown(() =>
      renderTemplate(
        { Rows: { $each: { var: 'record.lines' }, as: 'row', emit: { $ref: 'row' } } },
        data,
        named,
      ),
    );
    expect(error.template).toBe('row');
    expect(error.pointer).toBe('/Price/money.neg');
  });

  it('stops a $ref cycle with a clear error', () => {
    const named = { a: { X: { $ref: 'b' } }, b: { Y: { $ref: 'a' } } };
    expect(() => renderTemplate({ $ref: 'a' }, data, named)).toThrow(
      /nest deeper than 32 \(a \$ref cycle\?\)/,
    );
  });

  it('refuses invalid templates instead of rendering them as data', () => {
    expect(thrown(() => renderTemplate({ A: { 'money.ad': ['1', '2'] } }, data)).problems[0]).toMatchObject({
      code: 'unknown-operator',
      pointer: '/A/money.ad',
      suggestion: 'money.add',
    });
    expect(() => renderTemplate({ A: { '+': [1, 2] } }, data)).toThrow(/not allowed/);
    expect(() => renderTemplate({ A: { $each: [1], emit: 1 } }, data)).toThrow(/\$each needs `as`/);
    expect(() => renderTemplate({ A: { $each: [1], as: 'x' } }, data)).toThrow(/\$each needs `emit`/);
    expect(() => renderTemplate({ A: { $each: [1], as: 'x', emit: 1, map: 2 } }, data)).toThrow(
      /unexpected key "map"/,
    );
    expect(() => renderTemplate({ A: { $ref: 'x', B: 1 } }, data)).toThrow(/\$ref must be the only key/);
    expect(() => renderTemplate({ A: { $literal: 1, B: 1 } }, data)).toThrow(
      /\$literal must be the only key/,
    );
    expect(() => renderTemplate({ A: { $foreach: [] } }, data)).toThrow(
      /unknown template directive "\$foreach"/,
    );
    expect(() => renderTemplate({ A: { 'money.round': ['1', 2, 'x', 4] } }, data)).toThrow(
      /takes 1 to 3 arguments/,
    );
  });
});

describe('validateTemplate', () => {
  it('finds nothing wrong with a valid template', () => {
    const template = {
      CustomerNumber: { var: 'steps.customer.output.CustomerNumber' },
      OrderRows: {
        $each: { var: 'decisions.lines' },
        as: 'row',
        if: { var: 'row.sku' },
        emit: { Sku: { var: 'row.sku' }, Extra: { $ref: 'extra' } },
      },
      Raw: { $literal: { '+': 1 } },
    };
    expect(validateTemplate(template)).toEqual([]);
    expect(validateTemplate(template, { extra: { A: 1 } })).toEqual([]);
  });

  it('reports problems with pointers from the template root, inside expressions too', () => {
    const template = {
      Name: { 'str.trimm': { var: 'x' } },
      Rows: {
        $each: { mapp: [] },
        as: 'row',
        if: { '+': [1] },
        emit: { Price: { 'money.add': [{ var: 'row.a' }, 0.1] } },
      },
    };
    expect(validateTemplate(template).map((p) => [p.code, p.pointer])).toEqual([
      ['unknown-operator', '/Name/str.trimm'],
      ['unknown-operator', '/Rows/$each/mapp'],
      ['disallowed-operator', '/Rows/if/+'],
      ['invalid-argument', '/Rows/emit/Price/money.add/1'],
    ]);
  });

  it('reports directive shapes', () => {
    expect(validateTemplate({ A: { $each: [], as: 'a.b', emit: 1 } })[0]).toMatchObject({
      code: 'invalid-template',
      pointer: '/A/as',
    });
    expect(validateTemplate({ A: { $ref: 5 } })[0]).toMatchObject({
      code: 'invalid-template',
      pointer: '/A/$ref',
    });
    expect(validateTemplate({ A: { $unknown: 5 } })[0]).toMatchObject({
      code: 'invalid-template',
      pointer: '/A/$unknown',
    });
  });

  it('checks $refs against the named templates: unknown names and cycles', () => {
    const named = {
      row: { A: { $ref: 'cell' } },
      cell: { B: 1 },
      loop: { C: { $ref: 'loop2' } },
      loop2: { D: [{ $ref: 'loop' }] },
    };
    expect(validateTemplate({ R: { $ref: 'rows' } }, named)).toEqual([
      {
        code: 'unknown-template-ref',
        pointer: '/R/$ref',
        message: 'there is no template named "rows"; did you mean "row"?',
        suggestion: 'row',
      },
    ]);
    expect(validateTemplate({ R: { $ref: 'row' } }, named)).toEqual([]);
    expect(validateTemplate({ R: { $ref: 'loop' } }, named)).toEqual([
      {
        code: 'template-ref-cycle',
        pointer: '/R/$ref',
        message: '$ref "loop" leads to a cycle: loop → loop2 → loop',
      },
    ]);
    // Without the named templates, a $ref is only checked for shape.
    expect(validateTemplate({ R: { $ref: 'anything' } })).toEqual([]);
  });
});

describe('collectTemplateVarPaths', () => {
  it('reports each var with the names bound by enclosing $each', () => {
    const template = {
      Customer: { var: 'record.customer.name' },
      Rows: {
        $each: { var: 'decisions.lines' },
        as: 'row',
        if: { var: 'row.sku' },
        emit: {
          Sku: { var: 'row.sku' },
          Parts: {
            $each: { var: 'row.parts' },
            as: 'part',
            emit: { cat: [{ var: 'part.id' }, { var: 'rowIndex' }] },
          },
          Names: { map: [{ var: 'row.items' }, { var: 'name' }] },
        },
      },
    };
    expect(collectTemplateVarPaths(template)).toEqual([
      { path: 'record.customer.name', pointer: '/Customer/var', scope: 'root', bound: [] },
      { path: 'decisions.lines', pointer: '/Rows/$each/var', scope: 'root', bound: [] },
      { path: 'row.sku', pointer: '/Rows/if/var', scope: 'root', bound: ['row', 'rowIndex'] },
      { path: 'row.sku', pointer: '/Rows/emit/Sku/var', scope: 'root', bound: ['row', 'rowIndex'] },
      { path: 'row.parts', pointer: '/Rows/emit/Parts/$each/var', scope: 'root', bound: ['row', 'rowIndex'] },
      {
        path: 'part.id',
        pointer: '/Rows/emit/Parts/emit/cat/0/var',
        scope: 'root',
        bound: ['row', 'rowIndex', 'part', 'partIndex'],
      },
      {
        path: 'rowIndex',
        pointer: '/Rows/emit/Parts/emit/cat/1/var',
        scope: 'root',
        bound: ['row', 'rowIndex', 'part', 'partIndex'],
      },
      { path: 'row.items', pointer: '/Rows/emit/Names/map/0/var', scope: 'root', bound: ['row', 'rowIndex'] },
      { path: 'name', pointer: '/Rows/emit/Names/map/1/var', scope: 'element', bound: ['row', 'rowIndex'] },
    ]);
  });

  it('follows $ref into named templates with the bindings of the place it is used', () => {
    const named = { row: { Sku: { var: 'row.sku' }, Self: { $ref: 'row' } } };
    const template = {
      Top: { $ref: 'row' },
      Rows: { $each: { var: 'lines' }, as: 'row', emit: { $ref: 'row' } },
    };
    expect(collectTemplateVarPaths(template, named)).toEqual([
      { path: 'row.sku', pointer: '/Sku/var', scope: 'root', bound: [], template: 'row' },
      { path: 'lines', pointer: '/Rows/$each/var', scope: 'root', bound: [] },
      { path: 'row.sku', pointer: '/Sku/var', scope: 'root', bound: ['row', 'rowIndex'], template: 'row' },
    ]);
  });

  it('ignores $literal contents', () => {
    expect(collectTemplateVarPaths({ A: { $literal: { var: 'x' } } })).toEqual([]);
  });
});
