/**
 * Koppla's `var`, registered over json-logic-js's own. It reads the same dotted paths with the
 * same defaults, with two differences:
 * - only own properties are followed, so `{"var": "record.constructor"}` or `"__proto__"` find
 *   nothing instead of reaching functions and prototypes through the data;
 * - a path is split once and remembered: `var` is the most frequent operator by far, and
 *   json-logic-js splits the string on every read.
 */
const MAX_REMEMBERED = 10_000;
const segmentsByPath = new Map<string, readonly string[]>();

function segmentsOf(path: string): readonly string[] {
  let segments = segmentsByPath.get(path);
  if (segments === undefined) {
    segments = path.split('.');
    // Paths come from expressions, so they are few; a computed path must not grow this forever.
    if (segmentsByPath.size >= MAX_REMEMBERED) segmentsByPath.clear();
    segmentsByPath.set(path, segments);
  }
  return segments;
}

/** json-logic-js calls operators with the data as `this`. */
export function readVar(this: unknown, path?: unknown, fallback?: unknown): unknown {
  return readPath(this, path, fallback);
}

/** The value at a dotted path of `data`: `fallback` (or null) when absent, `data` for an empty path. */
export function readPath(data: unknown, path?: unknown, fallback?: unknown): unknown {
  const notFound = fallback === undefined ? null : fallback;
  if (path === undefined || path === null || path === '') return data;
  let value = data;
  for (const segment of segmentsOf(String(path))) {
    if (value === null || value === undefined) return notFound;
    value = Object.hasOwn(value as object, segment) ? (value as Record<string, unknown>)[segment] : undefined;
    if (value === undefined) return notFound;
  }
  return value;
}

/**
 * A reader for one path, split in advance (the expression compiler's `var`): the same result as
 * `readPath(data, path, fallback)`, with `notFound` the fallback already defaulted to null.
 * Object.hasOwn converts a primitive itself, so "abc".length is found as before.
 */
export function pathReader(segments: readonly string[], notFound: unknown): (data: unknown) => unknown {
  if (segments.length === 1) {
    const key = segments[0]!;
    return (data) => {
      if (data === null || data === undefined) return notFound;
      const value = Object.hasOwn(data as object, key) ? (data as Record<string, unknown>)[key] : undefined;
      return value === undefined ? notFound : value;
    };
  }
  if (segments.length === 2) {
    const [first, second] = segments as [string, string];
    return (data) => {
      if (data === null || data === undefined) return notFound;
      const value = Object.hasOwn(data as object, first)
        ? (data as Record<string, unknown>)[first]
        : undefined;
      if (value === null || value === undefined) return notFound;
      const leaf = Object.hasOwn(value, second) ? (value as Record<string, unknown>)[second] : undefined;
      return leaf === undefined ? notFound : leaf;
    };
  }
  if (segments.length === 3) {
    const [first, second, third] = segments as [string, string, string];
    return (data) => {
      if (data === null || data === undefined) return notFound;
      let value = Object.hasOwn(data as object, first) ? (data as Record<string, unknown>)[first] : undefined;
      if (value === null || value === undefined) return notFound;
      value = Object.hasOwn(value, second) ? (value as Record<string, unknown>)[second] : undefined;
      if (value === null || value === undefined) return notFound;
      const leaf = Object.hasOwn(value, third) ? (value as Record<string, unknown>)[third] : undefined;
      return leaf === undefined ? notFound : leaf;
    };
  }
  const n = segments.length;
  return (data) => {
    let value = data;
    for (let i = 0; i < n; i++) {
      if (value === null || value === undefined) return notFound;
      const key = segments[i]!;
      value = Object.hasOwn(value as object, key) ? (value as Record<string, unknown>)[key] : undefined;
      if (value === undefined) return notFound;
    }
    return value;
  };
}
