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
    value = Object.hasOwn(Object(value), segment) ? (value as Record<string, unknown>)[segment] : undefined;
    if (value === undefined) return notFound;
  }
  return value;
}
