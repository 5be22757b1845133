import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AuthError,
  NotFoundError,
  RateLimitedError,
  TransientError,
  type RateLimiter,
} from '../../../core/plugin-api/index.ts';
import { InProcessRateLimiter, createHttpClient, type HttpExchange } from '../../../runtime/plugins/index.ts';

const SECRET = 'sk_live_9f8e7d';
let server: Server;
let base: string;
const received: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    received.push(`${request.method} ${request.url}`);
    const url = new URL(request.url ?? '/', 'http://x');
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/ok')
      return json(200, { echo: url.searchParams.get('q'), auth: request.headers.authorization });
    if (url.pathname === '/missing')
      return json(404, { code: 'no_such_thing', message: `nothing at ${request.url}` });
    if (url.pathname === '/denied') return json(401, { error: { message: 'bad key' } });
    if (url.pathname === '/slow-down') return json(429, { message: 'slow down' }, { 'retry-after': '2' });
    if (url.pathname === '/broken') {
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end('<html>oops</html>');
    }
    if (url.pathname === '/hang') return; // never answers
    if (url.pathname === '/text') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      return response.end('plain');
    }
    json(201, { created: true });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

function client(options: { readOnly?: boolean; rateLimiter?: RateLimiter } = {}) {
  const exchanges: HttpExchange[] = [];
  const http = createHttpClient({
    connector: 'acme-books',
    tenantId: 'shop-1',
    signal: new AbortController().signal,
    secrets: [SECRET],
    recorder: { record: (exchange) => void exchanges.push(exchange) },
    ...options,
  });
  return { http, exchanges };
}

describe('ctx.http', () => {
  it('sends the query, parses JSON, and records the exchange without the secret', async () => {
    const { http, exchanges } = client();
    const response = await http.request<{ echo: string; auth: string }>({
      url: `${base}/ok`,
      query: { q: 'hello', key: SECRET, skip: undefined },
      headers: { authorization: 'Bearer t' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ echo: 'hello', auth: 'Bearer t' });
    expect(exchanges).toEqual([
      {
        connector: 'acme-books',
        tenantId: 'shop-1',
        method: 'GET',
        url: `${base}/ok?q=hello&key=[REDACTED]`,
        status: 200,
        startedAt: expect.any(String),
        durationMs: expect.any(Number),
      },
    ]);
  });

  it('classifies statuses and keeps the remote code and message, without secrets', async () => {
    const { http, exchanges } = client();
    const missing = await http
      .request({ url: `${base}/missing`, query: { key: SECRET } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing).toMatchObject({ status: 404, code: 'no_such_thing' });
    expect(JSON.stringify((missing as NotFoundError).toJSON())).not.toContain(SECRET);
    expect((missing as Error).message).toBe(
      `GET ${base}/missing?key=[REDACTED] answered 404: nothing at /missing?key=[REDACTED]`,
    );
    expect(await http.request({ url: `${base}/denied` }).catch((e: unknown) => e)).toBeInstanceOf(AuthError);
    const limited = await http.request({ url: `${base}/slow-down` }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(2000);
    expect(exchanges.map((e) => e.error)).toEqual(['not_found', 'auth', 'rate_limited']);
  });

  it('hands back an accepted status instead of throwing', async () => {
    const { http } = client();
    expect((await http.request({ url: `${base}/missing`, accept: [404] })).status).toBe(404);
  });

  it('a body that is not the JSON it claims, a timeout, a refused connection: transient', async () => {
    const { http } = client();
    expect(await http.request({ url: `${base}/broken` }).catch((e: unknown) => e)).toBeInstanceOf(
      TransientError,
    );
    expect(
      await http.request({ url: `${base}/hang`, timeoutMs: 50 }).catch((e: unknown) => e),
    ).toBeInstanceOf(TransientError);
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    expect(await http.request({ url: `http://127.0.0.1:${port}/` }).catch((e: unknown) => e)).toBeInstanceOf(
      TransientError,
    );
  });

  it('posts JSON; text answers stay text', async () => {
    const { http } = client();
    expect((await http.request({ method: 'POST', url: `${base}/things`, json: { a: 1 } })).status).toBe(201);
    expect((await http.request({ url: `${base}/text` })).body).toBe('plain');
  });

  it('in a dry run refuses every write before sending it', async () => {
    const { http } = client({ readOnly: true });
    const before = received.length;
    const error = await http
      .request({ method: 'POST', url: `${base}/things`, json: {} })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'unknown', code: 'dry_run' });
    expect(received.length).toBe(before);
    expect((await http.request({ url: `${base}/ok` })).status).toBe(200);
  });

  it('takes every request from the tenant’s budget under <connector>:<tenant>, and gives it back', async () => {
    const log: string[] = [];
    const rateLimiter: RateLimiter = {
      acquire: async (key) => {
        log.push(`acquire ${key}`);
        return () => void log.push(`release ${key}`);
      },
    };
    const { http } = client({ rateLimiter });
    await http.request({ url: `${base}/ok` });
    await http.request({ url: `${base}/missing` }).catch(() => undefined);
    expect(log).toEqual([
      'acquire acme-books:shop-1',
      'release acme-books:shop-1',
      'acquire acme-books:shop-1',
      'release acme-books:shop-1',
    ]);
  });
});

describe('InProcessRateLimiter', () => {
  it('lets `requests` start per window and holds the next until the window moves', async () => {
    let now = 0;
    const limiter = new InProcessRateLimiter({ requests: 2, perMs: 30, scope: 'tenant' }, () => now);
    await limiter.acquire('k');
    await limiter.acquire('k');
    let third = false;
    const waiting = limiter.acquire('k').then(() => (third = true));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(third).toBe(false);
    await limiter.acquire('other'); // another key has its own budget
    now = 31;
    await waiting;
    expect(third).toBe(true);
  });
});
