import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { openSync, readFileSync, closeSync } from 'node:fs';
import { MongoClient } from 'mongodb';

/** Asks the kernel for a free loopback port. A tiny race remains until the server binds it. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not determine a free port'));
      });
    });
  });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Last lines the server wrote, for error messages. */
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

/**
 * Starts a database server under a shell watchdog: if this Node process dies in any way (crash,
 * SIGKILL, a test runner killed with Ctrl-C), the watchdog kills the server within a second, so no
 * database process outlives the run that started it.
 */
export function spawnWatched(command: string, args: readonly string[], logFile: string): ServerProcess {
  const watchdog = [
    '"$@" & server=$!',
    "trap 'kill -TERM $server 2>/dev/null; wait $server' TERM INT",
    `while kill -0 ${process.pid} 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1 & wait $!; done`,
    'kill -TERM $server 2>/dev/null; wait $server',
  ].join('\n');
  const fd = openSync(logFile, 'a');
  const child = spawn('sh', ['-c', watchdog, 'koppla-db-watchdog', command, ...args], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    logFile,
    logTail(lines = 20) {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Resolves once `ping` answers on `uri`; rejects early when the server process has exited. */
export async function waitForPing(
  uri: string,
  server: ServerProcess | undefined,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (server && (server.child.exitCode !== null || server.child.signalCode !== null)) {
      throw new Error(
        `the database server exited during start-up. Its log (${server.logFile}):\n${server.logTail()}`,
      );
    }
    const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1_000, connectTimeoutMS: 1_000 });
    try {
      await client.connect();
      await client.db('admin').command({ ping: 1 });
      return;
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await client.close().catch(() => undefined);
    }
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`no answer to ping from ${uri} within ${timeoutMs / 1000}s (${reason})`);
}
