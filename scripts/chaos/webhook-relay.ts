/**
 * Between the WooCommerce sandbox's webhook deliveries and Koppla's workers: each delivery is
 * dropped (some never arrive: the poll must reconcile), delivered twice, or held back a random while
 * (so they arrive out of order), and goes to a random live worker, byte for byte with its signature.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Random } from './prng.ts';

export interface WebhookRelayOptions {
  readonly random: Random;
  /** Live workers' base URLs. */
  readonly workers: () => string[];
  /** The path on the worker: `/webhooks/<tenant>/<connection>`. */
  readonly path: string;
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly maxDelayMs: number;
}

export interface WebhookStats {
  received: number;
  dropped: number;
  duplicated: number;
  delivered: number;
  /** Forwarded deliveries that found no live worker or got no 2xx (the poll covers them too). */
  lost: number;
  byStatus: Record<string, number>;
  /** The first few errors forwarding met. */
  errors: string[];
}

export interface RunningWebhookRelay {
  readonly url: string;
  readonly stats: WebhookStats;
  stop(): Promise<void>;
}

export async function startWebhookRelay(options: WebhookRelayOptions): Promise<RunningWebhookRelay> {
  const stats: WebhookStats = {
    received: 0,
    dropped: 0,
    duplicated: 0,
    delivered: 0,
    lost: 0,
    byStatus: {},
    errors: [],
  };
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const send = async (headers: http.IncomingHttpHeaders, body: Buffer) => {
    const workers = options.workers();
    if (stopped || workers.length === 0) {
      stats.lost++;
      return;
    }
    const target = options.random.pick(workers);
    const forwarded: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (value === undefined || ['host', 'content-length', 'connection'].includes(name)) continue;
      forwarded[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    try {
      const response = await fetch(`${target}${options.path}`, {
        method: 'POST',
        headers: forwarded,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
      if (response.ok) stats.delivered++;
      else stats.lost++;
    } catch (error) {
      if (stats.errors.length < 5) stats.errors.push(String((error as Error).cause ?? error));
      stats.byStatus.error = (stats.byStatus.error ?? 0) + 1;
      stats.lost++;
    }
  };
  const later = (ms: number, action: () => Promise<void>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      void action();
    }, ms);
    timers.add(timer);
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      const body = Buffer.concat(chunks);
      // WooCommerce's ping when a webhook is created carries no topic; pass it along untouched
      stats.received++;
      if (options.random.chance(options.dropRate)) {
        stats.dropped++;
        return;
      }
      const copies = options.random.chance(options.duplicateRate) ? 2 : 1;
      if (copies === 2) stats.duplicated++;
      for (let i = 0; i < copies; i++)
        later(options.random.int(0, options.maxDelayMs), () => send(request.headers, body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    stats,
    async stop() {
      stopped = true;
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
