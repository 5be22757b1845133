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
import { registerDoctorCommand } from './commands/doctor.ts';
import { registerBackfillCommand } from './commands/backfill.ts';
import { applyRuntimeSettings, loadRuntimeSettings } from '../config/runtime-settings.ts';
import { registerWebhooksCommand } from './commands/webhooks.ts';
import { registerResolveCommand } from './commands/resolve.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

// settings from KOPPLA_SETTINGS_FILE become environment defaults before the commands read them;
// a bad one is reported by the commands that need the settings (withServices), not by `lint`
try {
  applyRuntimeSettings(loadRuntimeSettings());
} catch {
  // reported later, with every problem
}

const program = new Command('koppla')
  .description('Koppla: declarative WooCommerce ⇄ Fortnox integration engine')
  .version(version)
  .showHelpAfterError();

registerLintCommand(program);
registerTestCommand(program);
registerExplainCommand(program);
registerRunCommand(program);
registerResolveCommand(program);
registerServeCommand(program);
registerDryRunCommand(program);
registerTenantsCommand(program);
registerConnectCommand(program);
registerAdminCommand(program);
registerDoctorCommand(program);
registerBackfillCommand(program);
registerWebhooksCommand(program);
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
