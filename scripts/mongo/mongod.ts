import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPort, spawnWatched, waitForPing } from './child-process.ts';
import type { ProvisionedMongo } from './provisioned-mongo.ts';

export function mongodOnPath(): boolean {
  return spawnSync('mongod', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function startMongod(): Promise<ProvisionedMongo> {
  const dir = mkdtempSync(join(tmpdir(), 'koppla-mongod-'));
  mkdirSync(join(dir, 'data'));
  const port = await freeLoopbackPort();
  const server = spawnWatched(
    'mongod',
    ['--dbpath', join(dir, 'data'), '--port', String(port), '--bind_ip', '127.0.0.1', '--quiet'],
    join(dir, 'mongod.log'),
  );
  const uri = `mongodb://127.0.0.1:${port}/`;
  const cleanUp = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(uri, server);
  } catch (error) {
    await cleanUp();
    throw error;
  }
  return { uri, source: 'mongod', description: `mongod on ${uri} (temporary dbpath)`, stop: cleanUp };
}
