import { SPEC_SCHEMAS, type SpecSchema } from '../spec/spec-schema.ts';
import type { JsonSchemaObject } from '../../../core/plugin-api/index.ts';

/**
 * JSON Schemas (draft 2020-12) of operation inputs and outputs, derived from Fortnox's own OpenAPI
 * schemas so the field names, lengths and enums are exactly Fortnox's. Amounts are decimal strings
 * on both sides (the client writes them as JSON numbers on the wire); integers (accounts, ids) may be
 * given as integers or digit strings.
 */
const SCHEMAS = SPEC_SCHEMAS;
export const DECIMAL_PATTERN = '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$';

function named(name: string): SpecSchema {
  const schema = SCHEMAS[name];
  if (!schema) throw new Error(`no schema ${name}`);
  return schema;
}

function convert(schema: SpecSchema, mode: 'input' | 'output'): JsonSchemaObject {
  const resolved = schema.$ref ? named(schema.$ref.replace('#/components/schemas/', '')) : schema;
  const nullable = mode === 'output';
  if (resolved.properties) {
    const properties: Record<string, JsonSchemaObject> = {};
    for (const [key, member] of Object.entries(resolved.properties)) properties[key] = convert(member, mode);
    return {
      type: nullable ? ['object', 'null'] : 'object',
      properties,
      // Inputs are strict (Fortnox refuses unknown fields with 2001399); outputs may grow.
      additionalProperties: mode === 'output',
    };
  }
  switch (resolved.type) {
    case 'array':
      return { type: nullable ? ['array', 'null'] : 'array', items: convert(resolved.items ?? {}, mode) };
    case 'number':
      return { type: nullable ? ['string', 'null'] : 'string', pattern: DECIMAL_PATTERN };
    case 'integer': {
      const out: Record<string, unknown> = {
        type: nullable ? ['integer', 'string', 'null'] : ['integer', 'string'],
        pattern: '^-?[0-9]+$',
      };
      if (mode === 'input' && resolved.minimum !== undefined) out.minimum = resolved.minimum;
      if (mode === 'input' && resolved.maximum !== undefined) out.maximum = resolved.maximum;
      return out;
    }
    case 'boolean':
      return { type: nullable ? ['boolean', 'string', 'null'] : 'boolean' };
    case 'string': {
      if (mode === 'output') return { type: ['string', 'number', 'null'] };
      const out: Record<string, unknown> = { type: ['string', 'number'] };
      if (resolved.maxLength !== undefined) out.maxLength = resolved.maxLength;
      if (resolved.enum) out.enum = [...resolved.enum, 'API_BLANK'];
      return out;
    }
    default:
      return {};
  }
}

/** An input schema: Fortnox's fields, lengths and enums, required fields as given. */
export function inputSchemaOf(
  name: string,
  required: readonly string[],
  description: string,
): JsonSchemaObject {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    description,
    ...convert(named(name), 'input'),
    required: [...required],
  };
}

/** An output schema: Fortnox's fields (nullable, as Fortnox returns `null` for unset ones), decimals as strings. */
export function outputSchemaOf(
  name: string,
  required: readonly string[],
  description: string,
): JsonSchemaObject {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    description,
    ...convert(named(name), 'output'),
    type: 'object',
    required: [...required],
  };
}
