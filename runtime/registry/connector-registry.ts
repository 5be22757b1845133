import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  connectorManifest,
  type ConnectorDefinition,
  type ConnectorManifest,
} from '../../core/plugin-api/index.ts';
import { didYouMean } from '../../core/validate/did-you-mean.ts';

/** The connectors a runtime or a CLI command knows, by connector id. */
export class ConnectorRegistry {
  readonly #connectors = new Map<string, ConnectorDefinition>();
  readonly #manifests = new Map<string, ConnectorManifest>();

  register(connector: ConnectorDefinition): void {
    const { id } = connector.meta;
    if (this.#connectors.has(id)) throw new Error(`connector "${id}" is registered twice`);
    this.#connectors.set(id, connector);
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
 * Loads a connector plugin module: a path (relative to `cwd`) or a package name. The module exports
 * the connector as `default` or as `connector`.
 */
export async function loadConnectorPlugin(
  specifier: string,
  cwd = process.cwd(),
): Promise<ConnectorDefinition> {
  const isPath = specifier.startsWith('.') || isAbsolute(specifier);
  const url = isPath ? pathToFileURL(resolve(cwd, specifier)).href : specifier;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw new Error(`cannot load connector plugin "${specifier}": ${(error as Error).message}`);
  }
  const candidate = (module.default ?? module.connector) as ConnectorDefinition | undefined;
  if (!candidate?.meta?.id) {
    throw new Error(
      `connector plugin "${specifier}" exports no connector (export it as default or as "connector")`,
    );
  }
  return candidate;
}
