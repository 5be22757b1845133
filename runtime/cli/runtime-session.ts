import { MongoClient } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import { createRuntimeContainer } from '../container/create-container.ts';
import { loadTenantsFile } from '../tenants/load-tenants-file.ts';
import { openWorkspace, type WorkspaceOptions } from './workspace-options.ts';
import { hostname } from 'node:os';
import { SecretBox } from '../secrets/secret-box.ts';
import { serviceConnectors } from '../registry/builtin-connectors.ts';

export interface RuntimeCommandOptions extends WorkspaceOptions {
  config: string;
}

/**
 * The runtime for one CLI command: tenants from the config file, state in MONGODB_URI, OAuth tokens
 * encrypted with KOPPLA_MASTER_KEY.
 */
export async function withRuntime<T>(
  options: RuntimeCommandOptions,
  use: (container: DependencyContainer) => Promise<T>,
): Promise<T> {
  const uri = process.env.MONGODB_URI;
  if (!uri)
    throw new Error("set MONGODB_URI to the MongoDB that keeps Koppla's state (npm run db starts one)");
  const tenants = loadTenantsFile(options.config);
  const box = SecretBox.fromEnv();
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    const db = client.db();
    const workerName = `${hostname()}:${process.pid}`;
    const { connectors } = await openWorkspace(options, serviceConnectors(db, box, workerName));
    return await use(await createRuntimeContainer({ db, connectors, tenants, workerName }));
  } finally {
    await client.close();
  }
}
