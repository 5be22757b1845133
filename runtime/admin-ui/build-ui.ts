import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Vite from 'vite';

/** The admin page's sources (Vite + Preact) and where their production build goes (git-ignored). */
export const ADMIN_UI_DIR = fileURLToPath(new URL('../../admin-ui/', import.meta.url));
export const ADMIN_UI_DIST = join(ADMIN_UI_DIR, 'dist');
const STAMP = '.source-hash';

/** A hash of every source the build reads: the build is stale when it differs from the stamp. */
export function sourceHash(dir = ADMIN_UI_DIR): string {
  const hash = createHash('sha256');
  const walk = (path: string) => {
    for (const name of readdirSync(path).sort()) {
      if (name === 'dist' || name === 'node_modules' || name.startsWith('dist.')) continue;
      const full = join(path, name);
      if (statSync(full).isDirectory()) walk(full);
      else hash.update(relative(dir, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** The build is there and made from the current sources. */
export function isBuildFresh(dir = ADMIN_UI_DIR): boolean {
  const stamp = join(dir, 'dist', STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8') === sourceHash(dir);
}

/**
 * Builds the admin page with Vite when the build is missing or stale; a clean clone after `npm ci`
 * needs nothing else. Vite is a development dependency: an installation without it must ship a built
 * `admin-ui/dist` (npx vite build admin-ui). Builds into a private folder and swaps it in, so a page
 * being served never sees half a build.
 */
export async function ensureAdminUiBuilt(
  options: { readonly dir?: string; readonly quiet?: boolean } = {},
): Promise<'fresh' | 'built'> {
  const dir = options.dir ?? ADMIN_UI_DIR;
  if (isBuildFresh(dir)) return 'fresh';
  let vite: typeof Vite;
  try {
    vite = await import('vite');
  } catch {
    throw new Error(
      'the admin page is not built and Vite is not installed: run `npm ci` (with dev dependencies) or ship admin-ui/dist',
    );
  }
  const hash = sourceHash(dir);
  const outDir = join(dir, `dist.build-${process.pid}-${Date.now()}`);
  await vite.build({
    root: dir,
    configFile: join(dir, 'vite.config.ts'),
    logLevel: options.quiet === false ? 'info' : 'warn',
    build: { outDir, emptyOutDir: true },
  });
  writeFileSync(join(outDir, STAMP), hash);
  const dist = join(dir, 'dist');
  rmSync(dist, { recursive: true, force: true });
  try {
    renameSync(outDir, dist);
  } catch (error) {
    // another process swapped its build in first: the same sources, so theirs will do
    rmSync(outDir, { recursive: true, force: true });
    if (!existsSync(join(dist, STAMP))) throw error;
  }
  return 'built';
}
