/** `koppla serve` in-process: schedules from tenants, runs on Agenda, health and metrics over HTTP. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startWorker } from '../../../runtime/service/worker.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import type { RunStore } from '../../../runtime/store/index.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../../runtime/registry/connector-registry.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const pipelineFile = fileURLToPath(new URL('../../fixtures/pipelines/orders-example.yaml', import.meta.url));

const tenants: Tenant[] = ['north', 'south'].map((id) => ({
  id,
  name: id,
  enabled: true,
  pipelines: [{ file: pipelineFile, enabled: true, everyMs: 1_000 }],
  toggles: { packs: {}, rules: {} },
  params: {},
  connections: { shop: { settings: { orders: [] }, secrets: {} }, ledger: { settings: {}, secrets: {} } },
}));

describe('worker (koppla serve)', () => {
  it('two workers on one database run each tenant schedule, answer health and metrics, and stop cleanly', async () => {
    const connectors = new ConnectorRegistry();
    for (const plugin of FIXTURE_PLUGINS) connectors.register(await loadConnectorPlugin(plugin));
    const workers = await Promise.all(
      ['w1', 'w2'].map((workerName) =>
        startWorker({ db: mongo.db(), connectors, tenants, workerName, processEveryMs: 100 }),
      ),
    );
    try {
      const [first] = workers;
      expect(await (await fetch(`${first!.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect((await fetch(`${first!.url}/readyz`)).status).toBe(200);
      expect(await mongo.db().collection('agendaJobs').countDocuments({ name: 'pipeline.run' })).toBe(2);

      const runs = first!.container.resolve<RunStore>(TOKENS.Runs);
      const deadline = Date.now() + 20_000;
      const finished = async (tenant: string) =>
        (await runs.list({ tenant })).filter((r) => r.status === 'succeeded').length;
      while (Date.now() < deadline && ((await finished('north')) < 2 || (await finished('south')) < 2)) {
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await finished('north')).toBeGreaterThanOrEqual(2);
      expect(await finished('south')).toBeGreaterThanOrEqual(2);

      const metrics = await Promise.all(workers.map(async (w) => (await fetch(`${w.url}/metrics`)).text()));
      const total = metrics
        .flatMap((text) =>
          [...text.matchAll(/^koppla_runs_total\{tenant="north".*\} (\d+)$/gm)].map((m) => Number(m[1])),
        )
        .reduce((a, b) => a + b, 0);
      expect(total).toBeGreaterThanOrEqual(2);
      expect(metrics[0]).toContain('# TYPE koppla_queue_depth gauge');
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }
    const stopped = await fetch(`${workers[0]!.url}/healthz`).then(
      () => 'answered',
      () => 'closed',
    );
    expect(stopped).toBe('closed');
  });
});
