/**
 * Compares `actual` with an `expected` fragment the way YAML tests mean it: every key listed in an
 * expected object must match, unlisted keys are ignored; arrays must match element by element and in
 * length; scalars must be equal. Numbers and numeric strings are compared as written ("25" ≠ 25),
 * because a Fortnox payload is exact about its types.
 */
export function partialMismatches(actual: unknown, expected: unknown, path = ''): string[] {
  if (expected === null || typeof expected !== 'object') {
    return Object.is(actual, expected)
      ? []
      : [`${path || '/'}: expected ${show(expected)}, got ${show(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path || '/'}: expected an array, got ${show(actual)}`];
    if (actual.length !== expected.length)
      return [`${path || '/'}: expected ${expected.length} items, got ${actual.length}`];
    return expected.flatMap((item, i) => partialMismatches(actual[i], item, `${path}/${i}`));
  }
  if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
    return [`${path || '/'}: expected an object, got ${show(actual)}`];
  }
  return Object.entries(expected).flatMap(([key, value]) =>
    partialMismatches((actual as Record<string, unknown>)[key], value, `${path}/${key}`),
  );
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
