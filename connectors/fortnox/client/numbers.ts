import { Decimal } from 'decimal.js';
import subset from '../spec/openapi-subset.json' with { type: 'json' };

interface SpecSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, SpecSchema>>;
  readonly items?: SpecSchema;
  readonly $ref?: string;
}

const SCHEMAS = (subset as { components: { schemas: Record<string, SpecSchema> } }).components.schemas;

function resolve(schema: SpecSchema | undefined): SpecSchema | undefined {
  if (schema?.$ref) return SCHEMAS[schema.$ref.replace('#/components/schemas/', '')];
  return schema;
}

export function schemaNamed(name: string): SpecSchema {
  const schema = SCHEMAS[name];
  if (!schema) throw new Error(`no schema ${name} in openapi-subset.json`);
  return schema;
}

const DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * A Fortnox number (a JSON number or a numeric string, both occur) as a decimal string. Numbers go
 * through their shortest round-trip text, which is the literal Fortnox sent for its ≤ 15 digits.
 */
export function toDecimalString(value: number | string): string {
  const decimal = new Decimal(typeof value === 'number' ? String(value) : value.trim());
  return decimal.isZero() ? '0' : decimal.toFixed();
}

/**
 * A response body with every amount and quantity as a decimal string: fields the OpenAPI document
 * types `number`, and numeric strings in fields it types `string` that the recordings show as numbers
 * (`OrderedQuantity: "1"`) stay strings. Integers (ids, account numbers) stay numbers.
 */
export function decimalsIn(value: unknown, schema: SpecSchema | undefined): unknown {
  const resolved = resolve(schema);
  if (Array.isArray(value)) return value.map((item) => decimalsIn(item, resolved?.items));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value))
      out[key] = decimalsIn(member, resolved?.properties?.[key]);
    return out;
  }
  if (
    resolved?.type === 'number' &&
    (typeof value === 'number' || (typeof value === 'string' && DECIMAL.test(value)))
  ) {
    return toDecimalString(value);
  }
  return value;
}

/**
 * JSON for a request body, with decimal strings written as JSON numbers where Fortnox's schema says
 * `number` or `integer` (so an amount never passes through a float). Everything else is plain JSON.
 */
export function toFortnoxJson(value: unknown, schema: SpecSchema | undefined): string {
  const resolved = resolve(schema);
  if (Array.isArray(value)) return `[${value.map((item) => toFortnoxJson(item, resolved?.items)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .map(([key, member]) => `${JSON.stringify(key)}:${toFortnoxJson(member, resolved?.properties?.[key])}`);
    return `{${members.join(',')}}`;
  }
  if (
    typeof value === 'string' &&
    (resolved?.type === 'number' || resolved?.type === 'integer') &&
    DECIMAL.test(value.trim())
  ) {
    return new Decimal(value.trim()).toFixed();
  }
  return JSON.stringify(value);
}
