// Fortnox's character set and the max lengths other sources add live with the client's text policy,
// so the sandbox refuses exactly what the client would have cleaned.
import { ALLOWED_TEXT, maxLengthOf } from '../schemas/text.ts';
import { SPEC_SCHEMAS, type SpecSchema } from '../spec/spec-schema.ts';
import type { SandboxErrorTemplates } from './config.ts';
import { fromTemplate, type FortnoxHttpError } from './errors.ts';
import type { FortnoxRecord } from './state.ts';

const SCHEMAS = SPEC_SCHEMAS;

export function specSchema(name: string): SpecSchema {
  const schema = SCHEMAS[name];
  if (!schema) throw new Error(`no schema ${name} in openapi-subset.json`);
  return schema;
}

function resolve(schema: SpecSchema): SpecSchema {
  return schema.$ref ? specSchema(schema.$ref.replace('#/components/schemas/', '')) : schema;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

export interface ValidateOptions {
  readonly errors: SandboxErrorTemplates;
  /** On create, the schema's `required` fields must be present and non-empty. */
  readonly requireRequired: boolean;
}

/**
 * Checks `input` against an OpenAPI schema the way Fortnox answers: the first problem found becomes
 * the error (Fortnox reports one at a time). Returns a copy with numbers in numeric fields and
 * strings in text fields, as Fortnox stores them.
 */
export function validateInput(
  input: unknown,
  schemaName: string,
  path: string,
  options: ValidateOptions,
): FortnoxRecord {
  const result = check(input, specSchema(schemaName), path, options, options.requireRequired);
  if (result instanceof Error) throw result;
  return result as FortnoxRecord;
}

function check(
  value: unknown,
  rawSchema: SpecSchema,
  path: string,
  options: ValidateOptions,
  requireRequired: boolean,
): unknown {
  const schema = resolve(rawSchema);
  const { errors } = options;
  const field = path;
  if (value === null) return null;
  if (schema.properties) {
    if (typeof value !== 'object' || Array.isArray(value)) return fromTemplate(errors.badBody);
    const out: FortnoxRecord = {};
    const record = value as FortnoxRecord;
    for (const key of Object.keys(record)) {
      if (!(key in schema.properties))
        return fromTemplate(errors.unknownField, { field: `${path}.${key}`, value: key });
    }
    if (requireRequired) {
      for (const key of schema.required ?? []) {
        const member = record[key];
        if (member === undefined || member === null || member === '') {
          return fromTemplate(errors.required, { field: `${path}.${key}` });
        }
      }
    }
    for (const [key, member] of Object.entries(record)) {
      const checked = check(
        member,
        schema.properties[key] as SpecSchema,
        `${path}.${key}`,
        options,
        requireRequired,
      );
      if (checked instanceof Error) return checked;
      out[key] = checked;
    }
    return out;
  }
  switch (schema.type) {
    case 'array': {
      if (!Array.isArray(value)) return fromTemplate(errors.badBody);
      const items: unknown[] = [];
      for (const item of value) {
        const checked = check(item, schema.items ?? {}, path, options, false);
        if (checked instanceof Error) return checked;
        items.push(checked);
      }
      return items;
    }
    case 'number':
    case 'integer': {
      let number: number;
      if (typeof value === 'number') number = value;
      else if (typeof value === 'string' && NUMERIC.test(value.trim())) number = Number(value);
      else return fromTemplate(errors.notNumeric, { field, value: display(value) });
      if (schema.type === 'integer' && !Number.isInteger(number)) {
        return fromTemplate(errors.notNumeric, { field, value: display(value) });
      }
      if (
        (schema.minimum !== undefined && number < schema.minimum) ||
        (schema.maximum !== undefined && number > schema.maximum)
      ) {
        return fromTemplate(errors.invalidValue, { field, value: display(value) });
      }
      return number;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return fromTemplate(errors.notBoolean, { field, value: display(value) });
    }
    case 'string': {
      // Fortnox takes numbers where its schema says string (the recordings send OrderedQuantity: 1.0).
      if (typeof value === 'number') return String(value);
      if (typeof value !== 'string')
        return fromTemplate(errors.notAlphanumeric, { field, value: display(value) });
      if (value === 'API_BLANK') return '';
      if (!ALLOWED_TEXT.test(value)) return fromTemplate(errors.invalidCharacters, { field, value });
      const max = maxLengthOf(schema, path);
      if (max !== undefined && [...value].length > max) {
        return fromTemplate(errors.tooLong, { field, value, max });
      }
      if (schema.minLength !== undefined && value !== '' && [...value].length < schema.minLength) {
        return fromTemplate(errors.invalidValue, { field, value });
      }
      if (schema.enum && value !== '' && !schema.enum.includes(value)) {
        return fromTemplate(errors.invalidValue, { field, value });
      }
      return value;
    }
    default:
      return value;
  }
}

function display(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export type { FortnoxHttpError };
