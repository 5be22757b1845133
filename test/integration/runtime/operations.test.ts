/**
 * What an operator relies on: every metric /metrics exposes is documented in docs/operations.md
 * (names, types, labels); stopping a worker drains the run in progress; a webhook's correlation id
 * reaches the remote call in the logs; migrations run once, and a second boot changes nothing.
 */
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startWorker } from '../../../runtime/service/worker.ts';
import { AdminKeyring } from '../../../runtime/admin/api-keys.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import type { RunStore } from '../../../runtime/store/index.ts';
import { COLLECTIONS } from '../../../runtime/store/collections.ts';
import { MIGRATIONS, runMigrations } from '../../../runtime/store/migrations.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import { registryWithBuiltins } from '../../../runtime/registry/builtin-connectors.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { referenceDeliveries, referenceSeed } from '../../fixtures/woocommerce/reference.ts';
import slowLedger, { events } from './fixtures/slow-ledger.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const ADMIN_KEY = 'koppla-ops-test-key-0123456789abcdef';
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `| \`name\` | type | \`a\`, \`b\` | … |` rows of the metrics table. */
function documentedMetrics(): Map<string, { type: string; labels: Set<string> }> {
  const doc = readFileSync(here('../../../docs/operations.md'), 'utf8');
  const rows = new Map<string, { type: string; labels: Set<string> }>();
  for (const match of doc.matchAll(/^\|\s*`(koppla_[a-z_]+)`\s*\|\s*(\w+)\s*\|([^|]*)\|/gm))
    rows.set(match[1]!, {
      type: match[2]!,
      labels: new Set([...match[3]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!)),
    });
  return rows;
}

describe('operations', () => {
  it('documents every metric /metrics exposes, with its type and labels', async () => {
    const connectors = new ConnectorRegistry();
    for (const plugin of FIXTURE_PLUGINS) connectors.register(await loadConnectorPlugin(plugin));
    const tenant: Tenant = {
      id: 'metrics-shop',
      name: 'Metrics',
      enabled: true,
      pipelines: [
        { file: here('../../fixtures/pipelines/orders-example.yaml'), enabled: true, everyMs: 1_000 },
      ],
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: { shop: { settings: { orders: [] }, secrets: {} }, ledger: { settings: {}, secrets: {} } },
    };
    const worker = await startWorker({
      db: mongo.db(),
      connectors,
      tenants: [tenant],
      workerName: 'm1',
      processEveryMs: 100,
    });
    try {
      const runs = worker.container.resolve<RunStore>(TOKENS.Runs);
      await until(
        async () => (await runs.list({ tenant: tenant.id, status: 'succeeded' })).length > 0,
        'a run',
      );
      await until(
        async () => (await (await fetch(`${worker.url}/metrics`)).text()).includes('koppla_runs_total{'),
        'metrics',
      );
      const text = await (await fetch(`${worker.url}/metrics`)).text();
      const documented = documentedMetrics();
      const exposed = new Map<string, string>();
      for (const match of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) exposed.set(match[1]!, match[2]!);
      expect(exposed.size).toBeGreaterThan(0);
      for (const [name, type] of exposed) {
        expect(documented.get(name), `${name} is not in docs/operations.md`).toBeDefined();
        expect(documented.get(name)?.type, name).toBe(type);
      }
      for (const match of text.matchAll(/^(koppla_[a-z_]+)\{([^}]*)\}/gm)) {
        const labels = [...match[2]!.matchAll(/(\w+)="/g)].map((m) => m[1]!);
        for (const label of labels)
          expect(documented.get(match[1]!)?.labels, `${match[1]} label ${label}`).toContain(label);
      }
    } finally {
      await worker.stop();
    }
  });

  it('drains on stop: the run in progress finishes and succeeds before stop() resolves', async () => {
    const connectors = new ConnectorRegistry();
    connectors.register(slowLedger);
    const tenant: Tenant = {
      id: 'drain-shop',
      name: 'Drain',
      enabled: true,
      pipelines: [{ file: here('./fixtures/slow-docs.yaml'), enabled: true, everyMs: undefined }],
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: { ledger: { settings: { delayMs: 1500 }, secrets: {} } },
    };
    const worker = await startWorker({
      db: mongo.db(),
      connectors,
      tenants: [tenant],
      workerName: 'd1',
      processEveryMs: 100,
    });
    await worker.scheduler.runNow(tenant.id, 'slow-docs');
    await until(async () => events.includes('start 1'), 'the slow write to start');
    expect(events).not.toContain('done 1');
    await worker.stop();
    // stop() returned only after the write and the run were finished
    expect(events).toEqual(['start 1', 'done 1']);
    const runs = worker.container.resolve<RunStore>(TOKENS.Runs);
    const [run] = await runs.list({ tenant: tenant.id });
    expect(run?.status).toBe('succeeded');
    expect(
      await fetch(`${worker.url}/healthz`).then(
        () => 'open',
        () => 'closed',
      ),
    ).toBe('closed');
  });

  it("carries a webhook's correlation id into the run and down to each remote call; serves the doctor route", async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const deliveries = referenceDeliveries();
    const delivery =
      deliveries.find(
        (d) => d.headers['X-WC-Webhook-Signature'] && d.headers['X-WC-Webhook-Topic'] === 'order.created',
      ) ?? deliveries.find((d) => d.headers['X-WC-Webhook-Signature'])!;
    const shop = await startSandbox({ seed: referenceSeed() });
    const connectors = registryWithBuiltins();
    connectors.register(await loadConnectorPlugin(FIXTURE_PLUGINS[1]!));
    const tenant: Tenant = {
      id: 'corr-shop',
      name: 'Correlation',
      enabled: true,
      pipelines: [
        { file: here('../../fixtures/pipelines/woo-orders-example.yaml'), enabled: true, everyMs: undefined },
      ],
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: {
        shop: {
          settings: { url: shop.url, auth: 'basic', retries: 1, retryMinTimeoutMs: 1 },
          secrets: {
            consumerKey: SANDBOX_CONSUMER_KEY,
            consumerSecret: SANDBOX_CONSUMER_SECRET,
            webhookSecret: delivery.verify.secret,
          },
        },
        ledger: { settings: {}, secrets: {} },
      },
    };
    const worker = await startWorker({
      db: mongo.db(),
      connectors,
      tenants: [tenant],
      workerName: 'c1',
      processEveryMs: 100,
      logger: pino({ level: 'debug' }, sink),
      admin: new AdminKeyring({ envKeys: [{ name: 'ops', key: ADMIN_KEY }], db: mongo.db() }),
    });
    try {
      const headers = Object.fromEntries(
        Object.entries(delivery.headers).filter(
          ([k]) => !['Host', 'Content-Length', 'Connection'].includes(k),
        ),
      );
      const response = await fetch(`${worker.url}/webhooks/corr-shop/shop`, {
        method: 'POST',
        headers: { ...headers, 'X-Request-Id': 'req-4711' },
        body: delivery.body,
      });
      expect(response.status).toBe(202);
      await until(
        async () => lines.some((l) => l.msg === 'operation call' && l.correlationId === 'req-4711'),
        'the remote call to be logged',
      );
      const accepted = lines.find((l) => l.msg === 'webhook accepted');
      expect(accepted).toMatchObject({ tenant: 'corr-shop', correlationId: 'req-4711' });
      const call = lines.find((l) => l.msg === 'operation call' && l.correlationId === 'req-4711');
      expect(call).toMatchObject({
        tenant: 'corr-shop',
        pipeline: 'woo-orders-example',
        operation: expect.stringMatching(/^ledger\./),
      });
      await until(
        async () => lines.some((l) => l.msg === 'run finished' && l.run === call?.run),
        'the run to finish',
      );
      const finished = lines.find((l) => l.msg === 'run finished' && l.run === call?.run);
      expect(finished?.correlationId).toBe('req-4711');

      // the same worker answers the admin page's doctor route (the shop side: this tenant has no Fortnox)
      const doctor = await fetch(`${worker.url}/admin/v1/tenants/corr-shop/doctor`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(doctor.status).toBe(200);
      const report = (await doctor.json()) as { tenant: string; checks: { id: string; status: string }[] };
      expect(report.tenant).toBe('corr-shop');
      expect(report.checks.find((c) => c.id === 'woocommerce.permalinks')?.status).toBe('passed');
      expect(report.checks.find((c) => c.id === 'woocommerce.keys')?.status).toBe('passed');
      const unknown = await fetch(`${worker.url}/admin/v1/tenants/nobody/doctor`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(unknown.status).toBe(404);
    } finally {
      await worker.stop();
      await shop.stop();
    }
  });

  it('applies each migration once and records it; running them again changes nothing', async () => {
    const db = mongo.db();
    // the workers above booted: every version is recorded already
    const records = db.collection(COLLECTIONS.migrations);
    const before = await records.find({}).sort({ _id: 1 }).toArray();
    expect(before.map((r) => r._id)).toEqual(MIGRATIONS.map((m) => m.version));
    const backfills = db.collection(COLLECTIONS.backfills);
    await backfills.insertOne({ _id: 'old|shape|x|' as never, tenant: 'x' });
    // a fresh database view of an older release: forget version 2 and run again
    await records.deleteOne({ _id: 2 as never });
    expect(await runMigrations(db, { holder: 'test' })).toEqual([2]);
    const migrated = await backfills.findOne({ _id: 'old|shape|x|' as never });
    expect(migrated).toMatchObject({ starts: 1, counts: { read: 0 } });
    const after1 = { records: await records.find({}).sort({ _id: 1 }).toArray(), doc: migrated };
    expect(await runMigrations(db, { holder: 'test' })).toEqual([]);
    expect(await records.find({}).sort({ _id: 1 }).toArray()).toEqual(after1.records);
    expect(await backfills.findOne({ _id: 'old|shape|x|' as never })).toEqual(after1.doc);
    // and the migration itself is idempotent when run twice without its record
    await MIGRATIONS[1]!.up(db);
    expect(await backfills.findOne({ _id: 'old|shape|x|' as never })).toEqual(after1.doc);
  });
});
