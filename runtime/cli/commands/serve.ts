import type { Command } from 'commander';
import { startWorker } from '../../service/worker.ts';
import { withPluginOption } from '../workspace-options.ts';
import { withServices, type RuntimeCommandOptions } from '../runtime-session.ts';

interface ServeOptions extends RuntimeCommandOptions {
  port: string;
  host: string;
}

export function registerServeCommand(program: Command): void {
  withPluginOption(
    program
      .command('serve')
      .description(
        'run the worker: schedules every tenant pipeline, serves /healthz /readyz /metrics (needs MONGODB_URI)',
      )
      .option('-c, --config <file>', 'tenants file', 'koppla.yaml')
      .option('--port <port>', 'HTTP port', '8080')
      .option('--host <host>', 'HTTP host', '127.0.0.1'),
  ).action(async (options: ServeOptions) => {
    await withServices(options, async (setup) => {
      const worker = await startWorker({ ...setup, port: Number(options.port), host: options.host });
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
