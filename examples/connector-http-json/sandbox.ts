/**
 * A small JSON service for the HTTP JSON connector's tests and demos: paged records behind a bearer
 * token, and a POST endpoint that keeps what it receives (once per Idempotency-Key).
 *
 *   GET  /records?limit=&cursor=   → { data: [...], cursor, hasMore }, oldest change first
 *   POST /<any path>               → 201 { id, ...body }; the same Idempotency-Key answers 200 with the first result
 *   GET  /__admin/state            → { received: { <path>: [...] }, requests: ["GET /records…", …] }
 *   POST /__admin/records          → adds records ([{ id, updatedAt, … }])
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningSandbox, SandboxOptions } from 'koppla/plugin-api';

export interface JsonRecord {
  readonly id: string;
  readonly updatedAt: string;
  readonly [field: string]: unknown;
}

export interface HttpJsonSeed {
  /** The bearer token the service accepts; default `SANDBOX_TOKEN`. */
  readonly token?: string;
  readonly records?: readonly JsonRecord[];
}

export const SANDBOX_TOKEN = 'hj_sandbox_token_5f2c9a';

export interface RunningHttpJsonSandbox extends RunningSandbox {
  /** What was posted, by path, in order. */
  readonly received: ReadonlyMap<string, readonly unknown[]>;
  readonly requests: readonly string[];
}

const MAX_LIMIT = 100;

export async function startHttpJsonSandbox(options: SandboxOptions = {}): Promise<RunningHttpJsonSandbox> {
  const seed = (options.seed ?? {}) as HttpJsonSeed;
  const token = seed.token ?? SANDBOX_TOKEN;
  const records: JsonRecord[] = [...(seed.records ?? [])];
  const received = new Map<string, unknown[]>();
  const byIdempotencyKey = new Map<string, unknown>();
  const requests: string[] = [];
  let nextId = 1;

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) =>
      send(response, 500, { message: `sandbox error: ${(error as Error).message}` }),
    );
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    if (url.pathname.startsWith('/__admin/')) return admin(method, url.pathname, body, response);
    requests.push(`${method} ${url.pathname}${url.search}`);
    if (request.headers.authorization !== `Bearer ${token}`)
      return send(response, 401, { code: 'unauthorized', message: 'missing or wrong bearer token' });
    if (method === 'GET' && url.pathname === '/records') return list(url, response);
    if (method === 'POST') return post(url.pathname, body, request.headers['idempotency-key'], response);
    return send(response, 404, { code: 'not_found', message: `no route ${method} ${url.pathname}` });
  }

  function list(url: URL, response: ServerResponse): void {
    const limit = Math.min(Number(url.searchParams.get('limit') ?? MAX_LIMIT) || MAX_LIMIT, MAX_LIMIT);
    const after = url.searchParams.get('cursor') ?? '';
    const ordered = [...records].sort((a, b) => position(a).localeCompare(position(b)));
    const rest = ordered.filter((record) => after === '' || position(record) > decode(after));
    const data = rest.slice(0, limit);
    const last = data.at(-1);
    send(response, 200, {
      data,
      cursor: last ? encode(position(last)) : after,
      hasMore: rest.length > data.length,
    });
  }

  function post(
    path: string,
    body: string,
    key: string | string[] | undefined,
    response: ServerResponse,
  ): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return send(response, 400, { code: 'invalid_json', message: 'the body is not JSON' });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return send(response, 400, { code: 'invalid_body', message: 'the body must be a JSON object' });
    const idempotencyKey = typeof key === 'string' ? `${path} ${key}` : undefined;
    const earlier = idempotencyKey === undefined ? undefined : byIdempotencyKey.get(idempotencyKey);
    if (earlier !== undefined) return send(response, 200, earlier);
    const created = { id: String(nextId++), ...parsed };
    received.set(path, [...(received.get(path) ?? []), created]);
    if (idempotencyKey !== undefined) byIdempotencyKey.set(idempotencyKey, created);
    send(response, 201, created);
  }

  function admin(method: string, path: string, body: string, response: ServerResponse): void {
    if (method === 'GET' && path === '/__admin/state')
      return send(response, 200, { received: Object.fromEntries(received), requests });
    if (method === 'POST' && path === '/__admin/records') {
      records.push(...(JSON.parse(body) as JsonRecord[]));
      return send(response, 200, { records: records.length });
    }
    send(response, 404, { message: `no admin route ${method} ${path}` });
  }

  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    received,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Where a record sits in the order the service pages by: its change time, then its id. */
function position(record: JsonRecord): string {
  return `${record.updatedAt}|${record.id}`;
}

const encode = (text: string) => Buffer.from(text).toString('base64url');
const decode = (text: string) => Buffer.from(text, 'base64url').toString();

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
