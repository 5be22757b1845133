import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SKIP = new Set(['node_modules', '.git', 'coverage', '.koppla']);

/** Expands files and directories (recursively) to the files in them that `filter` keeps (YAML by default), sorted, absolute. */
export function findFiles(paths: readonly string[], filter: (name: string) => boolean = isYaml): string[] {
  const found = new Set<string>();
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (!SKIP.has(entry)) visit(join(path, entry));
    } else if (filter(path)) {
      found.add(resolve(path));
    }
  };
  for (const path of paths) visit(path);
  return [...found].sort();
}

function isYaml(name: string): boolean {
  return /\.ya?ml$/.test(name);
}
