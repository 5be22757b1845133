import type { Command } from 'commander';
import { MongoClient } from 'mongodb';
import { startWorker } from '../../service/worker.ts';
import { loadTenantsFile } from '../../tenants/load-tenants-file.ts';
import { openWorkspace, withPluginOption, type WorkspaceOptions } from '../workspace-options.ts';
import { hostname } from 'node:os';
import { SecretBox } from '../../secrets/secret-box.ts';
import { serviceConnectors } from '../../registry/builtin-connectors.ts';

interface ServeOptions extends WorkspaceOptions {
  config: string;
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
    const uri = process.env.MONGODB_URI;
    if (!uri)
      throw new Error("set MONGODB_URI to the MongoDB that keeps Koppla's state (npm run db starts one)");
    const tenants = loadTenantsFile(options.config);
    const box = SecretBox.fromEnv();
    const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 5_000 });
    const db = client.db();
    const workerName = `${hostname()}:${process.pid}`;
    const { connectors } = await openWorkspace(options, serviceConnectors(db, box, workerName));
    const worker = await startWorker({
      db,
      connectors,
      tenants,
      workerName,
      port: Number(options.port),
      host: options.host,
    });
    process.stderr.write(
      `koppla serving ${tenants.length} tenant(s) at ${worker.url}; Ctrl-C or SIGTERM drains and stops\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await worker.stop();
    await client.close();
  });
}
