import { ExpressionError } from './errors.ts';
import type { ArgSite, Coerce } from './operator-spec.ts';

/** A short, safe rendering of a bad value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return `the number ${value}`;
    return Number.isFinite(value) ? `the float ${value}` : `the number ${value}`;
  }
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/** `money.add: argument 2 (b) must be a decimal string or an integer, got the float 0.1 (hint)`. */
export function argumentError(
  site: ArgSite,
  expectation: string,
  value: unknown,
  hint?: string,
): ExpressionError {
  return new ExpressionError(
    `${site.operator}: argument ${site.position} (${site.param}) ${expectation}, got ${describeValue(value)}` +
      (hint === undefined ? '' : ` (${hint})`),
    { operator: site.operator },
  );
}

export const anything: Coerce<unknown> = (value) => value;

/** Text for the string operators: numbers are accepted because org and order numbers often are. */
export const text: Coerce<string> = (value, site) => {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw argumentError(site, 'must be a string', value);
};

/** Like `text`, but null (and a missing value) passes through: null in, null out. */
export const nullableText: Coerce<string | null> = (value, site) =>
  value === null || value === undefined ? null : text(value, site);

export function nonEmptyText(expectation = 'must be a non-empty string'): Coerce<string> {
  return (value, site) => {
    if (typeof value === 'string' && value !== '') return value;
    throw argumentError(site, expectation, value);
  };
}

const INTEGER = /^-?\d+$/;

/** A safe integer, as a number or a string of digits, within [min, max]. Never a float. */
export function integer(min: number, max: number): Coerce<number> {
  return (value, site) => {
    const n = typeof value === 'string' && INTEGER.test(value) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
      throw argumentError(site, `must be an integer from ${min} to ${max}`, value);
    }
    return n;
  };
}

export const boolean: Coerce<boolean> = (value, site) => {
  if (typeof value === 'boolean') return value;
  throw argumentError(site, 'must be true or false', value);
};

export function oneOf<const T extends string>(choices: readonly T[]): Coerce<T> {
  const allowed: ReadonlySet<string> = new Set(choices);
  return (value, site) => {
    if (typeof value === 'string' && allowed.has(value)) return value as T;
    throw argumentError(site, `must be one of ${choices.map((c) => `'${c}'`).join(', ')}`, value);
  };
}

export const plainObject: Coerce<Readonly<Record<string, unknown>>> = (value, site) => {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return value as Readonly<Record<string, unknown>>;
  }
  throw argumentError(site, 'must be an object (a table, typically from params)', value);
};

export function arrayOf<T>(element: Coerce<T>, expectation: string): Coerce<T[]> {
  return (value, site) => {
    if (!Array.isArray(value)) throw argumentError(site, `must be an array of ${expectation}`, value);
    return value.map((item: unknown, index) => element(item, { ...site, param: `${site.param}[${index}]` }));
  };
}
