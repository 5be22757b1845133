/**
 * A small seeded fault-injecting HTTP proxy for flow tests: a share of the API calls is answered with a
 * fault. `429` and `503` are answered before forwarding (the service never saw the call); `500` and
 * `timeout` after it (the service performed the call — a write is done — and the client gets a 500, or
 * no answer until it gives up). OAuth and the sandboxes' admin routes are never faulted.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Fault = '429' | '500' | '503' | 'timeout';

export interface FaultInjector {
  readonly url: string;
  readonly stats: { calls: number; faulted: number; byKind: Record<Fault, number> };
  stop(): Promise<void>;
}

/** mulberry32: a seeded PRNG, so a failing run can be repeated. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFaultInjector(options: {
  readonly upstream: string;
  readonly rate: number;
  readonly seed: number;
  /** Which calls may be faulted. */
  readonly faultable: (method: string, path: string) => boolean;
  /** The body of an injected error, as the service would send it. */
  readonly errorBody: (status: number) => unknown;
}): Promise<FaultInjector> {
  const upstream = new URL(options.upstream);
  const random = seeded(options.seed);
  const kinds: Fault[] = ['429', '500', '503', 'timeout'];
  const stats = { calls: 0, faulted: 0, byKind: { '429': 0, '500': 0, '503': 0, timeout: 0 } };
  const sockets = new Set<Socket>();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

  const forward = (request: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const proxied = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: upstream.host },
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
      proxied.on('error', reject);
      proxied.end(body);
    });

  const reply = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const method = request.method ?? 'GET';
        const path = request.url ?? '/';
        const faultable = options.faultable(method, path);
        if (faultable) stats.calls++;
        const fault =
          faultable && random() < options.rate ? kinds[Math.floor(random() * kinds.length)]! : undefined;
        if (fault) {
          stats.faulted++;
          stats.byKind[fault]++;
        }
        if (fault === '429' || fault === '503')
          return reply(response, Number(fault), options.errorBody(Number(fault)));
        try {
          const answer = await forward(request, body);
          // performed upstream; the client hears nothing until it gives up (it closes the socket)
          if (fault === 'timeout') return;
          if (fault === '500') return reply(response, 500, options.errorBody(500));
          const headers = { ...answer.headers };
          delete headers['transfer-encoding'];
          delete headers.connection;
          response.writeHead(answer.status, headers);
          response.end(answer.body);
        } catch {
          reply(response, 502, options.errorBody(502));
        }
      })();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    async stop() {
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
