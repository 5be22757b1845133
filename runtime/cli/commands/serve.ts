import type { Command } from 'commander';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { startWorker } from '../../service/worker.ts';
import { withPluginOption } from '../workspace-options.ts';
import { withServices, type RuntimeCommandOptions } from '../runtime-session.ts';
import { AdminKeyring } from '../../admin/api-keys.ts';
import { readAlertSettingsIfAny } from '../../alerts/index.ts';
import { timingsFromEnv } from '../../container/timings.ts';
import { parseDuration } from '../../../core/config/index.ts';
import { drainWithin, shutdownTimeoutMs } from '../../service/shutdown.ts';
import { initTracing } from '../../logging/tracing.ts';

interface ServeOptions extends RuntimeCommandOptions {
  port: string;
  host: string;
  /** false with --no-admin. */
  admin: boolean;
  processEvery: string;
}

export function registerServeCommand(program: Command): void {
  withPluginOption(
    program
      .command('serve')
      .description(
        'run the worker: schedules every tenant pipeline, serves /healthz /readyz /metrics and the admin API (needs MONGODB_URI)',
      )
      .option('-c, --config <file>', 'tenants file', 'koppla.yaml')
      // defaults from KOPPLA_PORT / KOPPLA_HOST (or the settings file), for containers
      .option('--port <port>', 'HTTP port', process.env.KOPPLA_PORT || '8080')
      .option('--host <host>', 'HTTP host', process.env.KOPPLA_HOST || '127.0.0.1')
      .option('--no-admin', 'do not serve the admin API under /admin/v1')
      .option('--process-every <duration>', 'how often the worker looks for due runs', '5 s'),
  ).action(async (options: ServeOptions) => {
    const processEveryMs = parseDuration(options.processEvery);
    if (processEveryMs === undefined || processEveryMs <= 0)
      throw new Error(`--process-every: "${options.processEvery}" is not a duration`);
    // KOPPLA_LOCK_LIFETIME, KOPPLA_RUN_LEASE, KOPPLA_EFFECT_CLAIM: how soon a crashed worker's work resumes
    const timings = timingsFromEnv();
    // A connection to the database dropping rejects whatever was waiting on it, sometimes a promise
    // nobody awaits any more (inside Agenda or the driver): that is an outage the worker rides out
    // (runs stop, leases lapse, the next tick retries), not a reason to take the worker down with it.
    // Anything else unhandled still ends the process, as Node does by default.
    process.on('unhandledRejection', (reason) => {
      if (reason instanceof MongoNetworkError || reason instanceof MongoServerSelectionError) {
        process.stderr.write(`koppla: the database connection failed (${reason.message}); going on\n`);
        return;
      }
      throw reason;
    });
    await initTracing(process.env, (message) => process.stderr.write(`koppla: ${message}\n`));
    await withServices(options, async (setup) => {
      const admin = options.admin ? AdminKeyring.fromEnv(setup.db) : undefined;
      const worker = await startWorker({
        ...setup,
        port: Number(options.port),
        host: options.host,
        processEveryMs,
        timings,
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
      const drained = await drainWithin(
        () => worker.stop(),
        shutdownTimeoutMs(),
        () => process.stderr.write('koppla: runs still going at KOPPLA_SHUTDOWN_TIMEOUT; stopping anyway\n'),
      );
      if (drained === 'timed out') process.exitCode = 1;
    });
  });
}
