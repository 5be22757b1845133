import { OPERATORS, describeOperator } from './registry.ts';

/**
 * The `properties` entries of schemas/jsonlogic.schema.json, derived from the registry. The
 * schema file is written by hand (schemas are data, not build output), and a unit test compares
 * it with this, so operator names, descriptions and argument counts cannot drift apart.
 */
export function operatorPropertySchemas(): Record<string, Record<string, unknown>> {
  const properties: Record<string, Record<string, unknown>> = {};
  for (const name of OPERATORS) {
    const info = describeOperator(name)!;
    const list: Record<string, unknown> = {
      type: 'array',
      ...(info.minArgs > 0 ? { minItems: info.minArgs } : {}),
      ...(info.maxArgs !== Infinity ? { maxItems: info.maxArgs } : {}),
      items: { $ref: '#/$defs/expression' },
    };
    // JSON-Logic reads a non-array value as the only argument: {"var": "x"} is {"var": ["x"]}.
    const single = info.minArgs <= 1 && info.maxArgs >= 1;
    properties[name] = {
      description: `${info.signature}: ${info.description}`,
      ...(single ? { anyOf: [list, { $ref: '#/$defs/singleArgument' }] } : list),
    };
  }
  return properties;
}
