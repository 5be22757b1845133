/**
 * A `koppla serve` worker in a process of its own, for tests that need several real processes on one
 * database or one to kill: the real runtime (`startWorker`), configured from the JSON file named by
 * argv[2]. It tells its parent over IPC when it is ready (`{ type: 'ready', url }`) and stops
 * cleanly on `{ type: 'stop' }`; logs are pino JSON lines on stdout (level: KOPPLA_LOG_LEVEL).
 */
import { readFileSync } from 'node:fs';
import { MongoClient } from 'mongodb';
import { startWorker } from '../../../../runtime/service/worker.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../../runtime/registry/connector-registry.ts';
import { createLogger } from '../../../../runtime/logging/logger.ts';
import type { Tenant } from '../../../../runtime/tenants/tenant.ts';
import type { RuntimeTimings } from '../../../../runtime/container/timings.ts';

export interface WorkerProcessConfig {
  readonly mongoUri: string;
  readonly dbName: string;
  readonly workerName: string;
  /** Absolute paths of connector plugins. */
  readonly plugins: readonly string[];
  readonly tenants: readonly Tenant[];
  readonly processEveryMs: number;
  readonly timings?: Partial<RuntimeTimings>;
}

export type WorkerMessage = { readonly type: 'ready'; readonly url: string } | { readonly type: 'stopped' };

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as WorkerProcessConfig;
const client = await MongoClient.connect(config.mongoUri);
const connectors = new ConnectorRegistry();
for (const plugin of config.plugins) connectors.register(await loadConnectorPlugin(plugin));
const worker = await startWorker({
  db: client.db(config.dbName),
  connectors,
  tenants: config.tenants,
  workerName: config.workerName,
  processEveryMs: config.processEveryMs,
  logger: createLogger(process.stdout),
  ...(config.timings ? { timings: config.timings } : {}),
});

const tell = (message: WorkerMessage) => process.send?.(message);
tell({ type: 'ready', url: worker.url });

process.on('message', (message: { type?: string }) => {
  if (message.type !== 'stop') return;
  void (async () => {
    await worker.stop();
    await client.close();
    tell({ type: 'stopped' });
    process.disconnect?.();
  })();
});
// the test that started it is gone: do not linger
process.on('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
