/**
 * WooCommerce deliveries for one order, duplicated across two workers and arriving out of order:
 * a delivery any worker has seen starts nothing (the persistent `MongoDeliveryDedupe`, also after a
 * restart), and however many runs the others start, the order becomes one document.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import woocommerce from '../../../connectors/woocommerce/connector.ts';
import { wooWebhooks } from '../../../connectors/woocommerce/webhooks/definition.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import { startWorker, type RunningWorker } from '../../../runtime/service/worker.ts';
import { COLLECTIONS, type MongoDeliveryDedupe } from '../../../runtime/store/index.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { remoteCalls } from '../../fixtures/connectors/example-ledger.ts';
import {
  referenceDeliveries,
  referenceSeed,
  type RecordedDelivery,
} from '../../fixtures/woocommerce/reference.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const pipelineFile = fileURLToPath(
  new URL('../../fixtures/pipelines/woo-orders-example.yaml', import.meta.url),
);
const deliveries = referenceDeliveries();
/** The three recorded deliveries of order 60: processing, completed, completed again (oldest first). */
const order60 = deliveries.filter(
  (d) => d.headers['X-WC-Webhook-Signature'] && (JSON.parse(d.body) as { id?: number }).id === 60,
);

describe('duplicate and out-of-order webhooks across workers', () => {
  let shop: { url: string; stop(): Promise<void> };
  const workers: RunningWorker[] = [];

  /** A worker of its own, as another process would be: its WooCommerce connector remembers nothing the others saw. */
  async function worker(name: string): Promise<RunningWorker> {
    const connectors = new ConnectorRegistry();
    connectors.register({ ...woocommerce, webhooks: wooWebhooks() });
    connectors.register(await loadConnectorPlugin(FIXTURE_PLUGINS[1]!));
    const tenant: Tenant = {
      id: 'woo-shop',
      name: 'Woo Shop',
      enabled: true,
      pipelines: [{ file: pipelineFile, enabled: true, everyMs: undefined }],
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: {
        shop: {
          settings: { url: shop.url, auth: 'basic', retries: 1, retryMinTimeoutMs: 1 },
          secrets: {
            consumerKey: SANDBOX_CONSUMER_KEY,
            consumerSecret: SANDBOX_CONSUMER_SECRET,
            webhookSecret: deliveries[0]!.verify.secret,
          },
        },
        ledger: { settings: {}, secrets: {} },
      },
    };
    const started = await startWorker({
      db: mongo.db(),
      connectors,
      tenants: [tenant],
      workerName: name,
      processEveryMs: 100,
    });
    workers.push(started);
    return started;
  }

  const post = (to: RunningWorker, delivery: RecordedDelivery) =>
    fetch(`${to.url}/webhooks/woo-shop/shop`, {
      method: 'POST',
      headers: Object.fromEntries(
        Object.entries(delivery.headers).filter(
          ([k]) => !['Host', 'Content-Length', 'Connection'].includes(k),
        ),
      ),
      body: delivery.body,
    }).then((response) => response.status);

  const eventJobs = () => mongo.db().collection('agendaJobs').find({ 'data.trigger': 'event' }).toArray();
  async function settle(): Promise<void> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const jobs = await eventJobs();
      const running = await mongo.db().collection(COLLECTIONS.runs).countDocuments({ status: 'running' });
      if (running === 0 && jobs.every((j) => j.lastFinishedAt)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    shop = await startSandbox({ seed: referenceSeed() });
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await shop?.stop();
  });

  it('starts a run for each delivery once, whichever worker gets it, and sends the order once', async () => {
    expect(order60).toHaveLength(3);
    const [processing, completed, completedAgain] = order60 as [
      RecordedDelivery,
      RecordedDelivery,
      RecordedDelivery,
    ];
    remoteCalls.length = 0;
    const a = await worker('a');
    const b = await worker('b');

    // newest first, each one also to the other worker, the oldest last. Each new delivery waits for
    // the run before it: deliveries while a run is still pending share it (pipeline-event-runs.test.ts)
    expect(await post(a, completedAgain)).toBe(202);
    expect(await post(b, completedAgain)).toBe(200);
    await settle();
    expect(await post(b, processing)).toBe(202);
    expect(await post(a, processing)).toBe(200);
    await settle();
    expect(await post(a, completed)).toBe(202);
    expect(await post(b, completed)).toBe(200);
    expect(await post(b, completedAgain)).toBe(200);
    await settle();
    expect(await eventJobs()).toHaveLength(3);

    // a worker started later knows them too
    const c = await worker('c');
    for (const delivery of order60) expect(await post(c, delivery)).toBe(200);
    expect(await eventJobs()).toHaveLength(3);

    const created = remoteCalls.filter((call) => call.operation === 'orders.create');
    const numbers = created.map((call) => (call.input as { YourOrderNumber: string }).YourOrderNumber);
    expect(numbers.filter((n) => n === '60')).toEqual(['60']);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(
      await mongo.db().collection(COLLECTIONS.webhookDeliveries).countDocuments({ tenant: 'woo-shop' }),
    ).toBe(3);

    // once the cleanup job has forgotten them, a late repeat starts a run again, which still sends nothing
    const dedupe = c.container.resolve<MongoDeliveryDedupe>(TOKENS.DeliveryDedupe);
    expect(await dedupe.deleteSeenBefore(new Date(Date.now() + 1_000))).toBe(3);
    expect(await post(c, processing)).toBe(202);
    await settle();
    expect(remoteCalls.filter((call) => call.operation === 'orders.create')).toHaveLength(created.length);
  });
});
