import { parseDuration } from '../../core/config/index.ts';

/** KOPPLA_SHUTDOWN_TIMEOUT, default 5 minutes: below a typical orchestrator's grace period it is not. */
export function shutdownTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.KOPPLA_SHUTDOWN_TIMEOUT;
  const ms = text ? parseDuration(text) : undefined;
  return ms !== undefined && ms > 0 ? ms : 5 * 60_000;
}

/**
 * Drains: `stop` finishes the runs in progress (no new ones start) and closes the HTTP server. Past
 * `timeoutMs` the process gives up waiting; what was cut off resumes on another worker once its lock
 * and lease expire, and the effects ledger looks up any write whose outcome is unknown.
 */
export async function drainWithin(
  stop: () => Promise<void>,
  timeoutMs: number,
  onTimeout: () => void = () => undefined,
): Promise<'drained' | 'timed out'> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
    timer.unref();
  });
  try {
    const outcome = await Promise.race([stop().then(() => 'drained' as const), expired]);
    if (outcome === 'timed out') onTimeout();
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}
