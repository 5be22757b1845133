import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { MongoClient } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import { createRuntimeContainer, type RuntimeOptions } from '../container/create-container.ts';
import { loadTenantsFile } from '../tenants/load-tenants-file.ts';
import { MongoTenantStore } from '../tenants/mongo-tenant-store.ts';
import { TenantCatalog } from '../tenants/tenant-catalog.ts';
import { SecretBox } from '../secrets/secret-box.ts';
import {
  builtinConnectors,
  registryWithBuiltins,
  servicePluginHost,
} from '../registry/builtin-connectors.ts';
import { loadConnectorPlugin, type ConnectorRegistry } from '../registry/connector-registry.ts';
import { registerConfiguredPlugins } from '../plugins/configured-plugins.ts';
import type { WorkspaceOptions } from './workspace-options.ts';
import { applyRuntimeSettings, loadRuntimeSettings } from '../config/runtime-settings.ts';

export interface RuntimeCommandOptions extends WorkspaceOptions {
  config: string;
}

/** The config file's default name: a missing koppla.yaml means "tenants in MongoDB only". */
export const DEFAULT_CONFIG = 'koppla.yaml';

export interface ServiceSetup extends Required<
  Pick<RuntimeOptions, 'db' | 'connectors' | 'tenants' | 'workerName' | 'tenantCatalog'>
> {
  readonly box: SecretBox;
}

export interface ServiceSetupOptions {
  /** A dry run: connectors get a `ctx.http` that refuses every method but GET and HEAD. */
  readonly readOnly?: boolean;
}

/**
 * What every command that talks to services needs: tenants from koppla.yaml (if there is one) and
 * MongoDB, state in MONGODB_URI, secrets and OAuth tokens encrypted with KOPPLA_MASTER_KEY, the
 * connectors wired to them. The database connection is closed when `use` settles.
 */
export async function withServices<T>(
  options: RuntimeCommandOptions,
  use: (setup: ServiceSetup) => Promise<T>,
  setupOptions: ServiceSetupOptions = {},
): Promise<T> {
  // every setting checked at once, each bad one named (schemas/runtime-settings.schema.json)
  applyRuntimeSettings(loadRuntimeSettings());
  const uri = process.env.MONGODB_URI;
  if (!uri)
    throw new Error("set MONGODB_URI to the MongoDB that keeps Koppla's state (npm run db starts one)");
  const config = configFile(options.config);
  const fileTenants = config ? loadTenantsFile(config) : [];
  const box = SecretBox.fromEnv();
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    const db = client.db();
    const workerName = `${hostname()}:${process.pid}`;
    const tenantCatalog = new TenantCatalog({
      fileTenants,
      store: new MongoTenantStore(db, box),
      projectDir: dirname(resolve(config ?? options.config)),
    });
    const connectors = await serviceRegistry(db, box, workerName, config, options, setupOptions);
    return await use({ db, connectors, tenants: await tenantCatalog.load(), workerName, tenantCatalog, box });
  } finally {
    await client.close();
  }
}

/** Just the database of MONGODB_URI, closed when `use` settles (no master key needed). */
export async function withDatabase<T>(use: (db: ServiceSetup['db']) => Promise<T>): Promise<T> {
  const uri = process.env.MONGODB_URI;
  if (!uri)
    throw new Error("set MONGODB_URI to the MongoDB that keeps Koppla's state (npm run db starts one)");
  const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
  try {
    return await use(client.db());
  } finally {
    await client.close();
  }
}

/** The runtime container for one CLI command (see `withServices`). */
export function withRuntime<T>(
  options: RuntimeCommandOptions,
  use: (container: DependencyContainer, setup: ServiceSetup) => Promise<T>,
  setupOptions: ServiceSetupOptions = {},
): Promise<T> {
  return withServices(
    options,
    async (setup) => use(await createRuntimeContainer(setup), setup),
    setupOptions,
  );
}

/** The config file, or undefined when the default one is absent; another missing file is an error. */
export function configFile(path: string): string | undefined {
  if (existsSync(path)) return path;
  if (path === DEFAULT_CONFIG) return undefined;
  throw new Error(`${path}: no such tenants file`);
}

/** The built-ins and koppla.yaml's `plugins:`, then any --plugin, all with the worker's services. */
async function serviceRegistry(
  db: ServiceSetup['db'],
  box: SecretBox,
  workerName: string,
  config: string | undefined,
  options: WorkspaceOptions,
  setupOptions: ServiceSetupOptions,
): Promise<ConnectorRegistry> {
  const host = {
    ...servicePluginHost(db, box, workerName),
    ...(setupOptions.readOnly ? { readOnly: true } : {}),
  };
  const registry = registryWithBuiltins(builtinConnectors(host));
  if (config) await registerConfiguredPlugins(registry, config, host);
  for (const specifier of options.plugin ?? [])
    registry.register(await loadConnectorPlugin(specifier, process.cwd(), host));
  return registry;
}
