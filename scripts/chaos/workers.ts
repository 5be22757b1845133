/**
 * `koppla serve` worker processes for the chaos run: started through the real CLI (bin.js), killed
 * with SIGKILL, restarted. A worker that exits by itself (it should not) is counted and restarted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../runtime/cli/bin.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface WorkerSlot {
  readonly name: string;
  /** The worker's HTTP address while it is up (webhooks go there). */
  url: string | undefined;
  child: ChildProcess | undefined;
  /** When it said it was serving (ms since the epoch). */
  readyAt: number | undefined;
  starts: number;
  kills: number;
  /** Exits nobody asked for after it was serving (crashes), with the tail of their output. */
  readonly crashes: { code: number | null; signal: string | null; tail: string }[];
  /**
   * Starts that ended before it was serving (the database unreachable at boot: `koppla serve` stops
   * with a message, and is started again, as a service manager would).
   */
  bootFailures: number;
}

export interface WorkerPoolOptions {
  readonly count: number;
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;
  readonly processEvery: string;
  /** Lines of each worker's output (stderr and warn-level logs) go here. */
  readonly log: (worker: string, line: string) => void;
}

export interface WorkerPool {
  readonly slots: readonly WorkerSlot[];
  start(slot: WorkerSlot): Promise<void>;
  /** SIGKILL, then wait until the process is gone. */
  kill(slot: WorkerSlot): Promise<void>;
  /** Live workers' URLs. */
  urls(): string[];
  /** SIGTERM to all (drain), SIGKILL after `graceMs`. */
  stopAll(graceMs?: number): Promise<void>;
}

export function workerPool(options: WorkerPoolOptions): WorkerPool {
  const slots: WorkerSlot[] = Array.from({ length: options.count }, (_, i) => ({
    name: `worker-${i + 1}`,
    url: undefined,
    child: undefined,
    readyAt: undefined,
    starts: 0,
    kills: 0,
    crashes: [],
    bootFailures: 0,
  }));
  const expectedExit = new WeakSet<ChildProcess>();
  let stopping = false;

  async function start(slot: WorkerSlot): Promise<void> {
    slot.starts++;
    const child = spawn(
      process.execPath,
      [
        BIN,
        'serve',
        '-c',
        options.configFile,
        '--port',
        '0',
        '--no-admin',
        '--process-every',
        options.processEvery,
      ],
      { cwd: ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    slot.child = child;
    slot.url = undefined;
    slot.readyAt = undefined;
    let tail = '';
    let ready = false;
    const lines = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      tail = (tail + text).slice(-4_000);
      for (const line of text.split('\n')) if (line.trim()) options.log(slot.name, line);
    };
    child.stdout?.on('data', lines);
    child.stderr?.on('data', lines);
    child.once('exit', (code, signal) => {
      if (slot.child === child) {
        slot.child = undefined;
        slot.url = undefined;
        slot.readyAt = undefined;
      }
      if (expectedExit.has(child) || stopping) return;
      if (ready) slot.crashes.push({ code, signal, tail });
      else slot.bootFailures++;
      // a crash is a finding; the service manager of a real installation would restart it
      setTimeout(() => void (stopping ? undefined : start(slot).catch(() => undefined)), 2_000);
    });
    slot.url = await new Promise<string | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), 60_000);
      const seen = (chunk: Buffer) => {
        const match = /koppla serving .* at (http:\/\/\S+);/.exec(chunk.toString('utf8'));
        if (!match) return;
        clearTimeout(timer);
        child.stderr?.off('data', seen);
        ready = true;
        if (slot.child === child) {
          slot.readyAt = Date.now();
          slot.url = match[1];
        }
        resolve(match[1]);
      };
      child.stderr?.on('data', seen);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
  }

  async function kill(slot: WorkerSlot): Promise<void> {
    const child = slot.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    expectedExit.add(child);
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    slot.kills++;
    await gone;
  }

  return {
    slots,
    start,
    kill,
    urls: () => slots.flatMap((s) => (s.url && s.child ? [s.url] : [])),
    async stopAll(graceMs = 20_000) {
      stopping = true;
      await Promise.all(
        slots.map(async (slot) => {
          const child = slot.child;
          if (!child || child.exitCode !== null || child.signalCode !== null) return;
          expectedExit.add(child);
          const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await gone;
          clearTimeout(timer);
        }),
      );
    },
  };
}
