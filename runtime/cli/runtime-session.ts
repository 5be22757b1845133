import { hostname } from 'node:os';
import { MongoClient } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import { createRuntimeContainer, type RuntimeOptions } from '../container/create-container.ts';
import { loadTenantsFile } from '../tenants/load-tenants-file.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import { serviceConnectors } from '../registry/builtin-connectors.ts';
import { openWorkspace, type WorkspaceOptions } from './workspace-options.ts';

export interface RuntimeCommandOptions extends WorkspaceOptions {
  config: string;
}

type ServiceSetup = Required<Pick<RuntimeOptions, 'db' | 'connectors' | 'tenants' | 'workerName'>>;

/**
 * What every command that talks to services needs: tenants from the config file, state in
 * MONGODB_URI, OAuth tokens encrypted with KOPPLA_MASTER_KEY, the connectors wired to them. The
 * database connection is closed when `use` settles.
 */
export async function withServices<T>(
  options: RuntimeCommandOptions,
  use: (setup: ServiceSetup) => Promise<T>,
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
    return await use({ db, connectors, tenants, workerName });
  } finally {
    await client.close();
  }
}

/** The runtime container for one CLI command (see `withServices`). */
export function withRuntime<T>(
  options: RuntimeCommandOptions,
  use: (container: DependencyContainer) => Promise<T>,
): Promise<T> {
  return withServices(options, async (setup) => use(await createRuntimeContainer(setup)));
}
