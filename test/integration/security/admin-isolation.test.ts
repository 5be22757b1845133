/* eslint-disable @typescript-eslint/no-explicit-any -- answers are JSON, read field by field */
/**
 * SECURITY.md, controls "tenant isolation — admin API", "admin auth", "request size limits" and
 * "secrets absent from API responses", on a real worker and database:
 * - every admin route (enumerated from ROUTES, so a new route is covered the day it is added),
 *   called with a key limited to tenant alpha on tenant bravo's tenant, pipeline, connection, run
 *   and dead letter, is refused (403/404, or 400 before any data is read) and changes nothing of
 *   bravo; the same GETs with bravo's key or an operator's key succeed (so the paths are real);
 * - malformed admin payloads (the bad-input corpus) get a 4xx JSON error, never a 500;
 * - a body over the limit gets 413;
 * - no answer carries a tenant's secret;
 * - wrong keys from one address are throttled (429) after the limit.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminKeyring } from '../../../runtime/admin/api-keys.ts';
import { ADMIN_BODY_LIMIT } from '../../../runtime/admin/admin-api.ts';
import { DEFAULT_MAX_FAILURES } from '../../../runtime/admin/auth-throttle.ts';
import { ROUTES, fastifyPath } from '../../../runtime/admin/routes.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import { startWorker, type RunningWorker } from '../../../runtime/service/worker.ts';
import { MongoTenantStore } from '../../../runtime/tenants/mongo-tenant-store.ts';
import { TenantCatalog } from '../../../runtime/tenants/tenant-catalog.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';

const mongo = useTestDatabase(import.meta.filename);
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const key = () => `kpl_${randomBytes(24).toString('hex')}`;
const OPERATOR = key();
const ALPHA = key();
const BRAVO = key();
const SECRETS = {
  alpha: `alpha-secret-${randomBytes(8).toString('hex')}`,
  bravo: `bravo-secret-${randomBytes(8).toString('hex')}`,
};

const order = (id: string, email: string) => ({
  id,
  number: id,
  status: 'processing',
  paymentMethod: { id: 'stripe' },
  customer: { name: 'Ada Ek', email },
  billingAddress: { countryCode: 'SE' },
  deliveryAddress: { countryCode: 'SE' },
  totals: { total: '125.00' },
  lines: [{ kind: 'item', sku: 'MUG-1', quantity: '1', unitPrice: '100.00', taxRate: '25' }],
});

let worker: RunningWorker;
const answers: string[] = [];

async function call(
  method: string,
  path: string,
  body?: unknown,
  bearer: string | null = OPERATOR,
  raw?: { body: string; type: string },
) {
  const response = await fetch(`${worker.url}/admin/v1${path}`, {
    method,
    headers: {
      ...(bearer === null ? {} : { authorization: `Bearer ${bearer}` }),
      ...(raw
        ? { 'content-type': raw.type }
        : body === undefined
          ? {}
          : { 'content-type': 'application/json' }),
    },
    ...(raw ? { body: raw.body } : body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  answers.push(text);
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  return { status: response.status, body: parsed };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** bravo's real identifiers, filled in beforeAll. */
const bravo = { tenant: 'bravo', pipeline: 'orders-example', connection: 'shop', run: '', deadLetter: '' };

beforeAll(async () => {
  const db = mongo.db();
  const connectors = new ConnectorRegistry();
  for (const plugin of FIXTURE_PLUGINS) connectors.register(await loadConnectorPlugin(plugin));
  const catalog = new TenantCatalog({
    fileTenants: [],
    store: new MongoTenantStore(db, new SecretBox([{ id: 'test', key: randomBytes(32) }])),
    projectDir: fixtures,
  });
  worker = await startWorker({
    db,
    connectors,
    tenants: await catalog.load(),
    tenantCatalog: catalog,
    workerName: 'isolation-test',
    processEveryMs: 100,
    admin: new AdminKeyring({
      envKeys: [
        { name: 'ops', key: OPERATOR },
        { name: 'alpha-owner', key: ALPHA, tenant: 'alpha' },
        { name: 'bravo-owner', key: BRAVO, tenant: 'bravo' },
      ],
      db,
    }),
  });
  for (const id of ['alpha', 'bravo'] as const) {
    const created = await call('POST', '/tenants', {
      id,
      name: `Tenant ${id}`,
      pipelines: [{ pipeline: 'pipelines/orders-example.yaml', every: '1 hour' }],
      connections: {
        shop: {
          settings: { orders: [order(`${id}-1`, `${id}@example.se`), order(`${id}-2`, 'no-at-sign')] },
        },
        ledger: { secrets: { token: SECRETS[id] } },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  expect((await call('POST', '/tenants/bravo/pipelines/orders-example/runs')).status).toBe(202);
  bravo.run = await until('a finished run of bravo', async () => {
    const runs = (await call('GET', '/tenants/bravo/runs')).body.runs as { id: string; status: string }[];
    return runs.find((r) => r.status !== 'running')?.id;
  });
  bravo.deadLetter = await until('a dead letter of bravo', async () => {
    const list = (await call('GET', '/tenants/bravo/dead-letters')).body.deadLetters as { id: string }[];
    return list[0]?.id;
  });
});

afterAll(async () => {
  await worker?.stop();
});

/** A route's path with bravo's identifiers in place of its parameters. */
function bravoPath(path: string): string {
  return fastifyPath(path)
    .slice('/admin/v1'.length)
    .replace(':tenant', bravo.tenant)
    .replace(':pipeline', bravo.pipeline)
    .replace(':connection', bravo.connection)
    .replace(':id', path.startsWith('/runs') ? bravo.run : bravo.deadLetter);
}

/** Bodies a route would accept, so the refusal is the tenant scope's and not validation's. */
const BODIES: Readonly<Record<string, unknown>> = {
  updateTenant: { name: 'taken over' },
  updatePipeline: { enabled: false },
  updateToggles: { packs: {} },
  addPipeline: { pipeline: 'pipelines/orders-example.yaml' },
  createTenant: { id: 'alpha-made', pipelines: [] },
  createUser: { name: 'intruder', password: 'correct horse battery staple' },
};

describe('tenant isolation over every admin route', () => {
  const scoped = ROUTES.filter((r) => !('public' in r && r.public));

  it('enumerates the routes: each has a tenant, an id, or is operator-wide', () => {
    expect(scoped.length).toBeGreaterThan(15);
  });

  it.each(scoped.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s with alpha's key reaches nothing of bravo",
    async (_name, route) => {
      const before = await call('GET', '/tenants/bravo');
      const body = route.method === 'GET' ? undefined : (BODIES[route.operationId] ?? {});
      const answer = await call(route.method, bravoPath(route.path), body, ALPHA);
      const text = JSON.stringify(answer.body);
      if (route.path.includes('{tenant}') || route.path.includes('{id}')) {
        expect([400, 403, 404], `${route.operationId}: ${answer.status} ${text}`).toContain(answer.status);
      } else {
        // operator-wide routes: either refused, or answered with alpha's view only
        expect(answer.status, text).toBeLessThan(500);
      }
      // an id the caller sent may be echoed back ("unknown tenant \"bravo\""); bravo's data may not
      for (const data of ['Tenant bravo', 'bravo@example.se', 'bravo-1', 'bravo-2', SECRETS.bravo])
        expect(text).not.toContain(data);
      // and bravo answers exactly as a tenant that does not exist
      if (route.path.includes('{tenant}')) {
        const nobody = await call(
          route.method,
          bravoPath(route.path).replace('/tenants/bravo', '/tenants/nobody'),
          body,
          ALPHA,
        );
        expect(answer.status).toBe(nobody.status);
      }
      const after = await call('GET', '/tenants/bravo');
      expect(after.body.revision).toBe(before.body.revision);
      expect(after.body.name).toBe('Tenant bravo');
    },
  );

  it("bravo's own key and the operator's key do reach the same paths (the test's paths are real)", async () => {
    const gets = scoped.filter(
      (r) =>
        r.method === 'GET' &&
        [
          'getTenant',
          'listPipelines',
          'getToggles',
          'listRuns',
          'getRun',
          'listDeadLetters',
          'getDeadLetter',
        ].includes(r.operationId),
    );
    expect(gets).toHaveLength(7);
    for (const route of gets)
      for (const bearer of [BRAVO, OPERATOR]) {
        const answer = await call('GET', bravoPath(route.path), undefined, bearer);
        expect(answer.status, `${route.operationId}: ${JSON.stringify(answer.body)}`).toBe(200);
      }
    // and alpha's key sees alpha
    expect((await call('GET', '/tenants/alpha', undefined, ALPHA)).status).toBe(200);
    const listed = await call('GET', '/tenants', undefined, ALPHA);
    expect(listed.body.tenants.map((t: { id: string }) => t.id)).toEqual(['alpha']);
  });

  it("resolving a dead letter by hand: only under its own tenant, with that tenant's key or an operator's", async () => {
    const resolve = (tenant: string, bearer: string, body: unknown = { note: 'credited in Fortnox' }) =>
      call('POST', `/tenants/${tenant}/dead-letters/${bravo.deadLetter}/resolve`, body, bearer);
    // bravo's dead letter under alpha's own path: as unknown as a missing one, to alpha and to an operator
    for (const bearer of [ALPHA, OPERATOR]) {
      const answer = await resolve('alpha', bearer);
      expect(answer.status, JSON.stringify(answer.body)).toBe(404);
      expect(answer.body).toEqual({ error: 'not_found', message: `no dead letter ${bravo.deadLetter}` });
    }
    expect((await resolve('bravo', ALPHA)).status).toBe(404);
    const still = await call('GET', `/dead-letters/${bravo.deadLetter}`);
    expect(still.body).toMatchObject({ status: 'open', resolvedBy: null, note: null });

    const resolved = await resolve('bravo', BRAVO);
    expect(resolved.status, JSON.stringify(resolved.body)).toBe(200);
    expect(resolved.body).toMatchObject({
      id: bravo.deadLetter,
      tenant: 'bravo',
      status: 'resolved',
      resolution: 'resolved by hand',
      resolvedBy: 'api:bravo-owner',
      note: 'credited in Fortnox',
      resolvedAt: expect.any(String),
    });
    expect(resolved.body.record).toBeUndefined();
    // once only: the first resolution, its who and note, stay
    const again = await resolve('bravo', OPERATOR, {});
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: 'conflict',
      message: expect.stringMatching(/was already resolved at .* by api:bravo-owner/),
    });
    expect((await call('GET', `/dead-letters/${bravo.deadLetter}`)).body).toMatchObject({
      status: 'resolved',
      resolvedBy: 'api:bravo-owner',
      note: 'credited in Fortnox',
    });
    expect((await call('POST', '/tenants/bravo/dead-letters/no-such-id/resolve', {}, BRAVO)).status).toBe(
      404,
    );
    // a note is text of bounded length, and nothing else may come along
    expect((await resolve('bravo', BRAVO, { note: 'x'.repeat(2001) })).status).toBe(400);
    expect((await resolve('bravo', BRAVO, { by: 'someone else' })).status).toBe(400);
  });
});

/** Malformed admin payloads: each a 4xx JSON error, never a 500, nothing created. */
const PAYLOADS: readonly {
  name: string;
  method: string;
  path: string;
  body?: unknown;
  raw?: { body: string; type: string };
}[] = [
  {
    name: 'truncated JSON',
    method: 'POST',
    path: '/tenants',
    raw: { body: '{"id": "x", ', type: 'application/json' },
  },
  { name: 'a JSON array', method: 'POST', path: '/tenants', body: [{ id: 'x' }] },
  { name: 'a JSON string', method: 'POST', path: '/tenants', body: 'tenant' },
  { name: 'text/plain', method: 'POST', path: '/tenants', raw: { body: 'id=x', type: 'text/plain' } },
  {
    name: 'form-encoded',
    method: 'POST',
    path: '/tenants',
    raw: { body: 'id=x&name=y', type: 'application/x-www-form-urlencoded' },
  },
  { name: 'an unknown field', method: 'POST', path: '/tenants', body: { id: 'typo', pipelnes: [] } },
  {
    name: 'an id climbing out of a path',
    method: 'POST',
    path: '/tenants',
    body: { id: '../../etc', pipelines: [] },
  },
  { name: 'an emoji id', method: 'POST', path: '/tenants', body: { id: '🛒', pipelines: [] } },
  { name: 'a NUL in the id', method: 'POST', path: '/tenants', body: { id: 'a\u0000b', pipelines: [] } },
  {
    name: '__proto__ in the body',
    method: 'POST',
    path: '/tenants',
    raw: { body: '{"id":"p","__proto__":{"polluted":true}}', type: 'application/json' },
  },
  {
    name: 'constructor.prototype in the body',
    method: 'POST',
    path: '/tenants',
    raw: { body: '{"id":"p","constructor":{"prototype":{"polluted":true}}}', type: 'application/json' },
  },
  {
    name: 'JSON nested 10 000 deep',
    method: 'PATCH',
    path: '/tenants/alpha',
    raw: { body: `{"name":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, type: 'application/json' },
  },
  {
    name: 'a pipeline file outside the project',
    method: 'POST',
    path: '/tenants/alpha/pipelines',
    body: { pipeline: '../../../../etc/passwd' },
  },
  {
    name: 'a device as pipeline file',
    method: 'POST',
    path: '/tenants/alpha/pipelines',
    body: { pipeline: '/dev/zero' },
  },
  { name: 'a wrong type', method: 'PATCH', path: '/tenants/alpha', body: { enabled: 'yes' } },
  {
    name: 'an interval that is not a duration',
    method: 'PATCH',
    path: '/tenants/alpha/pipelines/orders-example',
    body: { every: 'soon' },
  },
  {
    name: 'toggles for an unknown pack',
    method: 'PATCH',
    path: '/tenants/alpha/toggles',
    body: { packs: { 'no-such-pack': false } },
  },
  { name: 'a negative limit', method: 'GET', path: '/tenants/alpha/runs?limit=-1' },
  { name: 'an enormous limit', method: 'GET', path: '/tenants/alpha/runs?limit=1000000000' },
  { name: 'an operator in the query ($ne)', method: 'GET', path: '/tenants/alpha/runs?pipeline[$ne]=x' },
  { name: 'an operator in a path id', method: 'GET', path: `/runs/${encodeURIComponent('{"$gt":""}')}` },
  {
    name: 'a secret in settings instead of secrets',
    method: 'POST',
    path: '/tenants',
    body: {
      id: 'careless',
      pipelines: [{ pipeline: 'pipelines/orders-example.yaml' }],
      connections: { ledger: { settings: { token: 'in-clear' } } },
    },
  },
];

describe('the bad-input corpus: admin API payloads', () => {
  it.each(PAYLOADS.map((p) => [p.name, p] as const))(
    '%s: a 4xx JSON error, nothing created',
    async (_name, payload) => {
      const answer = await call(payload.method, payload.path, payload.body, OPERATOR, payload.raw);
      expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
      expect(answer.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
      expect(JSON.stringify(answer.body)).not.toMatch(/\bat .+\.ts:\d+/); // no stack trace
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const tenants = (await call('GET', '/tenants')).body.tenants.map((t: { id: string }) => t.id);
      expect(tenants.sort()).toEqual(['alpha', 'bravo']);
    },
  );

  it(`a body over ${ADMIN_BODY_LIMIT / 1024} KiB is refused with 413`, async () => {
    const answer = await call('PATCH', '/tenants/alpha', { name: 'x'.repeat(ADMIN_BODY_LIMIT + 1) });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: 'invalid_request' });
  });
});

describe('secrets and throttling', () => {
  it('no answer of this whole file carried a tenant secret', () => {
    expect(answers.length).toBeGreaterThan(50);
    for (const text of answers) {
      expect(text).not.toContain(SECRETS.alpha);
      expect(text).not.toContain(SECRETS.bravo);
    }
  });

  it(`after ${DEFAULT_MAX_FAILURES} wrong keys from one address, that address gets 429 even with a right key`, async () => {
    let refused = 0;
    for (let i = 0; i < DEFAULT_MAX_FAILURES; i++) {
      const answer = await call('GET', '/tenants', undefined, `${OPERATOR}${i}`);
      if (answer.status === 401) refused += 1;
    }
    expect(refused).toBe(DEFAULT_MAX_FAILURES);
    const blocked = await fetch(`${worker.url}/admin/v1/tenants`, {
      headers: { authorization: `Bearer ${OPERATOR}` },
    });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // the OpenAPI document needs no key and stays open
    expect((await fetch(`${worker.url}/admin/v1/openapi.json`)).status).toBe(200);
  });
});
