import { dirname } from 'node:path';
import { KopplaUserError, type Diagnostic, type SourcePosition } from '../../core/diagnostics/index.ts';
import type { ConnectorDefinition } from '../../core/plugin-api/index.ts';
import { readYamlFile } from '../project/read-yaml-file.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import { loadPlugin, type PluginHost } from './load-plugin.ts';

export interface ConfiguredPlugin {
  /** As written: a package name or a path relative to the config file. */
  readonly specifier: string;
  /** Where the config file names it. */
  readonly position: SourcePosition;
}

/**
 * The `plugins:` list of a koppla.yaml (kind: Tenants), with positions. The file's schema is
 * checked by `loadTenantsFile`; this only reads the list (absent: none).
 */
export function configuredPlugins(configFile: string): ConfiguredPlugin[] {
  const source = readYamlFile(configFile);
  const list = (source.value as { plugins?: unknown } | null)?.plugins;
  if (!Array.isArray(list)) return [];
  return list
    .map((specifier: unknown, index) => ({ specifier, position: source.positionOf(`/plugins/${index}`) }))
    .filter((entry): entry is ConfiguredPlugin => typeof entry.specifier === 'string');
}

/**
 * Loads the plugins koppla.yaml lists (paths relative to it) and registers them, at boot, before
 * anything runs. Every plugin that cannot be used is reported, each at its line in the file; none is
 * registered then, so a worker never starts with half its connectors.
 */
export async function registerConfiguredPlugins(
  registry: ConnectorRegistry,
  configFile: string,
  host: PluginHost = {},
): Promise<ConnectorDefinition[]> {
  const diagnostics: Diagnostic[] = [];
  const loaded: { connector: ConnectorDefinition; position: SourcePosition }[] = [];
  for (const { specifier, position } of configuredPlugins(configFile)) {
    try {
      loaded.push({
        connector: await loadPlugin(specifier, { baseDir: dirname(configFile), host }),
        position,
      });
    } catch (error) {
      diagnostics.push(pluginDiagnostic(position, (error as Error).message));
    }
  }
  if (diagnostics.length === 0) {
    for (const { connector, position } of loaded) {
      try {
        registry.register(connector);
      } catch (error) {
        diagnostics.push(pluginDiagnostic(position, (error as Error).message));
      }
    }
  }
  if (diagnostics.length > 0) {
    throw new KopplaUserError(
      `${diagnostics[0]?.file}: ${diagnostics.length === 1 ? 'a connector plugin cannot' : `${diagnostics.length} connector plugins cannot`} be loaded`,
      diagnostics,
    );
  }
  return loaded.map((entry) => entry.connector);
}

function pluginDiagnostic(position: SourcePosition, message: string): Diagnostic {
  return { ...position, severity: 'error', rule: 'invalid-plugin', message };
}
