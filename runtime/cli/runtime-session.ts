import { MongoClient } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import { createRuntimeContainer } from '../container/create-container.ts';
import { loadTenantsFile } from '../tenants/load-tenants-file.ts';
import { openWorkspace, type WorkspaceOptions } from './workspace-options.ts';

export interface RuntimeCommandOptions extends WorkspaceOptions {
  config: string;
}

/** The runtime for one CLI command: tenants from the config file, state in MONGODB_URI. */
export async function withRuntime<T>(
  options: RuntimeCommandOptions,
  use: (container: DependencyContainer) => Promise<T>,
): Promise<T> {
  const uri = process.env.MONGODB_URI;
  if (!uri)
    throw new Error("set MONGODB_URI to the MongoDB that keeps Koppla's state (npm run db starts one)");
  const tenants = loadTenantsFile(options.config);
  const { connectors } = await openWorkspace(options);
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    return await use(await createRuntimeContainer({ db: client.db(), connectors, tenants }));
  } finally {
    await client.close();
  }
}
