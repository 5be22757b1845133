/**
 * WooCommerce's signed webhooks start the pipelines subscribed to them: verified on the raw bytes,
 * duplicates and unsigned deliveries start nothing, and the run reads the store (the sandbox) so
 * every order becomes exactly one document however often it is announced.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../../runtime/service/worker.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import type { RunStore } from '../../../runtime/store/index.ts';
import { registryWithBuiltins } from '../../../runtime/registry/builtin-connectors.ts';
import { loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { referenceDeliveries, referenceSeed } from '../../fixtures/woocommerce/reference.ts';
import { remoteCalls } from '../../fixtures/connectors/example-ledger.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const pipelineFile = fileURLToPath(
  new URL('../../fixtures/pipelines/woo-orders-example.yaml', import.meta.url),
);
const deliveries = referenceDeliveries();
const signed = deliveries.filter((d) => d.headers['X-WC-Webhook-Signature']);

describe('webhooks', () => {
  let shop: { url: string; stop(): Promise<void> };
  let worker: RunningWorker;

  beforeAll(async () => {
    shop = await startSandbox({ seed: referenceSeed() });
    const connectors = registryWithBuiltins();
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
    worker = await startWorker({
      db: mongo.db(),
      connectors,
      tenants: [tenant],
      workerName: 'hooks',
      processEveryMs: 100,
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await shop?.stop();
  });

  const post = (headers: Record<string, string>, body: string) =>
    fetch(`${worker.url}/webhooks/woo-shop/shop`, { method: 'POST', headers, body });
  const forwarded = (headers: Record<string, string>) =>
    Object.fromEntries(
      Object.entries(headers).filter(([k]) => !['Host', 'Content-Length', 'Connection'].includes(k)),
    );

  it('refuses an unsigned delivery and a tampered one with 401, and starts nothing', async () => {
    const delivery = signed[0]!;
    const { 'X-WC-Webhook-Signature': _signature, ...unsigned } = forwarded(delivery.headers);
    expect((await post(unsigned, delivery.body)).status).toBe(401);
    expect(
      (await post(forwarded(delivery.headers), delivery.body.replace('processing', 'completed'))).status,
    ).toBe(401);
    expect(await mongo.db().collection('agendaJobs').countDocuments({ 'data.trigger': 'event' })).toBe(0);
  });

  it('answers the creation ping with 200', async () => {
    const ping = deliveries.find((d) => d.body.startsWith('webhook_id='))!;
    expect((await post(forwarded(ping.headers), ping.body)).status).toBe(200);
  });

  it('a verified delivery starts the subscribed pipeline; duplicates and repeats make no second document', async () => {
    remoteCalls.length = 0;
    const response = await post(forwarded(signed[0]!.headers), signed[0]!.body);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'accepted', runs: ['woo-orders-example'] });
    // the same delivery again is a duplicate: 200, no run
    const again = await post(forwarded(signed[0]!.headers), signed[0]!.body);
    expect(again.status).toBe(200);

    const runs = worker.container.resolve<RunStore>(TOKENS.Runs);
    const deadline = Date.now() + 20_000;
    while (
      Date.now() < deadline &&
      !(await runs.list({ tenant: 'woo-shop' })).some((r) => r.status !== 'running')
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const [run] = await runs.list({ tenant: 'woo-shop' });
    expect(run).toMatchObject({ trigger: 'webhook', status: 'succeeded' });
    const ordersCreated = remoteCalls.filter((c) => c.operation === 'orders.create').length;
    expect(ordersCreated).toBe(run!.counts.processed);
    expect(ordersCreated).toBeGreaterThan(0);

    // more deliveries (other orders, out of order): the next run finds nothing new to send
    for (const delivery of signed.slice(1).reverse()) await post(forwarded(delivery.headers), delivery.body);
    const before = remoteCalls.length;
    const deadline2 = Date.now() + 20_000;
    while (
      Date.now() < deadline2 &&
      (await runs.list({ tenant: 'woo-shop' })).filter((r) => r.status !== 'running').length < 2
    ) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(remoteCalls.length).toBe(before);
  });
});
