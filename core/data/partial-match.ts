import { joinPointer } from '../config/index.ts';

export interface Mismatch {
  /** JSON Pointer into the expected value, so the failure can point at the test file. */
  readonly pointer: string;
  /** The same place for people: `.lines[0].vat.account`. */
  readonly path: string;
  readonly message: string;
}

/**
 * Deep partial match: every key of an expected object must be present and match; keys the actual
 * value has beyond those are ignored. Arrays match item by item and must have the same length (a
 * missing order row is a failure, not a detail). Scalars compare with ===: "25" is not 25, since
 * Koppla keeps decimals as strings.
 */
export function partialMatch(expected: unknown, actual: unknown, pointer = '', path = ''): Mismatch[] {
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ pointer, path, message: `expected an array, got ${show(actual)}` }];
    if (actual.length !== expected.length) {
      return [{ pointer, path, message: `expected ${expected.length} items, got ${actual.length}` }];
    }
    return expected.flatMap((item, i) =>
      partialMatch(item, actual[i], joinPointer(pointer, i), `${path}[${i}]`),
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [{ pointer, path, message: `expected an object, got ${show(actual)}` }];
    }
    return Object.entries(expected).flatMap(([key, value]) => {
      const at = joinPointer(pointer, key);
      const where = `${path}.${key}`;
      if (!Object.hasOwn(actual, key))
        return [{ pointer: at, path: where, message: `missing (expected ${show(value)})` }];
      return partialMatch(value, (actual as Record<string, unknown>)[key], at, where);
    });
  }
  return expected === actual
    ? []
    : [{ pointer, path, message: `expected ${show(expected)}, got ${show(actual)}` }];
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
