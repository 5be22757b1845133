/**
 * A pipeline run with every piece real except the remote services (fixture connectors): MongoDB
 * state, run lease, cursor, effects ledger, dead letters, composed by the tsyringe container.
 */
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DependencyContainer } from 'tsyringe';
import { createRuntimeContainer } from '../../../runtime/container/create-container.ts';
import { PipelineRunner } from '../../../runtime/executor/pipeline-runner.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import type { DeadLetterStore } from '../../../runtime/dead-letter/dead-letter-store.ts';
import type { CursorStore, RunStore } from '../../../runtime/store/index.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import { ledgerBehaviour, remoteCalls } from '../../fixtures/connectors/example-ledger.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';

const mongo = useTestDatabase(import.meta.filename);
const pipelineFile = fileURLToPath(new URL('../../fixtures/pipelines/orders-example.yaml', import.meta.url));

function order(id: string, email = `kund${id}@example.se`) {
  return {
    id,
    number: id,
    status: 'processing',
    paymentMethod: { id: 'bacs' },
    customer: { name: `Kund ${id}`, email },
    billingAddress: { countryCode: 'SE', city: 'Lund' },
    deliveryAddress: { countryCode: 'SE' },
    lines: [{ kind: 'item', sku: 'A', quantity: '1', unitPrice: '100.00', taxRate: '25' }],
    totals: { total: '125.00' },
  };
}

const orders = [
  order('1'),
  order('2'),
  order('3', 'not-an-email'),
  order('4'),
  { ...order('5'), status: 'pending' },
];
const tenant: Tenant = {
  id: 'acme',
  name: 'Acme AB',
  enabled: true,
  pipelines: [{ file: pipelineFile, enabled: true, everyMs: 300_000 }],
  toggles: { packs: {}, rules: {} },
  params: {},
  connections: {
    shop: { settings: { orders }, secrets: { token: 'shop-secret-value' } },
    ledger: { settings: {}, secrets: { token: 'ledger-secret-value' } },
  },
};

describe('PipelineRunner on MongoDB', () => {
  let container: DependencyContainer;
  beforeAll(async () => {
    const connectors = new ConnectorRegistry();
    for (const plugin of FIXTURE_PLUGINS) connectors.register(await loadConnectorPlugin(plugin));
    container = await createRuntimeContainer({
      db: mongo.db(),
      connectors,
      tenants: [tenant],
      workerName: 'test-worker',
    });
  });

  it('runs every record once, dead-letters the bad one with its step and position, and moves the cursor', async () => {
    remoteCalls.length = 0;
    const runner = container.createChildContainer().resolve(PipelineRunner);
    const outcome = await runner.run('acme', 'orders-example');
    expect(outcome).toMatchObject({
      status: 'partial',
      summary: { read: 5, processed: 3, skipped: 1, failed: 1, pages: 3 },
    });
    // bacs → invoice only: customer + invoice per good record, one refused customer for order 3
    expect(remoteCalls.map((c) => c.operation)).toEqual([
      'customers.upsert',
      'invoices.create',
      'customers.upsert',
      'invoices.create',
      'customers.upsert',
      'customers.upsert',
      'invoices.create',
    ]);

    const deadLetters = container.resolve<DeadLetterStore>(TOKENS.DeadLetters);
    const [dead] = await deadLetters.list({ tenant: 'acme' });
    expect(dead).toMatchObject({
      pipeline: 'orders-example',
      recordKey: 'order:3',
      failedStep: 'customer',
      position: { line: 39, col: 5 },
      error: { kind: 'validation', field: 'Email', code: '2000311' },
    });
    const cursor = await container.resolve<CursorStore>(TOKENS.Cursors).get('acme', 'orders-example');
    expect(String(cursor?.value)).toBe('5');
    const runs = await container.resolve<RunStore>(TOKENS.Runs).list({ tenant: 'acme' });
    expect(runs[0]).toMatchObject({
      status: 'partial',
      counts: { read: 5, processed: 3, skipped: 1, failed: 1 },
    });
  });

  it('a second run reads nothing new; re-reading from the start repeats no write (the ledger answers)', async () => {
    remoteCalls.length = 0;
    const runner = container.createChildContainer().resolve(PipelineRunner);
    expect(await runner.run('acme', 'orders-example')).toMatchObject({ summary: { read: 0 } });
    await container.resolve<CursorStore>(TOKENS.Cursors).reset('acme', 'orders-example', undefined);
    const again = await runner.run('acme', 'orders-example');
    expect(again).toMatchObject({ summary: { read: 5, processed: 3, failed: 0, parked: 1 } });
    // nothing is sent: the ledger answers the records that went through, and the refused record is
    // parked (dead-lettered and unchanged since), not refused a second time
    expect(remoteCalls.map((c) => c.operation)).toEqual([]);
  });

  it('two runners at once: one runs, the other is told it is taken', async () => {
    const [a, b] = [
      container.createChildContainer().resolve(PipelineRunner),
      container.createChildContainer().resolve(PipelineRunner),
    ];
    const outcomes = await Promise.all([a.run('acme', 'orders-example'), b.run('acme', 'orders-example')]);
    // the cursor is at the end by now: the run that gets the lease reads nothing and succeeds
    expect(outcomes.map((o) => o.status).sort()).toEqual(['skipped', 'succeeded']);
  });

  it('replays a dead letter once its cause is fixed: only the failed steps run, the letter is resolved', async () => {
    const deadLetters = container.resolve<DeadLetterStore>(TOKENS.DeadLetters);
    const [dead] = await deadLetters.list({ tenant: 'acme', status: 'open' });
    const runner = container.createChildContainer().resolve(PipelineRunner);
    remoteCalls.length = 0;
    expect(await runner.replay(dead!.id)).toEqual({
      status: 'failed',
      message: 'Ogiltig e-postadress: not-an-email',
    });
    expect((await deadLetters.get(dead!.id))?.status).toBe('open');

    ledgerBehaviour.rejectEmailsWithoutAt = false; // the ledger side was fixed
    try {
      expect(await runner.replay(dead!.id)).toEqual({ status: 'resolved' });
    } finally {
      ledgerBehaviour.rejectEmailsWithoutAt = true;
    }
    expect(remoteCalls.map((c) => c.operation)).toEqual([
      'customers.upsert',
      'customers.upsert',
      'invoices.create',
    ]);
    expect((await deadLetters.get(dead!.id))?.status).toBe('resolved');
    // a resolved letter replays as a no-op, and nothing is sent again
    remoteCalls.length = 0;
    expect(await runner.replay(dead!.id)).toEqual({ status: 'resolved' });
    expect(remoteCalls).toEqual([]);
  });

  it('never writes a secret into runs, dead letters or the ledger', async () => {
    const db = mongo.db();
    const everything = JSON.stringify(
      await Promise.all(
        ['koppla_runs', 'koppla_dead_letters', 'koppla_effects', 'koppla_cursors'].map((name) =>
          db.collection(name).find().toArray(),
        ),
      ),
    );
    expect(everything.length).toBeGreaterThan(100);
    expect(everything).not.toContain('shop-secret-value');
    expect(everything).not.toContain('ledger-secret-value');
  });
});

describe('PipelineRunner safeguards', () => {
  it('does not run a disabled tenant, and keeps secrets out of run documents, errors and logs', async () => {
    const connectors = new ConnectorRegistry();
    for (const plugin of FIXTURE_PLUGINS) connectors.register(await loadConnectorPlugin(plugin));
    const lines: string[] = [];
    const { createLogger } = await import('../../../runtime/logging/logger.ts');
    const { Writable } = await import('node:stream');
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    process.env.KOPPLA_LOG_LEVEL = 'info';
    const logger = createLogger(sink);
    delete process.env.KOPPLA_LOG_LEVEL;
    const disabled = { ...tenant, id: 'off', enabled: false };
    // a shop whose service echoes the credential in its error
    const leaky = {
      ...tenant,
      id: 'leaky',
      connections: {
        ...tenant.connections,
        shop: { settings: { failWithToken: true }, secrets: { token: 'shop-secret-value' } },
      },
    };
    const c = await createRuntimeContainer({
      db: mongo.db(),
      connectors,
      tenants: [disabled, leaky],
      workerName: 'guard',
      logger,
    });
    const runner = c.createChildContainer().resolve(PipelineRunner);
    expect(await runner.run('off', 'orders-example')).toEqual({
      status: 'skipped',
      reason: 'tenant off is disabled',
    });

    const failing = await runner.run('leaky', 'orders-example').catch((e: Error) => e);
    const runs = await c.resolve<RunStore>(TOKENS.Runs).list({ tenant: 'leaky' });
    expect(String(failing)).toContain('upstream refused token');
    expect(runs[0]).toMatchObject({ status: 'failed' });
    expect(lines.join('')).toContain('run failed');
    const everything = JSON.stringify([String(failing), runs, lines]);
    expect(everything).not.toContain('shop-secret-value');
  });
});
