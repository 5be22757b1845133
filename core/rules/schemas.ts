import type { ValidateFunction } from 'ajv/dist/2020.js';
import rulePackSchema from '../../schemas/rule-pack.schema.json' with { type: 'json' };
import rulePackTestSchema from '../../schemas/rule-pack-test.schema.json' with { type: 'json' };
import { schemaAjv } from '../validate/schema-registry.ts';

export const RULE_SCHEMA_IDS = {
  rulePack: 'https://koppla.dev/schemas/rule-pack.schema.json',
  rulePackTest: 'https://koppla.dev/schemas/rule-pack-test.schema.json',
} as const;

/**
 * Validators for the pack and pack-test files. They live in the shared ajv for Koppla's own schemas
 * because the pack schema $refs the JSON-Logic dialect registered there; added on first use so the
 * registry need not know about rules.
 */
export function ruleSchemaValidator(
  id: (typeof RULE_SCHEMA_IDS)[keyof typeof RULE_SCHEMA_IDS],
): ValidateFunction {
  const ajv = schemaAjv();
  if (!ajv.getSchema(RULE_SCHEMA_IDS.rulePack)) ajv.addSchema(rulePackSchema);
  if (!ajv.getSchema(RULE_SCHEMA_IDS.rulePackTest)) ajv.addSchema(rulePackTestSchema);
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`schema ${id} is not registered`);
  return validate;
}
