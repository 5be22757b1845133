import { fileURLToPath } from 'node:url';
import { loadConnectorPlugin } from '../../runtime/registry/connector-registry.ts';
import { registryWithBuiltins } from '../../runtime/registry/builtin-connectors.ts';
import { Workspace } from '../../runtime/project/workspace.ts';

/** The example connectors the fixtures' pipelines use. */
export const FIXTURE_PLUGINS = ['example-shop.ts', 'example-ledger.ts'].map((file) =>
  fileURLToPath(new URL(`../fixtures/connectors/${file}`, import.meta.url)),
);

/** The built-in connectors and the example ones, as `koppla --plugin …` would have them. */
export async function fixtureWorkspace(): Promise<Workspace> {
  const registry = registryWithBuiltins();
  for (const plugin of FIXTURE_PLUGINS) registry.register(await loadConnectorPlugin(plugin));
  return new Workspace(registry);
}
