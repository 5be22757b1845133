import { join } from 'node:path';
import type { Command } from 'commander';
import { scaffoldConnector } from '../../plugins/scaffold/scaffold-connector.ts';

/** `koppla new connector <id>`: a ready-to-run connector plugin folder. */
export function registerNewConnectorCommand(program: Command): void {
  const create =
    program.commands.find((command) => command.name() === 'new') ??
    program.command('new').description('create something from a template');
  create
    .command('connector')
    .description(
      'write a connector plugin (declaration, sandbox, contract test, README) that passes its tests',
    )
    .argument('<id>', 'connector id, kebab case: visma, acme-erp')
    .option('-d, --dir <dir>', 'where to write it (default connectors-local/<id>)')
    .option('--package', 'also write a package.json, to publish it as an npm package')
    .action((id: string, options: { dir?: string; package?: boolean }) => {
      const dir = options.dir ?? join('connectors-local', id);
      const written = scaffoldConnector(id, dir, { package: options.package ?? false });
      for (const file of written) process.stdout.write(`wrote ${file}\n`);
      process.stdout.write(
        `\nRun its tests:  npx vitest run --root ${dir}\nLoad it:        plugins: [./${dir}] in koppla.yaml, or --plugin ./${dir}\n`,
      );
    });
}
