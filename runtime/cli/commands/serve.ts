import type { Command } from 'commander';
import { startWorker } from '../../service/worker.ts';
import { withPluginOption } from '../workspace-options.ts';
import { withServices, type RuntimeCommandOptions } from '../runtime-session.ts';
import { AdminKeyring } from '../../admin/api-keys.ts';
import { readAlertSettingsIfAny } from '../../alerts/index.ts';

interface ServeOptions extends RuntimeCommandOptions {
  port: string;
  host: string;
  /** false with --no-admin. */
  admin: boolean;
}

export function registerServeCommand(program: Command): void {
  withPluginOption(
    program
      .command('serve')
      .description(
        'run the worker: schedules every tenant pipeline, serves /healthz /readyz /metrics and the admin API (needs MONGODB_URI)',
      )
      .option('-c, --config <file>', 'tenants file', 'koppla.yaml')
      .option('--port <port>', 'HTTP port', '8080')
      .option('--host <host>', 'HTTP host', '127.0.0.1')
      .option('--no-admin', 'do not serve the admin API under /admin/v1'),
  ).action(async (options: ServeOptions) => {
    await withServices(options, async (setup) => {
      const admin = options.admin ? AdminKeyring.fromEnv(setup.db) : undefined;
      const worker = await startWorker({
        ...setup,
        port: Number(options.port),
        host: options.host,
        ...(admin ? { admin } : {}),
        ...readAlertSettingsIfAny(options.config),
      });
      if (admin && (await admin.count()) === 0)
        process.stderr.write(
          'koppla: the admin API refuses every call until a key exists: set KOPPLA_ADMIN_API_KEYS or run koppla admin key create\n',
        );
      process.stderr.write(
        `koppla serving ${setup.tenants.length} tenant(s) at ${worker.url}; Ctrl-C or SIGTERM drains and stops\n`,
      );
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
      await worker.stop();
    });
  });
}
