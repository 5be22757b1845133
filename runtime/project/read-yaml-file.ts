import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { parseYamlSource, YAML_LIMITS, type YamlSource } from '../../core/config/index.ts';
import { KopplaUserError } from '../../core/diagnostics/index.ts';

/**
 * Reads and parses a YAML file; diagnostics name it relative to the working directory. Only a
 * regular file within the loader's size limit is read: a path naming a device (`/dev/zero`), a FIFO
 * or a directory would otherwise hang the CLI or exhaust its memory before the parser could refuse it.
 */
export function readYamlFile(path: string): YamlSource {
  const file = displayPath(path);
  const stat = statSync(path, { throwIfNoEntry: false });
  const refuse = (message: string): never => {
    throw new KopplaUserError(`${file}: ${message}`, [
      { file, line: 1, col: 1, severity: 'error', rule: 'yaml-limit', message },
    ]);
  };
  if (stat && !stat.isFile()) refuse('not a regular file');
  // UTF-8 takes at most 4 bytes per character: a file beyond this cannot be within the limit
  if (stat && stat.size > YAML_LIMITS.maxLength * 4)
    refuse(`file too large: ${stat.size} bytes, at most ${YAML_LIMITS.maxLength} characters`);
  return parseYamlSource(readFileSync(path, 'utf8'), file);
}

export function displayPath(path: string): string {
  const shown = relative(process.cwd(), path);
  return shown.startsWith('..') ? path : shown;
}
