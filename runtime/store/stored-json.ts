/**
 * Opaque payloads (remote results, original records, traces) are stored as JSON text: their keys come
 * from other systems and may contain `.` or start with `$`, which MongoDB and FerretDB treat
 * differently, and a string keeps them byte for byte.
 */
export function toStoredJson(value: unknown): string | null {
  if (value === undefined) return null;
  return JSON.stringify(value);
}

export function fromStoredJson(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return undefined;
  return JSON.parse(text) as unknown;
}
