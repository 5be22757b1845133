/**
 * Pushed events in `koppla serve`: a pipeline that declares `trigger.events` on its Fortnox connection
 * is started by Fortnox's WebSocket feed (the sandbox's /topics-v1). Two workers on one database hold
 * one subscription between them (a per-tenant lease), offsets are kept in MongoDB, and an order
 * invoiced in Fortnox reaches the shop's status through the event, long before the daily poll.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_CLIENT,
  DEFAULT_SEED,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import { serviceConnectors } from '../../../runtime/registry/builtin-connectors.ts';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import { startWorker, type RunningWorker } from '../../../runtime/service/worker.ts';
import type { RunStore } from '../../../runtime/store/index.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { demoStore } from '../flows/flow-harness.ts';

process.env.KOPPLA_LOG_LEVEL ??= 'error';
const mongo = useTestDatabase(import.meta.filename);
const root = fileURLToPath(new URL('../../../', import.meta.url));

let shop: Awaited<ReturnType<typeof startWooSandbox>>;
let fortnox: RunningFortnoxSandbox;
let dir: string;
let pipelineFile: string;

beforeAll(async () => {
  shop = await startWooSandbox({
    seed: {
      orders: [1001, 1002].map((id) => ({
        ...demoStore.orders[0],
        id,
        number: String(id),
        status: 'processing',
      })),
      products: demoStore.products,
    },
  });
  const order = (number: string, shopOrder: string) => ({
    DocumentNumber: number,
    CustomerNumber: '1',
    YourOrderNumber: shopOrder,
    ExternalInvoiceReference1: shopOrder,
    OrderRows: [{ ArticleNumber: 'PUB-TEE', OrderedQuantity: 1, DeliveredQuantity: 1, Price: 159.2 }],
  });
  fortnox = await startFortnoxSandbox({
    seed: {
      ...DEFAULT_SEED,
      refreshTokens: [
        { token: 'events-runtime', clientId: DEFAULT_CLIENT.clientId },
        { token: 'events-person', clientId: DEFAULT_CLIENT.clientId },
      ],
      customers: [{ CustomerNumber: '1', Name: 'Eva Ek', Email: 'eva@example.se' }],
      articles: [{ ArticleNumber: 'PUB-TEE', Description: 'Tröja', SalesPrice: 159.2 }],
      orders: [order('1', '1001'), order('2', '1002')],
    },
  });
  // the shipped order-status pipeline, also triggered by Fortnox's order events; polled once a day
  dir = mkdtempSync(join(tmpdir(), 'koppla-events-'));
  pipelineFile = join(dir, 'order-status-events.yaml');
  const shipped = readFileSync(`${root}pipelines/order-status-to-woocommerce.yaml`, 'utf8');
  const withEvents = shipped.replace(
    /\n {2}schedule: \{ every: [^}]+\}\n/,
    '\n  schedule: { every: 1 day }\n  events: [ledger.order.updated]\n',
  );
  expect(withEvents).not.toBe(shipped);
  writeFileSync(pipelineFile, withEvents);
});

afterAll(async () => {
  await shop?.stop();
  await fortnox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

let personToken: string | undefined;

/** A person invoicing an order in Fortnox (a token of their own: refresh tokens are single use). */
async function invoiceInFortnox(order: string): Promise<void> {
  personToken ??= await fetchPersonToken();
  const response = await fetch(`${fortnox.url}/3/orders/${order}/createinvoice`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${personToken}` },
  });
  expect(response.status).toBe(200);
}

async function fetchPersonToken(): Promise<string> {
  const token = await fetch(`${fortnox.url}/oauth-v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${DEFAULT_CLIENT.clientId}:${DEFAULT_CLIENT.clientSecret}`).toString('base64')}`,
    },
    body: 'grant_type=refresh_token&refresh_token=events-person',
  });
  return ((await token.json()) as { access_token: string }).access_token;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Fortnox events trigger pipeline runs in koppla serve', { timeout: 90_000 }, () => {
  it('two workers hold one subscription; an invoiced order reaches the shop through the event', async () => {
    const tenant: Tenant = {
      id: 'events-shop',
      name: 'Händelsebutiken AB',
      enabled: true,
      pipelines: [{ file: pipelineFile, enabled: true, everyMs: undefined }],
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: {
        shop: {
          settings: { url: shop.url, auth: 'basic' },
          secrets: { consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET },
        },
        ledger: {
          settings: {
            clientId: DEFAULT_CLIENT.clientId,
            apiUrl: fortnox.url,
            authUrl: fortnox.url,
            streams: { orders: { invoices: true, invoicedOrCancelledOnly: true } },
          },
          secrets: { clientSecret: DEFAULT_CLIENT.clientSecret, refreshToken: 'events-runtime' },
        },
      },
    };
    const box = new SecretBox([{ id: 'events', key: randomBytes(32) }]);
    const workers: RunningWorker[] = [];
    try {
      for (const name of ['events-w1', 'events-w2']) {
        workers.push(
          await startWorker({
            db: mongo.db(),
            connectors: serviceConnectors(mongo.db(), box, name),
            tenants: [tenant],
            workerName: name,
            processEveryMs: 100,
            events: { leaseMs: 3_000, debounceMs: 100 },
          }),
        );
      }
      // one worker took the tenant's feed; the other found the lease held
      const holders = () => workers.flatMap((w) => w.events?.held() ?? []);
      expect(holders()).toEqual(['events-shop/ledger']);
      const connections = async () =>
        ((await (await fetch(`${fortnox.url}/__admin/events`)).json()) as { connections: number })
          .connections;
      await until('the subscription', async () => (await connections()) === 1);
      // a later sync by either worker changes nothing
      await Promise.all(workers.map((w) => w.events?.sync()));
      expect(holders()).toHaveLength(1);
      expect(await connections()).toBe(1);

      await invoiceInFortnox('1');
      await until('order 1001 completed', () => shop.state.orders.get(1001)?.status === 'completed');
      expect(shop.state.orders.get(1002)?.status).toBe('processing');
      // the event's run, not the daily schedule
      const runs = workers[0]!.container.resolve<RunStore>(TOKENS.Runs);
      const run = await until('the finished run', async () =>
        (await runs.list({ tenant: 'events-shop' })).find((r) => r.status === 'succeeded'),
      );
      expect(run.trigger).toBe('webhook');
      // the offset is kept in MongoDB, for whoever holds the feed next
      expect(await mongo.db().collection('koppla_event_offsets').countDocuments()).toBeGreaterThan(0);

      // the holder stops: the other worker takes the feed over and resumes from the stored offset
      const holder = workers.find((w) => (w.events?.held() ?? []).length > 0)!;
      const other = workers.find((w) => w !== holder)!;
      await holder.stop();
      await other.events?.sync();
      expect(other.events?.held()).toEqual(['events-shop/ledger']);
      await invoiceInFortnox('2');
      await until('order 1002 completed', () => shop.state.orders.get(1002)?.status === 'completed');
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
  });
});
