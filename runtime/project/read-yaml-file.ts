import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseYamlSource, type YamlSource } from '../../core/config/index.ts';

/** Reads and parses a YAML file; diagnostics name it relative to the working directory. */
export function readYamlFile(path: string): YamlSource {
  return parseYamlSource(readFileSync(path, 'utf8'), displayPath(path));
}

export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') ? path : shown;
}
