import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { OPERATORS, validateExpression, validateTemplate } from '../../../core/expr/index.ts';
import { operatorPropertySchemas } from '../../../core/expr/operator-schema.ts';

const SCHEMA_ID = 'https://koppla.dev/schemas/jsonlogic.schema.json';
const schema = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../../schemas/jsonlogic.schema.json', import.meta.url)), 'utf8'),
) as {
  $id: string;
  $schema: string;
  $defs: { operation: { propertyNames: { enum: string[] }; properties: Record<string, unknown> } };
};

// Strict, and without allowUnionTypes: the schema must load in the strictest ajv Koppla might use.
const ajv = new Ajv2020({ strict: true, allErrors: true });
ajv.addSchema(schema);
const validateExpressionSchema = ajv.getSchema(SCHEMA_ID)!;
const validateTemplateSchema = ajv.getSchema(`${SCHEMA_ID}#/$defs/template`)!;

describe('schemas/jsonlogic.schema.json', () => {
  it('is a draft 2020-12 schema with the Koppla id', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(SCHEMA_ID);
  });

  it('allows exactly the operators of the registry', () => {
    expect([...schema.$defs.operation.propertyNames.enum].sort()).toEqual([...OPERATORS].sort());
    expect(Object.keys(schema.$defs.operation.properties).sort()).toEqual([...OPERATORS].sort());
  });

  it('describes each operator and its argument count exactly as the registry does (regenerate from operatorPropertySchemas() when this fails)', () => {
    expect(schema.$defs.operation.properties).toEqual(operatorPropertySchemas());
  });

  const expressions: readonly [unknown, boolean][] = [
    [{ and: [{ var: 'record.x' }, { 'money.gt': [{ var: 'record.total' }, '100'] }] }, true],
    [{ 'str.trim': { var: 'record.name' } }, true],
    [{ var: ['record.x', 'default'] }, true],
    [{ 'money.round': ['1.005'] }, true],
    ['plain string', true],
    [42, true],
    [null, true],
    [[1, { var: 'a' }], true],
    [{ '+': [1, 2] }, false],
    [{ log: 'x' }, false],
    [{ 'monye.add': ['1', '2'] }, false],
    [{ 'money.round': ['1', 2, 'half-up', 'extra'] }, false],
    [{ 'money.add': '1' }, false],
    [{ 'date.between': ['2026-04-01'] }, true],
    [{ 'date.between': [] }, false],
    [{ a: 1, b: 2 }, false],
    [{}, false],
    [{ and: [{ or: [{ '*': [2, 3] }] }] }, false],
  ];

  it('accepts and rejects expressions as validateExpression does', () => {
    for (const [expression, valid] of expressions) {
      expect(validateExpressionSchema(expression), JSON.stringify(expression)).toBe(valid);
      expect(validateExpression(expression).length === 0, JSON.stringify(expression)).toBe(valid);
    }
  });

  const templates: readonly [unknown, boolean][] = [
    [{ Name: { var: 'record.customer.name' }, Country: 'SE' }, true],
    [{ Rows: { $each: { var: 'decisions.lines' }, as: 'row', emit: { Sku: { var: 'row.sku' } } } }, true],
    [{ Rows: { $each: { var: 'lines' }, as: 'row', if: { var: 'row.ok' }, emit: { $ref: 'row' } } }, true],
    [{ Raw: { $literal: { '+': [1, 2], $each: 'not a directive here' } } }, true],
    [{ Name: 'x', Items: [{ A: 1 }, { var: 'x' }] }, true],
    [{ Rows: { $each: { var: 'lines' }, emit: {} } }, false],
    [{ Rows: { $each: { var: 'lines' }, as: 'row.x', emit: {} } }, false],
    [{ Rows: { $each: { var: 'lines' }, as: 'row', emit: {}, extra: 1 } }, false],
    [{ A: { $ref: 'x', B: 1 } }, false],
    [{ A: { $literal: 1, B: 1 } }, false],
    [{ A: { $unknown: 1 } }, false],
    [{ A: { 'money.ad': ['1'] } }, false],
    [{ A: { '+': [1, 2] } }, false],
    [{ A: { 'money.round': ['1', 2, 'half-up', 'x'] } }, false],
  ];

  it('describes templates ($defs/template) as validateTemplate checks them', () => {
    for (const [template, valid] of templates) {
      expect(validateTemplateSchema(template), JSON.stringify(template)).toBe(valid);
      expect(validateTemplate(template).length === 0, JSON.stringify(template)).toBe(valid);
    }
  });
});
