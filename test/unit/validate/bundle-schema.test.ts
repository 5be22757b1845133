import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { bundleSchema } from '../../../core/validate/bundle-schema.ts';

const schemasDir = fileURLToPath(new URL('../../../schemas/', import.meta.url));
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));

function allSchemas(dir: string): Record<string, never>[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? allSchemas(join(dir, entry.name))
      : entry.name.endsWith('.schema.json')
        ? [JSON.parse(readFileSync(join(dir, entry.name), 'utf8')) as Record<string, never>]
        : [],
  );
}

/** What an editor does: one schema file, nothing else registered. */
function editorValidator(name: string) {
  const bundled = bundleSchema(`https://koppla.dev/schemas/${name}.schema.json`, allSchemas(schemasDir));
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  return ajv.compile(bundled);
}

describe('koppla schema: self-contained editor schemas', () => {
  it('the pipeline schema stands alone and accepts the example pipeline', () => {
    const validate = editorValidator('pipeline');
    const pipeline: unknown = parse(readFileSync(join(fixtures, 'pipelines/orders-example.yaml'), 'utf8'));
    expect(validate(pipeline), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects what Koppla rejects: an unknown step key, an unknown operator', () => {
    const validate = editorValidator('pipeline');
    for (const file of ['invalid/p08-unknown-step-key.yaml', 'invalid/p21-unknown-operator.yaml']) {
      expect(validate(parse(readFileSync(join(fixtures, file), 'utf8'))), file).toBe(false);
    }
  });

  it('every editor schema bundles without outside references except the JSON Schema meta-schema', () => {
    for (const name of ['pipeline', 'rule-pack', 'pipeline-test', 'rule-pack-test', 'connector-manifest']) {
      const text = JSON.stringify(
        bundleSchema(`https://koppla.dev/schemas/${name}.schema.json`, allSchemas(schemasDir)),
      );
      const outside = [...text.matchAll(/"\$ref":"([^"#][^"]*)"/g)].map((m) => m[1]);
      expect(
        outside.every((ref) => ref?.startsWith('https://json-schema.org/')),
        `${name}: ${outside.join(', ')}`,
      ).toBe(true);
    }
  });
});
