import type { Db } from 'mongodb';
import type { ConnectorDefinition } from '../../core/plugin-api/index.ts';
import { ConnectorRegistry } from './connector-registry.ts';
import { LeaseStore, MongoRateBudget } from '../store/index.ts';
import { MongoTokenStore } from '../secrets/mongo-token-store.ts';
import { MongoKeyValueStore } from '../store/mongo-key-value-store.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { KOPPLA_ROOT } from '../project/paths.ts';
import { admitPlugin, importPluginModule, type PluginHost } from '../plugins/index.ts';
import { registerConfiguredPlugins } from '../plugins/configured-plugins.ts';
import { parseDuration } from '../../core/config/index.ts';

/**
 * The connectors that ship with Koppla, as plugin specifiers relative to the package. They are
 * imported, checked and wrapped by the same loader as every third-party plugin; Fortnox's entry is
 * a factory module, because it needs the token store and request budget every worker shares.
 */
export const BUILTIN_PLUGINS: readonly string[] = [
  './runtime/registry/builtin/fortnox.ts',
  './connectors/woocommerce/connector.ts',
];

// imported once, when this module loads, so the registries below can be built synchronously
const builtinModules = await Promise.all(
  BUILTIN_PLUGINS.map(async (specifier) => ({
    specifier,
    module: await importPluginModule(specifier, KOPPLA_ROOT),
  })),
);

/** The built-in connectors, admitted with `host`'s services. */
export function builtinConnectors(host: PluginHost = {}): ConnectorDefinition[] {
  return builtinModules.map(({ specifier, module }) => admitPlugin(module, specifier, host));
}

let forTools: ConnectorDefinition[] | undefined;

/**
 * A registry of the given connectors (default: the built-ins with in-process services, for tools
 * that call no service: lint, test, explain). Plugins are added with `register`.
 */
export function registryWithBuiltins(
  connectors: readonly ConnectorDefinition[] = (forTools ??= builtinConnectors()),
): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  for (const connector of connectors) registry.register(connector);
  return registry;
}

/**
 * What a worker that calls services lends its plugins: OAuth tokens in MongoDB (encrypted,
 * refreshed under a lease shared by all workers) and one request budget per connector and tenant
 * across all workers (Fortnox: 25 / 5 s), instead of the per-process defaults.
 */
export function servicePluginHost(db: Db, box: SecretBox, workerName: string): PluginHost {
  return {
    tokenStore: new MongoTokenStore(db, new LeaseStore(db), box, { holder: workerName }),
    // caches connectors rebuild from the remote system (WooCommerce: SKU → product ids), per tenant key
    keyValueStore: new MongoKeyValueStore(db),
    rateLimiterFor: (rateLimit, connectorId) => {
      const budget = rateLimitOverrides()[connectorId] ?? {
        requests: rateLimit.requests,
        windowMs: rateLimit.perMs,
      };
      return new MongoRateBudget(db, budget);
    },
  };
}

/**
 * `KOPPLA_RATE_LIMITS=fortnox=25/5s,woocommerce=10/1s`: a request budget per connector instead of
 * the one its manifest declares — for a service that granted a tenant more (or asks for less), and
 * for sandboxes and tests. Never set it above what the service allows: it answers 429 otherwise.
 */
export function rateLimitOverrides(
  env: NodeJS.ProcessEnv = process.env,
): Readonly<Record<string, { requests: number; windowMs: number }>> {
  const text = env.KOPPLA_RATE_LIMITS ?? '';
  const budgets: Record<string, { requests: number; windowMs: number }> = {};
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const match = /^([a-z0-9][a-z0-9._-]*)=(\d+)\/(.+)$/i.exec(entry);
    const windowMs = match ? parseDuration(match[3] ?? '') : undefined;
    if (!match || windowMs === undefined || windowMs <= 0 || Number(match[2]) <= 0)
      throw new Error(
        `KOPPLA_RATE_LIMITS: "${entry}" is not <connector>=<requests>/<duration> (fortnox=25/5s)`,
      );
    budgets[match[1] as string] = { requests: Number(match[2]), windowMs };
  }
  return budgets;
}

/** The built-in connectors for workers that call services (see `servicePluginHost`). */
export function serviceConnectors(db: Db, box: SecretBox, workerName: string): ConnectorRegistry {
  return registryWithBuiltins(builtinConnectors(servicePluginHost(db, box, workerName)));
}

/**
 * Boot: the built-in connectors and the plugins `configFile` (koppla.yaml) lists, loaded through
 * one loader with the worker's services. Fails with the plugin's line in the file when a plugin
 * cannot be loaded, is written for another plugin API, or declares something invalid.
 */
export async function bootConnectors(
  db: Db,
  box: SecretBox,
  workerName: string,
  configFile: string,
): Promise<ConnectorRegistry> {
  const host = servicePluginHost(db, box, workerName);
  const registry = registryWithBuiltins(builtinConnectors(host));
  await registerConfiguredPlugins(registry, configFile, host);
  return registry;
}
