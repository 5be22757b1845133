/** Starts `worker-process.ts` as a child process and drives it: ready, stop, kill, logs. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WorkerMessage, WorkerProcessConfig } from './worker-process.ts';

export interface WorkerProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote to stdout (pino JSON lines) and stderr so far. */
  output(): string;
  /** Drains the runs in progress and exits. */
  stop(): Promise<void>;
  /** SIGKILL: no cleanup, no drain, as a crash. Resolves when the process is gone. */
  kill(): Promise<void>;
}

const SCRIPT = fileURLToPath(new URL('./worker-process.ts', import.meta.url));
export const REMOTE_PLUGIN = fileURLToPath(
  new URL('../../../fixtures/connectors/example-remote.ts', import.meta.url),
);
export const REMOTE_PIPELINES = {
  orders: fileURLToPath(new URL('./remote-orders.yaml', import.meta.url)),
  invoices: fileURLToPath(new URL('./remote-invoices.yaml', import.meta.url)),
};

export async function spawnWorker(
  config: WorkerProcessConfig,
  options: { readonly logLevel?: string; readonly readyTimeoutMs?: number } = {},
): Promise<WorkerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'koppla-worker-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, file], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, KOPPLA_LOG_LEVEL: options.logLevel ?? 'warn' },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${config.workerName} not ready in time:\n${output}`));
    }, options.readyTimeoutMs ?? 60_000);
    child.on('message', (message: WorkerMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message.url);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker ${config.workerName} exited (${code}) before it was ready:\n${output}`));
    });
  });

  return {
    name: config.workerName,
    url,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const stopped = new Promise<void>((resolve) =>
        child.on('message', (message: WorkerMessage) => message.type === 'stopped' && resolve()),
      );
      child.send({ type: 'stop' });
      await Promise.race([stopped.then(() => exited), exited]);
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}
