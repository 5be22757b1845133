// reflect-metadata first: tsyringe needs it before any decorated class is loaded
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { KopplaUserError, formatDiagnostic } from '../../core/diagnostics/index.ts';
import { registerSchemaCommand } from './commands/schema.ts';
import { registerLintCommand } from './commands/lint.ts';
import { registerTestCommand } from './commands/test.ts';
import { registerExplainCommand } from './commands/explain.ts';
import { registerRunCommand } from './commands/run.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerTenantsCommand } from './commands/tenants.ts';
import { registerDryRunCommand } from './commands/dry-run.ts';
import { registerConnectCommand } from './commands/connect.ts';
import { registerAdminCommand } from './commands/admin.ts';
import { registerNewConnectorCommand } from './commands/new-connector.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

const program = new Command('koppla')
  .description('Koppla: declarative WooCommerce ⇄ Fortnox integration engine')
  .version(version)
  .showHelpAfterError();

registerLintCommand(program);
registerTestCommand(program);
registerExplainCommand(program);
registerRunCommand(program);
registerServeCommand(program);
registerDryRunCommand(program);
registerTenantsCommand(program);
registerConnectCommand(program);
registerAdminCommand(program);
registerSchemaCommand(program);
registerNewConnectorCommand(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // a user's mistake gets its diagnostics, never a stack trace; KOPPLA_DEBUG=1 shows the trace
  if (error instanceof KopplaUserError) {
    process.stderr.write(`${error.message}\n`);
    for (const d of error.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  } else {
    process.stderr.write(`koppla: ${error instanceof Error ? error.message : String(error)}\n`);
    if (process.env.KOPPLA_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
  }
  process.exitCode = process.exitCode || 1;
}
