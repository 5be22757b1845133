/**
 * `npm run bench`: how fast the engine turns one realistic order (30 lines at 25/12/6 %, 4 rule
 * packs incl. a shipping split over VAT rates, a 30-row Fortnox template) into its payload, on one
 * core. Prints orders/second and per-order latency percentiles. Target: ≥ 5 000 orders/s, p99 ≤ 1 ms.
 */
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { executeRecord } from '../../core/plan/execute-record.ts';
import { createStepEngines } from '../../core/plan/step-engines.ts';
import { deepFreeze } from '../../core/data/deep-freeze.ts';
import { formatDiagnostic } from '../../core/diagnostics/index.ts';
import { ConnectorRegistry, loadConnectorPlugin } from '../../runtime/registry/connector-registry.ts';
import { Workspace } from '../../runtime/project/workspace.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

function order(i: number): unknown {
  const rates = ['25', '12', '6'];
  const lines = Array.from({ length: 30 }, (_, n) => {
    const unit = (99 + ((n * 37 + i) % 400)).toFixed(2);
    const quantity = String(1 + (n % 3));
    const total = (Number(unit) * Number(quantity)).toFixed(2); // fixture data only; the engine never sees a float
    return {
      kind: 'item',
      id: String(n),
      sku: `SKU-${n}`,
      name: `Artikel ${n} med ett ganska långt namn som kortas`,
      quantity,
      unitPrice: unit,
      total,
      totalTax: '0.00',
      taxRate: rates[n % 3],
    };
  });
  return deepFreeze({
    id: String(10_000 + i),
    number: String(10_000 + i),
    status: 'processing',
    createdAt: '2026-11-28T23:30:00Z',
    paymentMethod: { id: i % 2 ? 'stripe' : 'bacs', title: 'x' },
    customer: { name: ' Anna Svensson ', email: 'anna@example.se', isBusiness: false },
    billingAddress: { countryCode: 'SE' },
    deliveryAddress: { countryCode: i % 10 === 0 ? 'DE' : 'SE' },
    lines,
    totals: { shipping: '149.00', total: '12345.67' },
  });
}

export async function benchEngine(): Promise<void> {
  const registry = new ConnectorRegistry();
  for (const plugin of ['example-shop.ts', 'example-ledger.ts'])
    registry.register(await loadConnectorPlugin(here(`../../test/fixtures/connectors/${plugin}`)));
  const workspace = new Workspace(registry);
  const loaded = workspace.pipeline(here('./orders-bench.yaml'));
  if (!loaded.value) {
    for (const d of loaded.diagnostics) console.error(formatDiagnostic(d));
    process.exit(1);
  }
  const { plan, packs } = loaded.value;
  const engines = createStepEngines(plan, packs);
  const invoke = async () => ({ DocumentNumber: '1' });
  const orders = Array.from({ length: 200 }, (_, i) => order(i));

  const sample = await executeRecord(plan, { record: orders[1] }, engines, async (_step, input) => input);
  const rows = (sample.steps.find((s) => s.id === 'order')?.output as { OrderRows: unknown[] }).OrderRows
    .length;

  for (let i = 0; i < 2_000; i++)
    await executeRecord(plan, { record: orders[i % orders.length] }, engines, invoke); // warm-up
  const count = 20_000;
  const latencies = new Float64Array(count);
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    const t0 = performance.now();
    await executeRecord(plan, { record: orders[i % orders.length] }, engines, invoke);
    latencies[i] = performance.now() - t0;
  }
  const elapsed = performance.now() - started;
  latencies.sort();
  const at = (q: number) => (latencies[Math.min(count - 1, Math.floor(q * count))] ?? 0).toFixed(3);
  const rss = (process.memoryUsage().rss / 1024 / 1024).toFixed(0);
  console.log(`orders (30 lines, 4 packs, ${rows}-row template): ${count}`);
  console.log(`throughput: ${Math.round((count / elapsed) * 1000)} orders/s on one core (target >= 5000)`);
  console.log(
    `latency per order: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms (target p99 <= 1 ms)`,
  );
  console.log(`rss: ${rss} MiB`);
}
