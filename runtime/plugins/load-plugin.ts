import { createRequire } from 'node:module';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DEFAULT_PLUGIN_API_RANGE,
  PLUGIN_API_VERSION,
  satisfies,
  type ConnectorDefinition,
  type ConnectorFactory,
  type KeyValueStore,
  type PluginServices,
  type RateLimit,
  type RateLimiter,
  type TokenStore,
} from '../../core/plugin-api/index.ts';
import type { HttpRecorder } from './http-client.ts';
import { isolateConnector, isIsolated } from './isolate-connector.ts';
import { PluginLoadError } from './plugin-load-error.ts';
import { InProcessRateLimiter, UNLIMITED } from './rate-limiter.ts';
import { InMemoryTokenStore, namespacedTokenStore } from './token-store.ts';
import { InMemoryKeyValueStore, namespacedKeyValueStore } from './key-value-store.ts';
import { connectorDeclarationProblems } from './validate-connector.ts';

/**
 * What the runtime offers the plugins it loads. A worker that shares tenants with other workers
 * passes MongoDB-backed ones; tools and tests get in-process defaults.
 */
export interface PluginHost {
  /** The shared request budget for a connector's `rateLimit`. Default: in-process. */
  rateLimiterFor?(rateLimit: RateLimit, connectorId: string): RateLimiter;
  /** Default: in-process. Namespaced by connector id before a plugin sees it. */
  readonly tokenStore?: TokenStore;
  /** Default: in-process. Namespaced by connector id before a plugin sees it. */
  readonly keyValueStore?: KeyValueStore;
  /** Receives every `ctx.http` exchange. */
  readonly recorder?: HttpRecorder;
  /** A dry run: `ctx.http` refuses writes. */
  readonly readOnly?: boolean;
  readonly fetch?: typeof fetch;
  /** For calls whose definition names no `timeoutMs`; default 120 000 ms. */
  readonly defaultTimeoutMs?: number;
}

export interface LoadPluginOptions {
  /** Where relative specifiers (`./connectors-local/visma`) resolve: the config file's folder. */
  readonly baseDir?: string;
  readonly host?: PluginHost;
}

/** A module as imported: its exports by name. */
export type PluginModule = Readonly<Record<string, unknown>>;

/**
 * Imports a plugin module: a path (`./x`, `../x`, absolute; relative to `baseDir`) or a package
 * name resolved from `baseDir` like Node resolves any import.
 */
export async function importPluginModule(specifier: string, baseDir = process.cwd()): Promise<PluginModule> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  const target = isPath
    ? pathToFileURL(entryOf(resolve(baseDir, specifier))).href
    : resolvePackage(specifier, baseDir);
  try {
    return (await import(target)) as PluginModule;
  } catch (error) {
    throw new PluginLoadError(specifier, [`cannot be loaded: ${(error as Error).message}`], { cause: error });
  }
}

/** Files a plugin folder may start from when its package.json names none (`koppla new connector` writes connector.ts). */
const FOLDER_ENTRIES = ['connector.ts', 'index.ts', 'connector.js', 'index.js'];

/**
 * A path names a module, or a plugin folder: its package.json's `exports["."]` or `main`, else one
 * of FOLDER_ENTRIES. A path that does not exist is left for import() to report.
 */
function entryOf(path: string): string {
  if (!existsSync(path) || !statSync(path).isDirectory()) return path;
  const manifest = join(path, 'package.json');
  if (existsSync(manifest)) {
    const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: unknown };
    const exported =
      typeof pkg.exports === 'string'
        ? pkg.exports
        : (pkg.exports as Record<string, unknown> | undefined)?.['.'];
    const entry =
      typeof exported === 'string' ? exported : typeof pkg.main === 'string' ? pkg.main : undefined;
    if (entry) return join(path, entry);
  }
  const found = FOLDER_ENTRIES.map((file) => join(path, file)).find((file) => existsSync(file));
  return found ?? path;
}

function resolvePackage(specifier: string, baseDir: string): string {
  try {
    // from the config's folder, not from Koppla's own: the plugin is the installation's dependency
    return pathToFileURL(createRequire(resolve(baseDir, 'koppla.yaml')).resolve(specifier)).href;
  } catch {
    // an ESM-only package without a "require" export: let import() find it from here
    return specifier;
  }
}

/**
 * Turns an imported plugin module into a connector the runtime can register: takes its
 * `createConnector(services)` factory, else its `default` or `connector` export; checks that the
 * plugin API it was written for (`pluginApi`, a semver range) includes this Koppla's; checks the
 * declaration (see `connectorDeclarationProblems`); wraps it (see `isolateConnector`). Throws a
 * `PluginLoadError` naming the plugin and every problem.
 */
export function admitPlugin(
  module: PluginModule,
  specifier: string,
  host: PluginHost = {},
): ConnectorDefinition {
  // the factory gets its services before the connector (its id, its rateLimit) exists: bind lazily
  const bound: { id: string; rateLimit?: RateLimit; limiter?: RateLimiter } = { id: '' };
  const rateLimiter: RateLimiter = {
    acquire: (key, signal) =>
      (bound.limiter ??= limiterFor(host, bound.rateLimit, bound.id)).acquire(key, signal),
  };
  const candidate = connectorExport(module, specifier, () => ({
    tokenStore: namespacedTokenStore(host.tokenStore ?? new InMemoryTokenStore(), () => bound.id),
    rateLimiter,
    keyValueStore: namespacedKeyValueStore(host.keyValueStore ?? new InMemoryKeyValueStore(), () => bound.id),
  }));
  if (isIsolated(candidate)) return candidate;
  const range = typeof candidate.pluginApi === 'string' ? candidate.pluginApi : DEFAULT_PLUGIN_API_RANGE;
  if (!satisfies(PLUGIN_API_VERSION, range)) {
    throw new PluginLoadError(specifier, [
      `${candidate.meta.id}@${candidate.meta.version} is written for plugin API ${range}, but this Koppla provides plugin API ${PLUGIN_API_VERSION}; install a version of the plugin made for plugin API ${PLUGIN_API_VERSION.split('.')[0]}.x`,
    ]);
  }
  const problems = connectorDeclarationProblems(candidate);
  if (problems.length > 0) throw new PluginLoadError(specifier, problems);
  bound.id = candidate.meta.id;
  if (candidate.rateLimit) bound.rateLimit = candidate.rateLimit;
  return isolateConnector(candidate, {
    rateLimiter,
    ...(host.recorder ? { recorder: host.recorder } : {}),
    ...(host.readOnly ? { readOnly: true } : {}),
    ...(host.fetch ? { fetch: host.fetch } : {}),
    ...(host.defaultTimeoutMs === undefined ? {} : { defaultTimeoutMs: host.defaultTimeoutMs }),
  });
}

/** Imports, checks and wraps one plugin (see `importPluginModule` and `admitPlugin`). */
export async function loadPlugin(
  specifier: string,
  options: LoadPluginOptions = {},
): Promise<ConnectorDefinition> {
  return admitPlugin(await importPluginModule(specifier, options.baseDir), specifier, options.host);
}

function connectorExport(
  module: PluginModule,
  specifier: string,
  services: () => PluginServices,
): ConnectorDefinition {
  const factory = module.createConnector;
  let candidate: unknown;
  if (typeof factory === 'function') {
    try {
      candidate = (factory as ConnectorFactory)(services());
    } catch (error) {
      throw new PluginLoadError(specifier, [`createConnector() threw: ${(error as Error).message}`], {
        cause: error,
      });
    }
  } else candidate = module.default ?? module.connector;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof (candidate as ConnectorDefinition).meta?.id !== 'string'
  ) {
    throw new PluginLoadError(specifier, [
      'exports no connector (export it as default or as "connector", or export createConnector(services))',
    ]);
  }
  return candidate as ConnectorDefinition;
}

function limiterFor(host: PluginHost, rateLimit: RateLimit | undefined, connectorId: string): RateLimiter {
  if (!rateLimit) return UNLIMITED;
  return host.rateLimiterFor?.(rateLimit, connectorId) ?? new InProcessRateLimiter(rateLimit);
}
