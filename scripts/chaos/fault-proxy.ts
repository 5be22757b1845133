/**
 * A seeded fault-injecting HTTP proxy between Koppla and a sandbox. A share of the API calls (20 %
 * by default) is answered with a fault instead of, or after, the sandbox's own answer:
 *
 * - `429`, `503`, `reset-before`: refused before forwarding — the sandbox never sees the call;
 * - `500`, `reset-after`, `timeout`: forwarded first — the sandbox performs the call (a write is
 *   done), then the client gets a 500, a reset connection, or no answer at all until it gives up;
 * - `slow`: forwarded and answered, seconds late.
 *
 * OAuth token calls only get the faults that leave the call unperformed (`preForwardOnly`): a
 * refresh Fortnox performed whose answer is lost burns the single-use refresh token for good, which
 * no client can recover from (a new consent is needed); that is Fortnox's design, not a fault to test.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Random } from './prng.ts';

export const FAULT_KINDS = ['429', '500', '503', 'timeout', 'slow', 'reset-before', 'reset-after'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
const PRE_FORWARD: readonly FaultKind[] = ['429', '503', 'reset-before', 'slow'];

export interface FaultProxyOptions {
  readonly name: string;
  readonly upstream: string;
  readonly random: Random;
  /** Share of faulted calls among those `faultable` (0.2). */
  readonly rate: number;
  /** Which calls may be faulted (the API, not the sandbox's admin routes). */
  readonly faultable: (method: string, path: string) => boolean;
  /** Calls that may only be refused before forwarding (token refreshes). */
  readonly preForwardOnly: (method: string, path: string) => boolean;
  /** The body of an injected 429 / 500 / 503, as the service would send it. */
  readonly errorBody: (status: number) => unknown;
  /** A `timeout` holds the call this long before closing it (the client should give up sooner). */
  readonly holdMs?: number;
  readonly slowMs?: readonly [number, number];
}

export interface FaultStats {
  calls: number;
  faulted: number;
  byKind: Record<FaultKind, number>;
  /** Writes the upstream performed whose answer the client never got (reset-after, timeout, 500). */
  writesAnsweredWithFault: number;
}

export interface RunningFaultProxy {
  readonly url: string;
  readonly stats: FaultStats;
  /** Switches fault injection on or off (calls are forwarded either way). */
  setEnabled(enabled: boolean): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<RunningFaultProxy> {
  const upstream = new URL(options.upstream);
  const stats: FaultStats = {
    calls: 0,
    faulted: 0,
    byKind: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    writesAnsweredWithFault: 0,
  };
  let enabled = true;
  const sockets = new Set<Socket>();
  const held = new Set<NodeJS.Timeout>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        held.delete(timer);
        resolve();
      }, ms);
      held.add(timer);
    });

  const forward = (request: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const headers = { ...request.headers, host: upstream.host };
      delete headers.connection;
      const outgoing = http.request(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: { ...headers, 'content-length': String(body.length) },
          agent,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 502,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const answer = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  };
  const reset = (request: IncomingMessage): void => void request.socket.destroy();

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void handle(request, response, Buffer.concat(chunks)).catch(() => {
        if (!response.headersSent) answer(response, 502, { message: 'chaos proxy: upstream unreachable' });
        else response.destroy();
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(request: IncomingMessage, response: ServerResponse, body: Buffer): Promise<void> {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const faultable = options.faultable(method, path);
    if (faultable) stats.calls++;
    let fault: FaultKind | undefined;
    if (enabled && faultable && options.random.chance(options.rate)) {
      fault = options.random.pick(options.preForwardOnly(method, path) ? PRE_FORWARD : FAULT_KINDS);
      stats.faulted++;
      stats.byKind[fault]++;
    }
    const write = method !== 'GET' && method !== 'HEAD';
    switch (fault) {
      case '429':
      case '503':
        return answer(response, Number(fault), options.errorBody(Number(fault)));
      case 'reset-before':
        return reset(request);
      case undefined:
      case 'slow':
      case '500':
      case 'reset-after':
      case 'timeout':
        break;
    }
    const [min, max] = options.slowMs ?? [1_000, 3_000];
    if (fault === 'slow') await sleep(options.random.int(min, max));
    const upstreamAnswer = await forward(request, body);
    if (fault === '500' || fault === 'reset-after' || fault === 'timeout') {
      if (write && upstreamAnswer.status < 400) stats.writesAnsweredWithFault++;
      if (fault === '500') return answer(response, 500, options.errorBody(500));
      if (fault === 'reset-after') return reset(request);
      // no answer: the client's own timeout ends the call; the proxy closes it later
      await sleep(options.holdMs ?? 30_000);
      return reset(request);
    }
    const headers = { ...upstreamAnswer.headers };
    delete headers['transfer-encoding'];
    delete headers.connection;
    response.writeHead(upstreamAnswer.status, {
      ...headers,
      'content-length': String(upstreamAnswer.body.length),
    });
    response.end(upstreamAnswer.body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setEnabled: (value) => void (enabled = value),
    async stop() {
      for (const timer of held) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
