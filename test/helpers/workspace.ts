import { fileURLToPath } from 'node:url';
import { ConnectorRegistry, loadConnectorPlugin } from '../../runtime/registry/connector-registry.ts';
import { Workspace } from '../../runtime/project/workspace.ts';

/** The example connectors the fixtures' pipelines use. */
export const FIXTURE_PLUGINS = ['example-shop.ts', 'example-ledger.ts'].map((file) =>
  fileURLToPath(new URL(`../fixtures/connectors/${file}`, import.meta.url)),
);

export async function fixtureWorkspace(): Promise<Workspace> {
  const registry = new ConnectorRegistry();
  for (const plugin of FIXTURE_PLUGINS) registry.register(await loadConnectorPlugin(plugin));
  return new Workspace(registry);
}
