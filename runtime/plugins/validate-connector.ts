import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { modelSchemas } from '../../core/model/index.ts';
import {
  CONNECTOR_MANIFEST_SCHEMA_ID,
  connectorManifest,
  connectorManifestSchema,
  connectorProblems,
  type ConnectorDefinition,
  type ConnectorManifest,
} from '../../core/plugin-api/index.ts';

// ajv-formats is CommonJS: under ESM its function is the `default` of the imported module
const addFormats = addFormatsModule.default;

// Compiling a connector's schemas is the slow part; the same manifest (the built-ins, admitted by
// every CLI command and many tests) is checked once per process.
const checked = new Map<string, readonly string[]>();

/**
 * Everything wrong with a connector plugin's declaration, one message each: the declaration itself
 * (names, versions, examples: `connectorProblems`), its manifest against
 * schemas/connector-manifest.schema.json, every schema it declares (credentials, records, inputs,
 * outputs: each must compile as JSON Schema 2020-12, and may refer to the canonical model schemas),
 * and every example against the schemas of its operation. Empty when the plugin is sound.
 */
export function connectorDeclarationProblems(connector: ConnectorDefinition): readonly string[] {
  const declared = connectorProblems(connector);
  if (declared.length > 0) return declared; // the rest reads a well-formed declaration
  let manifest: ConnectorManifest;
  try {
    manifest = connectorManifest(connector);
  } catch (error) {
    return [(error as Error).message];
  }
  const key = JSON.stringify(manifest);
  let problems = checked.get(key);
  if (!problems) {
    problems = manifestProblems(manifest);
    checked.set(key, problems);
  }
  return problems;
}

const SCHEMA_MEMBER =
  /^\/(credentialsSchema|streams\/[^/]+\/recordSchema|operations\/[^/]+\/(inputSchema|outputSchema))(\/|$)/;

function manifestProblems(manifest: ConnectorManifest): string[] {
  const ajv = pluginAjv();
  const problems: string[] = [];
  const validateManifest = ajv.getSchema(CONNECTOR_MANIFEST_SCHEMA_ID);
  if (validateManifest && !validateManifest(manifest)) {
    for (const error of validateManifest.errors ?? []) {
      // a schema member that is not JSON Schema is reported below, by compiling it, more plainly
      if (!SCHEMA_MEMBER.test(error.instancePath)) problems.push(`manifest ${describe(error)}`);
    }
  }
  const compile = (schema: unknown, where: string) => {
    try {
      return ajv.compile(schema as object);
    } catch (error) {
      problems.push(`${where} is not a valid JSON Schema: ${(error as Error).message}`);
      return undefined;
    }
  };
  compile(manifest.credentialsSchema, 'credentials');
  for (const [name, stream] of Object.entries(manifest.streams)) {
    compile(stream.recordSchema, `stream "${name}": recordSchema`);
  }
  for (const [name, operation] of Object.entries(manifest.operations)) {
    const input = compile(operation.inputSchema, `operation "${name}": inputSchema`);
    const output = compile(operation.outputSchema, `operation "${name}": outputSchema`);
    for (const example of operation.examples) {
      const at = `operation "${name}", example "${example.name}"`;
      if (input && !input(example.input))
        problems.push(
          `${at}: input does not fit inputSchema: ${(input.errors ?? []).map(describe).join('; ')}`,
        );
      if (output && !output(example.output))
        problems.push(
          `${at}: output does not fit outputSchema: ${(output.errors ?? []).map(describe).join('; ')}`,
        );
    }
  }
  return problems;
}

/**
 * A lenient ajv for plugin schemas: unknown keywords (`x-secret`, vendor extensions) are allowed, as
 * third-party schemas use them; the model schemas are there for `$ref`.
 */
function pluginAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema([...modelSchemas]);
  ajv.addSchema(connectorManifestSchema);
  return ajv;
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'} ${error.message ?? error.keyword}`;
}
