import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CONNECTOR_ID_PATTERN } from '../../../core/plugin-api/index.ts';

/** The files of a new connector plugin, from the templates beside this module. */
const TEMPLATES: Readonly<Record<string, string>> = {
  'connector.ts': 'template-connector.ts.txt',
  'sandbox.ts': 'template-sandbox.ts.txt',
  'connector.test.ts': 'template-connector.test.ts.txt',
  'vitest.config.ts': 'template-vitest.config.ts.txt',
  'README.md': 'template-README.md.txt',
};

export interface ScaffoldOptions {
  /** Also write a package.json, to publish the connector as an npm package. */
  readonly package?: boolean;
  /** Where paths in the README are relative to; default the working directory. */
  readonly cwd?: string;
}

/**
 * Writes a ready-to-run connector plugin for `id` into `dir`: the declaration (one stream, one
 * operation), a sandbox, the contract test and a README. It passes its own tests as written. Refuses
 * an id that is not kebab case and a folder that is not empty.
 */
export function scaffoldConnector(id: string, dir: string, options: ScaffoldOptions = {}): string[] {
  if (!CONNECTOR_ID_PATTERN.test(id))
    throw new Error(
      `"${id}" is not a connector id: lower-case letters, digits and dashes, e.g. visma or acme-erp`,
    );
  if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`${dir} exists and is not empty`);
  const words = id.split('-');
  const values: Record<string, string> = {
    __ID__: id,
    __NAME__: words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' '),
    __TYPE__: words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(''),
    __DIR__: relative(options.cwd ?? process.cwd(), dir) || '.',
  };
  const files: Record<string, string> = {};
  for (const [file, template] of Object.entries(TEMPLATES)) {
    const text = readFileSync(new URL(template, import.meta.url), 'utf8');
    files[file] = text.replace(/__(ID|NAME|TYPE|DIR)__/g, (key) => values[key] ?? key);
  }
  if (options.package) files['package.json'] = `${JSON.stringify(packageJson(id), null, 2)}\n`;
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return Object.keys(files).map((file) => join(dir, file));
}

function packageJson(id: string) {
  return {
    name: `koppla-connector-${id}`,
    version: '0.1.0',
    description: `A Koppla connector plugin for ${id}.`,
    type: 'module',
    exports: { '.': './connector.ts' },
    keywords: ['koppla', 'koppla-connector'],
    peerDependencies: { koppla: '*' },
    scripts: { test: 'vitest run' },
  };
}
