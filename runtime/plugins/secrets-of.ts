import type { JsonSchemaObject } from '../../core/plugin-api/index.ts';

/**
 * The secret values in a connection's settings: the string members the connector's `credentials`
 * schema marks `"x-secret": true` (top level and nested objects).
 */
export function secretsOf(credentials: JsonSchemaObject, settings: object): string[] {
  const found: string[] = [];
  collect(credentials, settings, found);
  return found.filter((value) => value.length > 0);
}

function collect(schema: unknown, value: unknown, found: string[]): void {
  if (typeof schema !== 'object' || schema === null) return;
  const node = schema as JsonSchemaObject;
  if (node['x-secret'] === true && typeof value === 'string') found.push(value);
  const properties = node.properties;
  if (typeof properties !== 'object' || properties === null) return;
  if (typeof value !== 'object' || value === null) return;
  for (const [key, member] of Object.entries(properties)) {
    collect(member, (value as Record<string, unknown>)[key], found);
  }
}
