/* eslint-disable @typescript-eslint/no-explicit-any -- answers are JSON, read field by field */
/**
 * The admin API on a real worker and database: API keys, tenants in MongoDB (and over koppla.yaml),
 * toggles, "run now", runs, dead letters, replay, schedules re-synced — and no secret in any answer.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminKeyring } from '../../../runtime/admin/api-keys.ts';
import { DeadLetterStore } from '../../../runtime/dead-letter/index.ts';
import { ROUTES, fastifyPath } from '../../../runtime/admin/routes.ts';
import { openApiDocument } from '../../../runtime/admin/openapi.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import { startWorker, type RunningWorker } from '../../../runtime/service/worker.ts';
import { loadTenantsFile } from '../../../runtime/tenants/load-tenants-file.ts';
import { MongoTenantStore } from '../../../runtime/tenants/mongo-tenant-store.ts';
import { TenantCatalog } from '../../../runtime/tenants/tenant-catalog.ts';
import { ledgerBehaviour } from '../../fixtures/connectors/example-ledger.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';

const mongo = useTestDatabase(import.meta.filename);
const addFormats = addFormatsModule.default;
const openApiFile = fileURLToPath(new URL('../../../docs/admin-api.openapi.yaml', import.meta.url));
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const ADMIN_KEY = `test-${randomBytes(24).toString('hex')}`;
/** Credentials that must never come back in an answer. */
const LEDGER_TOKEN = `ledger-secret-${randomBytes(8).toString('hex')}`;
const FILE_TOKEN = `file-secret-${randomBytes(8).toString('hex')}`;
const ROTATED_TOKEN = `rotated-secret-${randomBytes(8).toString('hex')}`;

const orders = [
  {
    id: '9001',
    number: '9001',
    status: 'processing',
    paymentMethod: { id: 'stripe' },
    customer: { name: 'Ada Ek', email: 'ada@example.se' },
    billingAddress: { countryCode: 'SE' },
    deliveryAddress: { countryCode: 'SE' },
    totals: { total: '125.00' },
    lines: [{ kind: 'item', sku: 'MUG-1', quantity: '1', unitPrice: '100.00', taxRate: '25' }],
  },
  {
    id: '9002',
    number: '9002',
    status: 'processing',
    paymentMethod: { id: 'stripe' },
    customer: { name: 'Bo Ek', email: 'no-at-sign' },
    billingAddress: { countryCode: 'SE' },
    deliveryAddress: { countryCode: 'SE' },
    totals: { total: '125.00' },
    lines: [{ kind: 'item', sku: 'MUG-1', quantity: '1', unitPrice: '100.00', taxRate: '25' }],
  },
];

let worker: RunningWorker;
/** Every answer body, to scan for secrets at the end. */
const answers: string[] = [];

async function call(method: string, path: string, body?: unknown, key: string | null = ADMIN_KEY) {
  const response = await fetch(`${worker.url}/admin/v1${path}`, {
    method,
    headers: {
      ...(key === null ? {} : { authorization: `Bearer ${key}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  answers.push(text);
  return { status: response.status, body: JSON.parse(text) as Record<string, any> };
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

const scheduleOf = async (tenant: string, pipeline: string) =>
  mongo.db().collection('agendaJobs').findOne({
    name: 'pipeline.run',
    'data.tenant': tenant,
    'data.pipeline': pipeline,
    'data.trigger': 'schedule',
  });

beforeAll(async () => {
  const db = mongo.db();
  const box = new SecretBox([{ id: 'test', key: randomBytes(32) }]);
  const connectors = new ConnectorRegistry();
  for (const plugin of FIXTURE_PLUGINS) connectors.register(await loadConnectorPlugin(plugin));
  const catalog = new TenantCatalog({
    fileTenants: loadTenantsFile(`${fixtures}koppla.yaml`, { EXAMPLE_LEDGER_TOKEN: FILE_TOKEN }),
    store: new MongoTenantStore(db, box),
    projectDir: fixtures,
  });
  worker = await startWorker({
    db,
    connectors,
    tenants: await catalog.load(),
    tenantCatalog: catalog,
    workerName: 'admin-test',
    processEveryMs: 100,
    admin: new AdminKeyring({ envKeys: [{ name: 'ops', key: ADMIN_KEY }], db }),
  });
});

afterAll(async () => {
  await worker?.stop();
});

describe('admin API', () => {
  it('refuses every call but the OpenAPI document without a valid key (401, JSON)', async () => {
    const routes = ROUTES.filter((r) => !('public' in r && r.public));
    expect(routes.length).toBeGreaterThan(15);
    for (const route of routes) {
      const path = fastifyPath(route.path)
        .slice('/admin/v1'.length)
        .replace(/:[a-z]+/g, 'example-shop-ab');
      for (const key of [null, 'wrong-key-wrong-key-wrong-key', `${ADMIN_KEY}x`]) {
        const answer = await call(route.method, path, route.method === 'GET' ? undefined : {}, key);
        expect(answer.status, `${route.method} ${path} with ${key === null ? 'no key' : 'a wrong key'}`).toBe(
          401,
        );
        expect(answer.body).toEqual({
          error: 'unauthorized',
          message: 'send Authorization: Bearer <admin API key>',
        });
      }
    }
    const basic = await fetch(`${worker.url}/admin/v1/tenants`, {
      headers: { authorization: `Basic ${ADMIN_KEY}` },
    });
    expect(basic.status).toBe(401);
    expect((await call('GET', '/openapi.json', undefined, null)).status).toBe(200);
  });

  it('creates a tenant in MongoDB; its secrets are sealed and never returned', async () => {
    const created = await call('POST', '/tenants', {
      id: 'acme',
      name: 'Acme AB',
      pipelines: [{ pipeline: 'pipelines/orders-example.yaml', every: '1 hour' }],
      connections: {
        shop: { settings: { orders } },
        ledger: { secrets: { token: LEDGER_TOKEN } },
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: 'acme',
      name: 'Acme AB',
      enabled: true,
      origin: 'store',
      revision: 1,
      updatedBy: 'api:ops',
      pipelines: [
        {
          id: 'orders-example',
          file: 'pipelines/orders-example.yaml',
          enabled: true,
          everyMs: 3_600_000,
          scheduleEveryMs: 3_600_000,
          events: ['shop.order.updated'],
          problems: [],
        },
      ],
    });
    expect(created.body.connections.ledger).toEqual({
      connector: 'example-ledger',
      settings: {},
      secrets: { token: { set: true, source: 'store' } },
    });
    // stored sealed: the plaintext is nowhere in the database document
    const raw = JSON.stringify(
      await mongo.db().collection('koppla_tenant_revisions').find({ tenant: 'acme' }).toArray(),
    );
    expect(raw).not.toContain(LEDGER_TOKEN);
    // scheduled at once, at the tenant's interval
    expect((await scheduleOf('acme', 'orders-example'))?.repeatInterval).toBe(3_600_000);

    expect((await call('POST', '/tenants', { id: 'acme', pipelines: [] })).status).toBe(409);
    expect((await call('POST', '/tenants', { id: 'example-shop-ab' })).body.error).toBe('conflict');
    const wrongPlace = await call('POST', '/tenants', {
      id: 'careless',
      pipelines: [{ pipeline: 'pipelines/orders-example.yaml' }],
      connections: { ledger: { settings: { token: 'in-clear' } } },
    });
    expect(wrongPlace).toMatchObject({
      status: 400,
      body: {
        error: 'invalid_request',
        message: expect.stringContaining('connections.ledger.settings.token is a secret'),
      },
    });
    const unknownField = await call('POST', '/tenants', { id: 'typo', pipelnes: [] });
    expect(unknownField.status).toBe(400);
    const broken = await call('POST', '/tenants', {
      id: 'broken',
      pipelines: [{ pipeline: 'invalid/nope.yaml' }],
    });
    expect(broken).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('lists the rule packs of the tenant and switches packs, rules and params', async () => {
    const toggles = await call('GET', '/tenants/acme/toggles');
    expect(toggles.status).toBe(200);
    const kind = toggles.body.packs.find((p: { id: string }) => p.id === 'document-kind');
    expect(kind).toMatchObject({ default: true, toggle: null, enabled: true, pipelines: ['orders-example'] });
    expect(kind.rules.map((r: { key: string }) => r.key)).toEqual([
      'document-kind/pay-on-invoice',
      'document-kind/paid-by-card',
    ]);

    const changed = await call('PATCH', '/tenants/acme/toggles', {
      rules: { 'document-kind/pay-on-invoice': false },
      params: { 'example-vat': { ossRegistered: true } },
    });
    expect(changed.status).toBe(200);
    const after = changed.body.packs.find((p: { id: string }) => p.id === 'document-kind');
    expect(after.rules[0]).toMatchObject({
      key: 'document-kind/pay-on-invoice',
      default: true,
      toggle: false,
      enabled: false,
    });
    expect(changed.body.packs.find((p: { id: string }) => p.id === 'example-vat').params).toEqual({
      ossRegistered: true,
    });

    const typo = await call('PATCH', '/tenants/acme/toggles', { packs: { 'document-knd': false } });
    expect(typo).toMatchObject({
      status: 400,
      body: { message: expect.stringContaining('did you mean "document-kind"') },
    });
    const badParam = await call('PATCH', '/tenants/acme/toggles', {
      params: { 'example-vat': { ossRegistered: 'yes' } },
    });
    expect(badParam).toMatchObject({
      status: 400,
      body: { error: 'invalid_request', message: expect.stringContaining('ossRegistered') },
    });
    // the refused changes left nothing behind
    const tenant = await call('GET', '/tenants/acme');
    expect(tenant.body.toggles).toEqual({ packs: {}, rules: { 'document-kind/pay-on-invoice': false } });
    expect(tenant.body.params).toEqual({ 'example-vat': { ossRegistered: true } });
    expect(tenant.body.revision).toBe(2);
  });

  it('runs a pipeline now: the run is listed, the failed record is a dead letter, and replay resolves it', async () => {
    const queued = await call('POST', '/tenants/acme/pipelines/orders-example/runs');
    expect(queued).toEqual({
      status: 202,
      body: { tenant: 'acme', pipeline: 'orders-example', queued: true },
    });
    const run = await until('the run', async () => {
      const { body } = await call('GET', '/tenants/acme/runs?pipeline=orders-example');
      return body.runs.find(
        (r: { status: string; trigger: string }) => r.status !== 'running' && r.trigger === 'manual',
      );
    });
    expect(run).toMatchObject({
      status: 'partial',
      counts: { read: 2, processed: 1, skipped: 0, failed: 1 },
    });
    const detail = await call('GET', `/runs/${run.id}`);
    expect(detail.body).toMatchObject({
      id: run.id,
      tenant: 'acme',
      // each record's rule trace and steps, and what the run spent per connection
      traces: expect.arrayContaining([
        expect.objectContaining({ key: 'order:9002', status: 'failed' }),
        expect.objectContaining({ status: 'processed', trace: expect.any(Array) }),
      ]),
      calls: {
        shop: expect.objectContaining({ pages: expect.any(Number) }),
        ledger: expect.objectContaining({ operations: expect.any(Number) }),
      },
      deadLetters: [{ recordKey: 'order:9002', failedStep: 'customer', runId: run.id }],
    });
    expect(detail.body.traces).toHaveLength(2);
    expect(detail.body.durationMs).toEqual(expect.any(Number));
    expect((await call('GET', '/runs/no-such-run')).status).toBe(404);

    const dead = await call('GET', '/tenants/acme/dead-letters?status=open');
    expect(dead.body.deadLetters).toHaveLength(1);
    const [letter] = dead.body.deadLetters;
    expect(letter).toMatchObject({
      recordKey: 'order:9002',
      failedStep: 'customer',
      status: 'open',
      runId: run.id,
    });
    expect(letter.record).toBeUndefined();
    const full = await call('GET', `/dead-letters/${letter.id}`);
    expect(full.body.record).toMatchObject({ id: '9002', customer: { email: 'no-at-sign' } });
    expect(full.body.error.message).toContain('Ogiltig e-postadress');

    ledgerBehaviour.rejectEmailsWithoutAt = false; // the cause was fixed on the ledger's side
    try {
      const replayed = await call('POST', '/tenants/acme/replay?pipeline=orders-example');
      expect(replayed).toEqual({
        status: 200,
        body: { resolved: 1, failed: 0, results: [{ id: letter.id, status: 'resolved' }] },
      });
    } finally {
      ledgerBehaviour.rejectEmailsWithoutAt = true;
    }
    expect((await call('GET', `/dead-letters/${letter.id}`)).body.status).toBe('resolved');
    expect((await call('POST', `/dead-letters/${letter.id}/replay`)).body).toEqual({
      resolved: 1,
      failed: 0,
      results: [{ id: letter.id, status: 'resolved' }],
    });
  });

  it('resolves a hand-off by hand: no body needed, who is kept, a replay afterwards runs nothing', async () => {
    // a hand-off as a `uses: fail` step leaves it ("… by hand, then resolve this dead letter")
    const dead = await new DeadLetterStore(mongo.db()).put({
      tenant: 'acme',
      pipeline: 'orders-example',
      recordKey: 'order:9050',
      record: { id: '9050' },
      failedStep: 'refundByHand',
      position: { file: 'pipelines/orders-example.yaml', line: 30, col: 5 },
      error: {
        message: 'order 9050: credit it in Fortnox by hand, then resolve this dead letter',
        kind: 'validation',
      },
      attempts: 1,
    });
    const response = await fetch(`${worker.url}/admin/v1/tenants/acme/dead-letters/${dead.id}/resolve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    const body = (await response.json()) as Record<string, unknown>;
    answers.push(JSON.stringify(body));
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      id: dead.id,
      status: 'resolved',
      resolution: 'resolved by hand',
      resolvedBy: 'api:ops',
      note: null,
    });
    expect((await call('GET', '/tenants/acme/dead-letters?status=open')).body.deadLetters).toEqual([]);
    expect((await call('POST', `/dead-letters/${dead.id}/replay`)).body).toEqual({
      resolved: 1,
      failed: 0,
      results: [{ id: dead.id, status: 'resolved' }],
    });
    expect((await call('GET', `/dead-letters/${dead.id}`)).body).toMatchObject({
      status: 'resolved',
      resolvedBy: 'api:ops',
      replays: 0,
    });
    expect((await call('POST', `/tenants/acme/dead-letters/${dead.id}/resolve`, {})).status).toBe(409);
  });

  it('re-syncs schedules when a pipeline or the tenant changes, and refuses to run a disabled one', async () => {
    const slower = await call('PATCH', '/tenants/acme/pipelines/orders-example', { every: '2 hours' });
    expect(slower.body).toMatchObject({
      id: 'orders-example',
      everyMs: 7_200_000,
      scheduleEveryMs: 7_200_000,
    });
    expect((await scheduleOf('acme', 'orders-example'))?.repeatInterval).toBe(7_200_000);

    const own = await call('PATCH', '/tenants/acme/pipelines/orders-example', { every: null });
    expect(own.body).toMatchObject({ everyMs: null, scheduleEveryMs: 300_000 }); // the pipeline's 5 minutes
    expect((await scheduleOf('acme', 'orders-example'))?.repeatInterval).toBe(300_000);

    const disabled = await call('POST', '/tenants/acme/disable');
    expect(disabled.body).toMatchObject({ enabled: false });
    expect(await scheduleOf('acme', 'orders-example')).toBeNull();
    expect((await call('POST', '/tenants/acme/pipelines/orders-example/runs')).status).toBe(409);

    await call('POST', '/tenants/acme/enable');
    expect((await scheduleOf('acme', 'orders-example'))?.repeatInterval).toBe(300_000);
    const off = await call('PATCH', '/tenants/acme/pipelines/orders-example', { enabled: false });
    expect(off.body).toMatchObject({ enabled: false, scheduleEveryMs: null });
    expect(await scheduleOf('acme', 'orders-example')).toBeNull();
    expect((await call('GET', '/tenants/acme/pipelines')).body.pipelines).toHaveLength(1);
    expect(
      (await call('PATCH', '/tenants/acme/pipelines/orders-exampel', { enabled: true })).body.message,
    ).toContain('did you mean "orders-example"');
  });

  it('changes a koppla.yaml tenant in MongoDB: the change wins, the file stays the base', async () => {
    const before = await call('GET', '/tenants/example-shop-ab');
    expect(before.body).toMatchObject({
      origin: 'file',
      revision: null,
      toggles: { rules: { 'document-kind/paid-by-card': true } },
    });
    expect(before.body.connections.ledger.secrets).toEqual({ token: { set: true, source: 'file' } });

    const changed = await call('PATCH', '/tenants/example-shop-ab', {
      rules: { 'document-kind/paid-by-card': false },
      connections: { ledger: { secrets: { token: ROTATED_TOKEN } } },
    });
    expect(changed.body).toMatchObject({
      origin: 'file+store',
      revision: 1,
      toggles: { rules: { 'document-kind/paid-by-card': false } },
    });
    expect(changed.body.connections.ledger.secrets).toEqual({ token: { set: true, source: 'store' } });
    // the shop's orders still come from koppla.yaml
    expect(changed.body.connections.shop.settings.orders).toHaveLength(2);

    const back = await call('PATCH', '/tenants/example-shop-ab', {
      rules: { 'document-kind/paid-by-card': null },
      connections: { ledger: null },
    });
    expect(back.body.toggles.rules).toEqual({ 'document-kind/paid-by-card': true });
    expect(back.body.connections.ledger.secrets).toEqual({ token: { set: true, source: 'file' } });
    expect(
      (await call('GET', '/tenants')).body.tenants.map((t: { id: string; origin: string }) => [
        t.id,
        t.origin,
      ]),
    ).toEqual([
      ['example-shop-ab', 'file+store'],
      ['acme', 'store'],
    ]);
  });

  it('serves its OpenAPI 3.1 document: the one in docs/, made from the route schemas, sound, and true of the answers', async () => {
    const served = await call('GET', '/openapi.json', undefined, null);
    const document = openApiDocument();
    expect(served.body).toEqual(document);
    // regenerate with: npx koppla admin openapi --out docs/admin-api.openapi.yaml
    expect(parseYaml(readFileSync(openApiFile, 'utf8'))).toEqual(document);

    expect(document).toMatchObject({
      openapi: '3.1.0',
      info: { title: expect.any(String), version: expect.any(String) },
    });
    const schemas = (document.components as { schemas: Record<string, unknown> }).schemas;
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      expect(path.startsWith('/admin/v1/')).toBe(true);
      for (const [method, operation] of Object.entries(item)) {
        expect(['get', 'post', 'patch']).toContain(method);
        expect(operationIds.has(operation.operationId), operation.operationId).toBe(false);
        operationIds.add(operation.operationId);
        expect(Object.keys(operation.responses).some((code) => /^2\d\d$/.test(code))).toBe(true);
        const pathParams = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const declared = (operation.parameters ?? []).filter((p: { in: string }) => p.in === 'path');
        expect(declared.map((p: { name: string; required: boolean }) => [p.name, p.required])).toEqual(
          pathParams.map((name) => [name, true]),
        );
        for (const requirement of operation.security)
          for (const scheme of Object.keys(requirement)) expect(scheme).toBe('adminKey');
      }
    }
    expect([...operationIds].sort()).toEqual(ROUTES.map((r) => r.operationId).sort());
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map(
      (m) => m[1]!,
    );
    for (const ref of refs) expect(schemas, `$ref ${ref}`).toHaveProperty(ref);

    // every schema compiles as JSON Schema 2020-12, and the answers given above fit theirs
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'https://koppla.dev/admin-api', components: { schemas } });
    const check = (name: string, value: unknown) => {
      const validate = ajv.getSchema(`https://koppla.dev/admin-api#/components/schemas/${name}`);
      expect(validate, name).toBeDefined();
      expect(validate!(value), `${name}: ${ajv.errorsText(validate!.errors)}`).toBe(true);
    };
    for (const name of Object.keys(schemas))
      expect(ajv.getSchema(`https://koppla.dev/admin-api#/components/schemas/${name}`)).toBeDefined();
    check('TenantList', (await call('GET', '/tenants')).body);
    check('Toggles', (await call('GET', '/tenants/acme/toggles')).body);
    check('PipelineList', (await call('GET', '/tenants/acme/pipelines')).body);
    const runs = (await call('GET', '/tenants/acme/runs')).body;
    check('RunList', runs);
    check('Run', (await call('GET', `/runs/${runs.runs[0].id}`)).body);
    const letters = (await call('GET', '/tenants/acme/dead-letters')).body;
    check('DeadLetterList', letters);
    check('DeadLetter', (await call('GET', `/dead-letters/${letters.deadLetters[0].id}`)).body);
    check('Error', (await call('GET', '/tenants/nobody')).body);
  });

  it('never answers with a secret value', () => {
    expect(answers.length).toBeGreaterThan(40);
    for (const secret of [LEDGER_TOKEN, FILE_TOKEN, ROTATED_TOKEN]) {
      const leaks = answers.filter((text) => text.includes(secret));
      expect(leaks, `answers containing ${secret.split('-')[0]} secret`).toEqual([]);
    }
  });
});
