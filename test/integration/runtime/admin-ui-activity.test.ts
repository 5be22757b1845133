/**
 * The admin page's activity and stock-point routes against the Fortnox sandbox and a real database:
 * API calls per run and connection as the runs collection keeps them (writes for runs that kept
 * none), an order's rule trace from the run that kept it, and Fortnox Lager's stock points to choose
 * from — with a 409 the page falls back on when Fortnox cannot list them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  DEFAULT_CLIENT,
  DEFAULT_SEED,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import { AdminKeyring } from '../../../runtime/admin/api-keys.ts';
import { registerAdminUi } from '../../../runtime/admin-ui/register-admin-ui.ts';
import { createRuntimeContainer } from '../../../runtime/container/create-container.ts';
import { serviceConnectors } from '../../../runtime/registry/builtin-connectors.ts';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import { RunStore } from '../../../runtime/store/run-store.ts';
import { loadTenantsFile } from '../../../runtime/tenants/load-tenants-file.ts';
import { MongoTenantStore } from '../../../runtime/tenants/mongo-tenant-store.ts';
import { TenantCatalog } from '../../../runtime/tenants/tenant-catalog.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const root = fileURLToPath(new URL('../../../', import.meta.url));
const KEY = `ops-${randomBytes(20).toString('hex')}`;
let http: FastifyInstance;
let base: string;
let dir: string;
let lagerOn: RunningFortnoxSandbox;
let lagerOff: RunningFortnoxSandbox;
let runs: RunStore;

/** The parts of the answers these tests read. */
interface Answer {
  readonly runs?: readonly { readonly id: string }[];
  readonly pipelines?: readonly unknown[];
  readonly stockPoints?: readonly unknown[];
  readonly message?: string;
}

async function get(path: string): Promise<{ status: number; body: Answer }> {
  const response = await fetch(`${base}/admin/v1${path}`, { headers: { authorization: `Bearer ${KEY}` } });
  return { status: response.status, body: (await response.json()) as Answer };
}

function tenant(id: string, fortnox: RunningFortnoxSandbox, refresh: string) {
  return {
    id,
    name: id,
    pipelines: [
      { pipeline: `${root}pipelines/orders-to-fortnox.yaml`, every: '1 hour' },
      { pipeline: `${root}pipelines/stock-to-woocommerce.yaml`, every: '1 hour' },
    ],
    connections: {
      // never called here: the shop is only there for the pipelines to compile
      shop: {
        settings: { url: 'http://127.0.0.1:9', auth: 'basic' },
        secrets: { consumerKey: 'ck_unused', consumerSecret: 'cs_unused' },
      },
      ledger: {
        settings: { clientId: DEFAULT_CLIENT.clientId, apiUrl: fortnox.url, authUrl: fortnox.url },
        secrets: { clientSecret: DEFAULT_CLIENT.clientSecret, refreshToken: refresh },
      },
    },
  };
}

beforeAll(async () => {
  lagerOn = await startFortnoxSandbox({
    seed: {
      ...DEFAULT_SEED,
      refreshTokens: [{ token: 'lager-on-refresh', clientId: DEFAULT_CLIENT.clientId }],
      warehouse: {
        activated: true,
        stockPoints: [
          { code: 'HUV', name: 'Huvudlager' },
          { code: 'GAMLA', name: 'Gamla lagret', active: false },
        ],
      },
    },
  });
  lagerOff = await startFortnoxSandbox({
    seed: {
      ...DEFAULT_SEED,
      refreshTokens: [{ token: 'lager-off-refresh', clientId: DEFAULT_CLIENT.clientId }],
    },
  });
  dir = mkdtempSync(join(tmpdir(), 'koppla-ui-activity-'));
  writeFileSync(
    join(dir, 'koppla.yaml'),
    JSON.stringify({
      apiVersion: 'koppla/v1',
      kind: 'Tenants',
      tenants: [
        tenant('lager-shop', lagerOn, 'lager-on-refresh'),
        tenant('plain-shop', lagerOff, 'lager-off-refresh'),
      ],
    }),
  );
  const db = mongo.db();
  const box = new SecretBox([{ id: 'test', key: randomBytes(32) }]);
  const catalog = new TenantCatalog({
    fileTenants: loadTenantsFile(join(dir, 'koppla.yaml'), {}),
    store: new MongoTenantStore(db, box),
    projectDir: root,
  });
  const container = await createRuntimeContainer({
    db,
    connectors: serviceConnectors(db, box, 'ui-activity-test'),
    tenants: await catalog.load(),
    tenantCatalog: catalog,
    workerName: 'ui-activity-test',
  });
  runs = new RunStore(db);
  http = Fastify();
  await registerAdminUi(http, {
    db,
    box,
    container,
    keyring: new AdminKeyring({ envKeys: [{ name: 'ops', key: KEY }], db }),
    distDir: dir,
  });
  base = await http.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await http?.close();
  await lagerOn?.stop();
  await lagerOff?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the admin page: API calls, rule traces and stock points', () => {
  it('shows per run the requests each connection sent, and the writes of a run that kept no counts', async () => {
    const old = await runs.start({
      tenant: 'lager-shop',
      pipeline: 'stock-to-woocommerce',
      trigger: 'replay',
    });
    await runs.finish(old.id, {
      status: 'succeeded',
      counts: { read: 1, processed: 1, skipped: 0, failed: 0 },
    });
    const run = await runs.start({
      tenant: 'lager-shop',
      pipeline: 'orders-to-fortnox',
      trigger: 'schedule',
    });
    await runs.finish(run.id, {
      status: 'succeeded',
      counts: { read: 2, processed: 2, skipped: 0, failed: 0 },
      calls: {
        shop: { requests: 3, operations: 1, pages: 2, ms: 40 },
        ledger: { requests: 9, operations: 6, pages: 0, ms: 310 },
      },
    });

    const { status, body } = await get('/tenants/lager-shop/activity');
    expect(status).toBe(200);
    const byId = new Map((body.runs ?? []).map((r) => [r.id, r]));
    expect(byId.get(run.id)).toMatchObject({
      apiCalls: 12,
      apiCallsFrom: 'requests',
      calls: [
        { connection: 'ledger', connector: 'fortnox', requests: 9, operations: 6, pages: 0, ms: 310 },
        { connection: 'shop', connector: 'woocommerce', requests: 3, operations: 1, pages: 2, ms: 40 },
      ],
    });
    expect(byId.get(old.id)).toMatchObject({ apiCalls: 0, apiCallsFrom: 'writes', writes: 0, calls: [] });
    // one pipeline's runs only
    const stock = await get('/tenants/lager-shop/activity?pipeline=stock-to-woocommerce');
    expect((stock.body.runs ?? []).map((r) => r.id)).toEqual([old.id]);
  });

  it("shows an order's rule trace from the newest run that kept it, also when the order went through", async () => {
    const trace = [{ pack: 'document-kind', rule: 'paid-by-card', at: 'packs/document-kind.yaml:12' }];
    const earlier = await runs.start({
      tenant: 'lager-shop',
      pipeline: 'orders-to-fortnox',
      trigger: 'schedule',
    });
    await runs.finish(earlier.id, {
      status: 'partial',
      counts: { read: 1, processed: 0, skipped: 0, failed: 1 },
      traces: [{ key: 'order:63', status: 'failed', trace: [], decisions: {}, steps: [] }],
    });
    const later = await runs.start({
      tenant: 'lager-shop',
      pipeline: 'orders-to-fortnox',
      trigger: 'schedule',
    });
    await runs.finish(later.id, {
      status: 'succeeded',
      counts: { read: 2, processed: 2, skipped: 0, failed: 0 },
      traces: [
        { key: 'order:63', status: 'processed', trace, decisions: { documentKind: 'invoice' }, steps: [] },
        {
          key: 'order:64',
          status: 'processed',
          steps: [{ id: 'invoice', status: 'done' }],
          truncated: 40_000,
        },
      ],
    });

    const found = await get('/tenants/lager-shop/records?key=63');
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ key: 'order:63' });
    expect(found.body.pipelines).toEqual([
      expect.objectContaining({
        pipeline: 'orders-to-fortnox',
        trace,
        decisions: { documentKind: 'invoice' },
        traceFrom: 'run',
        traceRun: { id: later.id, at: expect.any(String), status: 'processed' },
        traceTruncated: null,
        effects: [],
        deadLetters: [],
      }),
    ]);
    // a trace too large to keep: the page says so, and there is nothing to fall back on
    const cut = await get('/tenants/lager-shop/records?key=order:64');
    expect(cut.body.pipelines).toEqual([
      expect.objectContaining({ trace: null, traceFrom: null, traceTruncated: 40_000 }),
    ]);
    // an order no run kept: no trail, as before
    expect((await get('/tenants/lager-shop/records?key=65')).body.pipelines).toEqual([]);
  });

  it("lists Fortnox Lager's stock points, and answers 409 when Fortnox cannot (Lager off)", async () => {
    const listed = await get('/tenants/lager-shop/connections/ledger/stock-points');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      connection: 'ledger',
      stockPoints: expect.arrayContaining([
        { code: 'HUV', name: 'Huvudlager', active: true },
        { code: 'GAMLA', name: 'Gamla lagret', active: false },
      ]),
    });
    expect(listed.body.stockPoints).toHaveLength(2);

    const off = await get('/tenants/plain-shop/connections/ledger/stock-points');
    expect(off.status).toBe(409);
    expect(off.body.message).toMatch(/stock points/);
    expect(JSON.stringify(off.body)).not.toContain(DEFAULT_CLIENT.clientSecret);

    expect((await get('/tenants/lager-shop/connections/shop/stock-points')).status).toBe(400);
    expect((await get('/tenants/lager-shop/connections/nothing/stock-points')).status).toBe(404);
  });
});
