/**
 * RFC 6901 JSON Pointer segments, so a finding inside an expression maps back to its YAML node
 * the same way ajv's pointers do. Operator names need escaping: `/` is an operator.
 */
export function childPointer(base: string, segment: string | number): string {
  return `${base}/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`;
}
