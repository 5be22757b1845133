import { readFileSync } from 'node:fs';
import { Command } from 'commander';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const program = new Command('koppla')
  .description('Koppla: declarative WooCommerce ⇄ Fortnox integration engine')
  .version(version)
  .showHelpAfterError();

await program.parseAsync(process.argv);
