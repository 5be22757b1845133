import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import jsonlogicSchema from '../../schemas/jsonlogic.schema.json' with { type: 'json' };
import pipelineSchema from '../../schemas/pipeline.schema.json' with { type: 'json' };
import pipelineTestSchema from '../../schemas/pipeline-test.schema.json' with { type: 'json' };
import tenantsSchema from '../../schemas/tenants.schema.json' with { type: 'json' };

export const SCHEMA_IDS = {
  jsonlogic: 'https://koppla.dev/schemas/jsonlogic.schema.json',
  pipeline: 'https://koppla.dev/schemas/pipeline.schema.json',
  pipelineTest: 'https://koppla.dev/schemas/pipeline-test.schema.json',
  tenants: 'https://koppla.dev/schemas/tenants.schema.json',
} as const;

// ajv-formats is CommonJS: under ESM its function is the `default` of the imported module
const addFormats = addFormatsModule.default;

let ajv: Ajv2020 | undefined;

/**
 * One ajv for Koppla's own schemas: strict (a typo in a schema is a bug; only `required` inside
 * oneOf branches is allowed), all errors (users fix many at once), verbose (messages quote the
 * offending value and the schema's description).
 */
export function schemaAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({
      allErrors: true,
      verbose: true,
      strict: true,
      strictRequired: false,
      allowUnionTypes: true,
    });
    addFormats(ajv);
    ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
    ajv.addSchema([jsonlogicSchema, pipelineSchema, pipelineTestSchema, tenantsSchema]);
  }
  return ajv;
}

export function validatorFor(id: string): ValidateFunction {
  const validate = schemaAjv().getSchema(id);
  if (!validate) throw new Error(`schema ${id} is not registered`);
  return validate;
}
