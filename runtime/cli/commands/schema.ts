import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { bundleSchema } from '../../../core/validate/bundle-schema.ts';
import { findFiles } from '../../project/find-files.ts';
import { SCHEMAS_DIR } from '../../project/paths.ts';

/** The schemas people write files against; each gets a self-contained copy for editors. */
const EDITOR_SCHEMAS = [
  'pipeline',
  'rule-pack',
  'pipeline-test',
  'rule-pack-test',
  'connector-manifest',
  'tenants',
];

export function registerSchemaCommand(program: Command): void {
  program
    .command('schema')
    .description('write self-contained JSON Schemas for editors (yaml-language-server)')
    .option('-o, --out <dir>', 'output directory', '.koppla/schemas')
    .action((options: { out: string }) => {
      const files = findFiles([SCHEMAS_DIR], (name) => name.endsWith('.schema.json'));
      const schemas = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, never>);
      mkdirSync(options.out, { recursive: true });
      const written: string[] = [];
      for (const name of EDITOR_SCHEMAS) {
        const id = `https://koppla.dev/schemas/${name}.schema.json`;
        if (!schemas.some((s) => s.$id === id)) continue;
        const target = join(options.out, `${name}.schema.json`);
        writeFileSync(target, `${JSON.stringify(bundleSchema(id, schemas), null, 2)}\n`);
        written.push(target);
      }
      for (const target of written) process.stdout.write(`wrote ${target}\n`);
      process.stdout.write(
        `\nIn a YAML file, point your editor at one of them:\n  # yaml-language-server: $schema=<relative path>/${basename(written[0] ?? 'pipeline.schema.json')}\n`,
      );
    });
}
