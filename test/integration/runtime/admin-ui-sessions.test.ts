/**
 * The admin page's server side without a browser: the page served under /admin with its security
 * headers, sign-in with an admin key or a tenant's user (scrypt), the session cookie's attributes,
 * CSRF on every cookie-authenticated change, expiry, sign-in throttling — and a shop owner kept to
 * their own tenant by the admin API itself.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import { AdminKeyring } from '../../../runtime/admin/api-keys.ts';
import { registerAdminUi } from '../../../runtime/admin-ui/register-admin-ui.ts';
import { createRuntimeContainer } from '../../../runtime/container/create-container.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import { COLLECTIONS } from '../../../runtime/store/collections.ts';
import { loadTenantsFile } from '../../../runtime/tenants/load-tenants-file.ts';
import { MongoTenantStore } from '../../../runtime/tenants/mongo-tenant-store.ts';
import { TenantCatalog } from '../../../runtime/tenants/tenant-catalog.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';

const mongo = useTestDatabase(import.meta.filename);
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const KEY = `ops-${randomBytes(20).toString('hex')}`;
/** A key limited to one tenant: it signs in as that shop's owner. */
const ACME_KEY = `acme-${randomBytes(20).toString('hex')}`;
const PASSWORD = 'a long enough password';
let http: FastifyInstance;
let base: string;
let dist: string;
let clock = Date.now();

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

async function call(
  method: string,
  path: string,
  options: {
    body?: unknown;
    cookie?: string;
    csrf?: string;
    origin?: string;
    type?: string;
    bearer?: string;
  } = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': options.type ?? 'application/json' }),
      ...(options.cookie ? { cookie: options.cookie } : {}),
      ...(options.csrf ? { 'x-csrf-token': options.csrf } : {}),
      ...(options.origin ? { origin: options.origin } : {}),
      ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = { text };
  }
  return { status: response.status, body, headers: response.headers };
}

async function signIn(credentials: object): Promise<{ cookie: string; csrf: string; answer: Answer }> {
  const answer = await call('POST', '/admin/session', { body: credentials });
  const setCookie = answer.headers.get('set-cookie') ?? '';
  return { cookie: setCookie.split(';')[0] ?? '', csrf: String(answer.body.csrf ?? ''), answer };
}

beforeAll(async () => {
  const db = mongo.db();
  const box = new SecretBox([{ id: 'test', key: randomBytes(32) }]);
  const connectors = new ConnectorRegistry();
  for (const plugin of FIXTURE_PLUGINS) connectors.register(await loadConnectorPlugin(plugin));
  const catalog = new TenantCatalog({
    fileTenants: loadTenantsFile(`${fixtures}koppla.yaml`, { EXAMPLE_LEDGER_TOKEN: 'file-token-value' }),
    store: new MongoTenantStore(db, box),
    projectDir: fixtures,
  });
  const container = await createRuntimeContainer({
    db,
    connectors,
    tenants: await catalog.load(),
    tenantCatalog: catalog,
    workerName: 'admin-ui-test',
  });
  dist = mkdtempSync(join(tmpdir(), 'koppla-ui-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Koppla</title>');
  writeFileSync(join(dist, 'app.js'), 'console.log(1)');
  http = Fastify();
  await registerAdminUi(http, {
    db,
    box,
    container,
    keyring: new AdminKeyring({
      envKeys: [
        { name: 'ops', key: KEY },
        { name: 'acme-key', key: ACME_KEY, tenant: 'acme' },
      ],
      db,
    }),
    distDir: dist,
    sessionTimes: { idleMs: 60 * 60_000, absoluteMs: 4 * 3600_000, now: () => clock },
  });
  base = await http.listen({ port: 0, host: '127.0.0.1' });
  const created = await call('POST', '/admin/v1/tenants', {
    bearer: KEY,
    body: { id: 'acme', name: 'Acme AB', pipelines: [{ pipeline: 'pipelines/orders-example.yaml' }] },
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await http?.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the admin page on the server', () => {
  it('serves the page under /admin with headers that keep it to itself', async () => {
    for (const path of ['/admin/', '/admin/activity', '/admin/connect?code=x&state=y']) {
      const page = await call('GET', path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toContain('text/html');
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('cache-control')).toBe('no-store');
    }
    expect((await call('GET', '/admin/app.js')).headers.get('content-type')).toContain('javascript');
    // no way out of the build folder
    expect(JSON.stringify((await call('GET', '/admin/..%2f..%2fpackage.json')).body)).not.toContain(
      'license',
    );
    expect((await call('GET', '/admin/v1/no-such-route', { bearer: KEY })).status).toBe(404);
  });

  it('signs an operator in with an admin key: an HttpOnly, SameSite=Strict, Secure cookie and a CSRF token', async () => {
    expect((await signIn({ apiKey: 'not-a-key-not-a-key-not-a-key' })).answer.status).toBe(401);
    const { answer, cookie, csrf } = await signIn({ apiKey: KEY });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ kind: 'operator', name: 'ops', tenant: null });
    const attributes = answer.headers.get('set-cookie') ?? '';
    expect(attributes).toMatch(/^koppla_session=[\w-]{40,};/);
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Strict');
    expect(attributes).toContain('Secure');
    expect(attributes).toContain('Path=/admin');
    expect(csrf.length).toBeGreaterThan(20);
    // the session opens the admin API; the token is stored only as a hash
    expect((await call('GET', '/admin/v1/tenants', { cookie })).body.tenants).toHaveLength(2);
    const stored = JSON.stringify(await mongo.db().collection(COLLECTIONS.adminSessions).find().toArray());
    expect(stored).not.toContain(cookie.split('=')[1]);
  });

  it('refuses a cookie-authenticated change without its CSRF token or from another origin', async () => {
    const { cookie, csrf } = await signIn({ apiKey: KEY });
    const patch = { rules: {} };
    expect((await call('PATCH', '/admin/v1/tenants/acme/toggles', { cookie, body: patch })).status).toBe(403);
    expect(
      (await call('PATCH', '/admin/v1/tenants/acme/toggles', { cookie, body: patch, csrf: `${csrf}x` }))
        .status,
    ).toBe(403);
    expect(
      (
        await call('PATCH', '/admin/v1/tenants/acme/toggles', {
          cookie,
          body: patch,
          csrf,
          origin: 'https://evil.example',
        })
      ).status,
    ).toBe(403);
    expect(
      (await call('PATCH', '/admin/v1/tenants/acme/toggles', { cookie, body: patch, csrf })).status,
    ).toBe(200);
    // sign-in itself only from the page: JSON, own origin
    expect((await call('POST', '/admin/session', { body: { apiKey: KEY }, type: 'text/plain' })).status).toBe(
      403,
    );
    expect(
      (await call('POST', '/admin/session', { body: { apiKey: KEY }, origin: 'https://evil.example' }))
        .status,
    ).toBe(403);
  });

  it('keeps a shop owner to their own tenant, whatever they ask the API for; the password is stored as scrypt', async () => {
    expect(
      (
        await call('POST', '/admin/v1/tenants/acme/users', {
          bearer: KEY,
          body: { username: 'Owner@Acme.se', password: PASSWORD },
        })
      ).status,
    ).toBe(201);
    const user = await mongo
      .db()
      .collection(COLLECTIONS.adminUsers)
      .findOne({ _id: 'owner@acme.se' as never });
    expect(String(user?.password)).toMatch(/^scrypt\$/);
    expect(JSON.stringify(user)).not.toContain(PASSWORD);

    expect((await signIn({ username: 'owner@acme.se', password: 'wrong password!!' })).answer.status).toBe(
      401,
    );
    const { cookie, csrf, answer } = await signIn({ username: 'OWNER@acme.se', password: PASSWORD });
    expect(answer.body).toMatchObject({ kind: 'owner', tenant: 'acme' });
    const get = async (path: string) => (await call('GET', `/admin/v1${path}`, { cookie })).status;
    expect((await call('GET', '/admin/v1/tenants', { cookie })).body.tenants).toEqual([
      expect.objectContaining({ id: 'acme' }),
    ]);
    expect(await get('/tenants/acme')).toBe(200);
    expect(await get('/me')).toBe(200);
    for (const path of [
      '/tenants/example-shop-ab',
      '/tenants/example-shop-ab/toggles',
      '/tenants/example-shop-ab/runs',
      '/tenants/example-shop-ab/dead-letters',
      '/tenants/example-shop-ab/health',
      '/tenants/example-shop-ab/changes',
      '/tenants/example-shop-ab/records?key=7001',
      '/tenants/example-shop-ab/activity',
      '/tenants/example-shop-ab/connections/ledger/stock-points',
    ])
      expect(await get(path), path).toBe(404);
    const change = (method: string, path: string, body: unknown = {}) =>
      call(method, `/admin/v1${path}`, { cookie, csrf, body }).then((a) => a.status);
    expect(await change('PATCH', '/tenants/example-shop-ab/toggles', { rules: {} })).toBe(404);
    expect(await change('POST', '/tenants/example-shop-ab/replay')).toBe(404);
    expect(await change('POST', '/tenants', { id: 'mine-now' })).toBe(403);
    expect(await change('POST', '/tenants/acme/users', { username: 'friend', password: PASSWORD })).toBe(403);
    expect(await change('PATCH', '/tenants/acme/toggles', { rules: {} })).toBe(200);
    // the owner's change is recorded as theirs
    const changes = await call('GET', '/admin/v1/tenants/acme/changes', { cookie });
    expect((changes.body.changes as { by: string }[])[0]?.by).toBe('user:owner@acme.se');
  });

  it("signs a tenant's own admin key in as that shop's owner", async () => {
    const { answer, cookie } = await signIn({ apiKey: ACME_KEY });
    expect(answer.body).toMatchObject({ kind: 'owner', name: 'acme-key', tenant: 'acme' });
    expect((await call('GET', '/admin/v1/tenants', { cookie })).body.tenants).toEqual([
      expect.objectContaining({ id: 'acme' }),
    ]);
    expect((await call('GET', '/admin/v1/tenants/example-shop-ab', { cookie })).status).toBe(404);
  });

  it('ends a session when it expires or on sign-out', async () => {
    const first = await signIn({ apiKey: KEY });
    expect((await call('GET', '/admin/session', { cookie: first.cookie })).status).toBe(200);
    clock += 61 * 60_000; // past the idle time
    expect((await call('GET', '/admin/session', { cookie: first.cookie })).status).toBe(401);
    expect((await call('GET', '/admin/v1/tenants', { cookie: first.cookie })).status).toBe(401);
    const second = await signIn({ apiKey: KEY });
    const out = await call('POST', '/admin/session/sign-out', {
      cookie: second.cookie,
      csrf: second.csrf,
      body: {},
    });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await call('GET', '/admin/v1/tenants', { cookie: second.cookie })).status).toBe(401);
  });

  it('throttles sign-in after ten failures from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++)
      statuses.push((await signIn({ username: 'nobody', password: `guess number ${i}` })).answer.status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect((await signIn({ apiKey: KEY })).answer.status).toBe(429);
  });
});
