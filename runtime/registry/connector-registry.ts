import {
  connectorManifest,
  type ConnectorDefinition,
  type ConnectorManifest,
} from '../../core/plugin-api/index.ts';
import { didYouMean } from '../../core/validate/did-you-mean.ts';
import { isolateConnector } from '../plugins/isolate-connector.ts';
import { loadPlugin, type PluginHost } from '../plugins/load-plugin.ts';

/** The connectors a runtime or a CLI command knows, by connector id. */
export class ConnectorRegistry {
  readonly #connectors = new Map<string, ConnectorDefinition>();
  readonly #manifests = new Map<string, ConnectorManifest>();

  /**
   * Adds a connector. One that did not come through the plugin loader is wrapped here all the same
   * (`isolateConnector`: deadlines, named logger, `ctx.http`), so every call the runtime makes has a
   * timeout.
   */
  register(connector: ConnectorDefinition): void {
    const { id } = connector.meta;
    if (this.#connectors.has(id)) throw new Error(`connector "${id}" is registered twice`);
    this.#connectors.set(id, isolateConnector(connector));
    this.#manifests.set(id, connectorManifest(connector));
  }

  get(id: string): ConnectorDefinition {
    const connector = this.#connectors.get(id);
    if (!connector) throw new Error(`unknown connector "${id}"${didYouMean(id, this.#connectors.keys())}`);
    return connector;
  }

  manifests(): ReadonlyMap<string, ConnectorManifest> {
    return this.#manifests;
  }
}

/**
 * Loads a connector plugin: a path (relative to `cwd`) or a package name. The module exports the
 * connector as `default` or as `connector`, or a `createConnector(services)` factory. It is checked
 * (plugin-API version, declaration) and wrapped like every plugin: see runtime/plugins.
 */
export async function loadConnectorPlugin(
  specifier: string,
  cwd = process.cwd(),
  host?: PluginHost,
): Promise<ConnectorDefinition> {
  return loadPlugin(specifier, { baseDir: cwd, ...(host ? { host } : {}) });
}
