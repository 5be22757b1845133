import { ensureAdminUiBuilt } from '../../../runtime/admin-ui/build-ui.ts';

/** Builds the admin page once before the browser tests when the build is missing or stale (~3 s). */
export default async function setup(): Promise<void> {
  const started = Date.now();
  const outcome = await ensureAdminUiBuilt();
  if (outcome === 'built')
    process.stderr.write(`[koppla test] admin page built in ${Date.now() - started} ms\n`);
}
