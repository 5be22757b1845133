/** A JSON value: what a manifest, an example or a dead-letter record can hold. */
export type JsonValue =
  string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * A JSON Schema (draft 2020-12) as plain data. Kept loose on purpose: ajv checks schemas, the type
 * only says "an object or a boolean". Connector-specific keywords such as `x-secret` are allowed.
 */
export type JsonSchema = boolean | JsonSchemaObject;

export interface JsonSchemaObject {
  readonly [keyword: string]: unknown;
}

/**
 * A deep copy of `value` as JSON, or a TypeError naming the first value that is not JSON (a
 * function, a Date, a class instance, NaN…) by its path. `undefined` object members are dropped, as
 * `JSON.stringify` does; anywhere else they are an error.
 */
export function toJsonValue(value: unknown, path: string): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new TypeError(`${path} is ${value}, which JSON cannot hold`);
  }
  if (Array.isArray(value))
    return value.map((item: unknown, index) => toJsonValue(item, `${path}[${index}]`));
  if (typeof value === 'object' && isPlainObject(value)) {
    const copy: Record<string, JsonValue> = {};
    for (const [key, member] of Object.entries(value)) {
      if (member !== undefined) copy[key] = toJsonValue(member, `${path}${memberPath(key)}`);
    }
    return copy;
  }
  throw new TypeError(`${path} is ${describe(value)}, not a JSON value`);
}

export function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function memberPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null)
    return `a ${value.constructor?.name ?? 'non-plain object'}`;
  return `a ${typeof value}`;
}
