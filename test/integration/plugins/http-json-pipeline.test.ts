/**
 * The third connector, built only on the public plugin API and kept outside connectors/, loaded by
 * path from the example's koppla.yaml at boot, runs the example pipeline with everything real:
 * MongoDB state, the effects ledger, the request budget shared through MongoDB.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DependencyContainer } from 'tsyringe';
import { createRuntimeContainer } from '../../../runtime/container/create-container.ts';
import { PipelineRunner } from '../../../runtime/executor/pipeline-runner.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import type { DeadLetterStore } from '../../../runtime/dead-letter/dead-letter-store.ts';
import { bootConnectors } from '../../../runtime/registry/builtin-connectors.ts';
import { registerConfiguredPlugins } from '../../../runtime/plugins/index.ts';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import { loadTenantsFile } from '../../../runtime/tenants/load-tenants-file.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { COLLECTIONS } from '../../../runtime/store/collections.ts';
import { ConnectorRegistry } from '../../../runtime/registry/connector-registry.ts';
import {
  SANDBOX_TOKEN,
  startHttpJsonSandbox,
  type RunningHttpJsonSandbox,
} from '../../../examples/connector-http-json/sandbox.ts';
import { created } from './fixtures/stalling-ledger.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const exampleConfig = fileURLToPath(
  new URL('../../../examples/connector-http-json/example/koppla.yaml', import.meta.url),
);
const TARGET_TOKEN = 'hj_target_token_31d0';
const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 8, minute)).toISOString();

describe('the HTTP JSON example connector in a pipeline', () => {
  let source: RunningHttpJsonSandbox;
  let target: RunningHttpJsonSandbox;
  let container: DependencyContainer;

  beforeAll(async () => {
    source = await startHttpJsonSandbox({
      seed: {
        records: [
          { id: 'r1', updatedAt: at(1), total: '100.00', status: 'paid' },
          { id: 'r2', updatedAt: at(2), total: '250.50', status: 'paid' },
          { id: 'r3', updatedAt: at(3), total: '12.00', status: 'cancelled' },
          { id: 'r4', updatedAt: at(4), total: '80.00', status: 'paid' },
          { id: 'r5', updatedAt: at(4), total: '5.25', status: 'paid' },
        ],
      },
    });
    target = await startHttpJsonSandbox({ seed: { token: TARGET_TOKEN } });
    const env = { HTTP_JSON_SOURCE_TOKEN: SANDBOX_TOKEN, HTTP_JSON_TARGET_TOKEN: TARGET_TOKEN };
    // the example's own koppla.yaml; only the sandboxes' ports differ from what it says
    const tenants = loadTenantsFile(exampleConfig, env).map((tenant): Tenant => ({
      ...tenant,
      connections: {
        source: { ...tenant.connections.source!, settings: { baseUrl: source.url } },
        target: { ...tenant.connections.target!, settings: { baseUrl: target.url } },
      },
    }));
    const box = SecretBox.fromEnv({ KOPPLA_MASTER_KEY: randomBytes(32).toString('base64') });
    const connectors = await bootConnectors(mongo.db(), box, 'test-worker', exampleConfig);
    expect([...connectors.manifests().keys()]).toEqual(['fortnox', 'woocommerce', 'http-json']);
    container = await createRuntimeContainer({
      db: mongo.db(),
      connectors,
      tenants,
      workerName: 'test-worker',
    });
  });
  afterAll(async () => {
    await source?.stop();
    await target?.stop();
  });

  it('reads the paged endpoint and posts each record once; a second run reads nothing new', async () => {
    const runner = container.createChildContainer().resolve(PipelineRunner);
    const first = await runner.run('json-demo', 'http-json-orders');
    expect(first).toMatchObject({
      status: 'succeeded',
      summary: { read: 5, processed: 4, skipped: 1, failed: 0, pages: 3 },
    });
    expect(target.received.get('/orders')).toEqual([
      { id: '1', orderId: 'r1', total: '100.00' },
      { id: '2', orderId: 'r2', total: '250.50' },
      { id: '3', orderId: 'r4', total: '80.00' },
      { id: '4', orderId: 'r5', total: '5.25' },
    ]);
    // every request went through ctx.http, which drew on the tenant's budget in MongoDB
    const events = await mongo
      .db()
      .collection(COLLECTIONS.rateEvents)
      .countDocuments({ key: 'http-json:json-demo' });
    expect(events).toBe(source.requests.length + target.requests.length);

    const second = await runner.run('json-demo', 'http-json-orders');
    expect(second).toMatchObject({ status: 'succeeded', summary: { read: 0, processed: 0 } });
    expect(target.received.get('/orders')).toHaveLength(4);
  });

  it('picks up a record changed after the cursor', async () => {
    await fetch(`${source.url}/__admin/records`, {
      method: 'POST',
      body: JSON.stringify([{ id: 'r6', updatedAt: at(9), total: '1.00', status: 'paid' }]),
    });
    const runner = container.createChildContainer().resolve(PipelineRunner);
    expect(await runner.run('json-demo', 'http-json-orders')).toMatchObject({
      summary: { read: 1, processed: 1 },
    });
    expect(target.received.get('/orders')?.at(-1)).toEqual({ id: '5', orderId: 'r6', total: '1.00' });
  });
});

describe('a plugin that hangs or throws', () => {
  it('fails that step for that record only; the others are processed', async () => {
    const connectors = new ConnectorRegistry();
    const config = fileURLToPath(new URL('./fixtures/koppla.yaml', import.meta.url));
    await registerConfiguredPlugins(connectors, config);
    const tenant: Tenant = {
      id: 'stalls',
      name: 'Stalls AB',
      enabled: true,
      pipelines: [
        {
          file: fileURLToPath(new URL('./fixtures/stalling-pipeline.yaml', import.meta.url)),
          enabled: true,
          everyMs: undefined,
        },
      ],
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: {
        ledger: {
          settings: {
            records: [
              { id: '1', mode: 'ok' },
              { id: '2', mode: 'hang' },
              { id: '3', mode: 'fail' },
              { id: '4', mode: 'ok' },
            ],
          },
          secrets: {},
        },
      },
    };
    const c = await createRuntimeContainer({
      db: mongo.db(),
      connectors,
      tenants: [tenant],
      workerName: 'w',
    });
    created.length = 0;
    const outcome = await c.createChildContainer().resolve(PipelineRunner).run('stalls', 'stalling-docs');
    expect(outcome).toMatchObject({ status: 'partial', summary: { read: 4, processed: 2, failed: 2 } });
    expect(created).toEqual(['1', '4']);
    const dead = await c.resolve<DeadLetterStore>(TOKENS.DeadLetters).list({ tenant: 'stalls' });
    expect(
      dead
        .map((d) => [d.recordKey, d.failedStep, d.error.kind, d.error.message])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      ['doc:2', 'create', 'transient', 'stalling-ledger operation docs.create did not finish within 200 ms'],
      ['doc:3', 'create', 'Error', 'boom on 3'],
    ]);
  });
});
