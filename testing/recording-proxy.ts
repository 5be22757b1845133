import { createServer, request as forward, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the service received through the proxy. */
export interface ProxiedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  /** What the proxy did with it: passed on, or the fault it answered with. */
  readonly outcome: 'passed' | `fault:${number}` | 'fault:drop';
}

/**
 * A fault to answer every request with until cleared: an HTTP status (the body echoes the request,
 * headers and query included, as careless services do: a connector must not pass that on into its
 * errors unscrubbed), or a dropped connection.
 */
export type ProxyFault =
  { readonly status: number; readonly headers?: Readonly<Record<string, string>> } | { readonly drop: true };

export interface RecordingProxy {
  /** Base URL to give the connector instead of the service's. */
  readonly url: string;
  readonly requests: ProxiedRequest[];
  fault(fault: ProxyFault | undefined): void;
  stop(): Promise<void>;
}

/**
 * A reverse proxy in front of a sandbox: records what a connector sends and injects faults, without
 * knowing anything about the service. The Host header is passed on as the connector sent it, so a
 * service that builds links (`Link: <…>; rel="next"`) points them back at the proxy.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const base = new URL(target);
  const requests: ProxiedRequest[] = [];
  let current: ProxyFault | undefined;
  const server: Server = createServer((incoming, outgoing) => {
    const method = incoming.method ?? 'GET';
    const url = incoming.url ?? '/';
    const fault = current;
    if (fault && 'drop' in fault) {
      requests.push({ method, url, outcome: 'fault:drop' });
      incoming.socket.destroy();
      return;
    }
    if (fault) {
      requests.push({ method, url, outcome: `fault:${fault.status}` });
      incoming.resume();
      incoming.on('end', () => {
        outgoing.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
        outgoing.end(
          JSON.stringify({
            code: 'contract_kit_fault',
            message: `injected by the Koppla contract kit for ${method} ${url}`,
            request: { method, url, headers: incoming.headers },
          }),
        );
      });
      return;
    }
    requests.push({ method, url, outcome: 'passed' });
    const upstream = forward(
      {
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port,
        method,
        path: joinPath(base.pathname, url),
        headers: withoutHopByHop(incoming.headers),
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => incoming.socket.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    fault: (fault) => {
      current = fault;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function joinPath(prefix: string, url: string): string {
  return prefix === '/' ? url : `${prefix.replace(/\/$/, '')}${url}`;
}

function withoutHopByHop(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { connection: _connection, 'keep-alive': _keepAlive, ...rest } = headers;
  return rest;
}
