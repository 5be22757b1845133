/**
 * `npm run demo -- --serve`: after the demo's rounds, keep the sandboxes, the database and a
 * `koppla serve` worker running — schedules, webhooks, health, metrics and the admin API — until
 * Ctrl-C, so the admin page and API can be tried on the demo's data.
 */
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from 'mongodb';
import { AdminKeyring } from '../../runtime/admin/api-keys.ts';
import type { ConnectorRegistry } from '../../runtime/registry/connector-registry.ts';
import type { SecretBox } from '../../runtime/secrets/secret-box.ts';
import { startWorker } from '../../runtime/service/worker.ts';
import { MongoTenantStore } from '../../runtime/tenants/mongo-tenant-store.ts';
import { TenantCatalog } from '../../runtime/tenants/tenant-catalog.ts';
import type { Tenant } from '../../runtime/tenants/tenant.ts';

export interface ServeDemoOptions {
  readonly db: Db;
  readonly box: SecretBox;
  readonly connectors: ConnectorRegistry;
  readonly tenant: Tenant;
  readonly say: (text?: string) => void;
  readonly port: number;
  /** The WooCommerce sandbox, whose webhook queue is delivered while serving. */
  readonly shopUrl: string;
}

export async function serveDemo(options: ServeDemoOptions): Promise<void> {
  const { db, box, connectors, tenant, say } = options;
  const key = process.env.KOPPLA_DEMO_ADMIN_KEY ?? `demo-${randomBytes(18).toString('base64url')}`;
  const worker = await startWorker({
    db,
    connectors,
    tenants: [tenant],
    tenantCatalog: new TenantCatalog({
      fileTenants: [tenant],
      store: new MongoTenantStore(db, box),
      projectDir: dirname(fileURLToPath(new URL('../../package.json', import.meta.url))),
    }),
    workerName: 'demo-serve',
    port: options.port,
    host: '127.0.0.1',
    admin: new AdminKeyring({ envKeys: [{ name: 'demo', key }], db }),
    box,
  });
  say(`\nServing the demo at ${worker.url} (Ctrl-C stops it all)`);
  say(`  admin page   ${worker.url}/admin  (sign in with the key below)`);
  say(
    `  admin API    ${worker.url}/admin/v1  (Authorization: Bearer <key>; ${worker.url}/admin/v1/openapi.json)`,
  );
  say(`  admin key    ${key}`);
  say(`  health       ${worker.url}/healthz, ${worker.url}/metrics`);
  say(`  webhooks     ${worker.url}/webhooks/${tenant.id}/shop`);
  // WooCommerce sends webhooks from a queue (Action Scheduler) shortly after the change
  const deliver = setInterval(() => {
    void fetch(`${options.shopUrl}/__admin/webhooks/flush`, { method: 'POST' }).catch(() => undefined);
  }, 2_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  clearInterval(deliver);
  say('stopping: finishing the runs in progress…');
  await worker.stop();
}
