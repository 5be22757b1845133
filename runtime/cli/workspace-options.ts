import type { Command } from 'commander';
import { loadConnectorPlugin, type ConnectorRegistry } from '../registry/connector-registry.ts';
import { registryWithBuiltins } from '../registry/builtin-connectors.ts';
import { Workspace } from '../project/workspace.ts';

export interface WorkspaceOptions {
  plugin?: string[];
}

/** `--plugin <module>`: connector plugins (a path or package name) besides the built-in fortnox and woocommerce. */
export function withPluginOption(command: Command): Command {
  return command.option(
    '-p, --plugin <module>',
    'load a connector plugin (path or package name); repeatable',
    (value: string, previous: string[] = []) => [...previous, value],
  );
}

/** The built-in connectors (or `base`) plus the `--plugin` ones. */
export async function openWorkspace(
  options: WorkspaceOptions,
  base: ConnectorRegistry = registryWithBuiltins(),
): Promise<Workspace> {
  for (const specifier of options.plugin ?? []) base.register(await loadConnectorPlugin(specifier));
  return new Workspace(base);
}
