import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import type { Db } from 'mongodb';
import { hostname } from 'node:os';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import { Workspace } from '../project/workspace.ts';
import { TenantDirectory } from '../tenants/tenant-directory.ts';
import { TenantCatalog } from '../tenants/tenant-catalog.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { CursorStore, LeaseStore, MongoDeliveryDedupe, RunStore, ensureIndexes } from '../store/index.ts';
import { runMigrations } from '../store/migrations.ts';
import { EffectsLedger } from '../ledger/effects-ledger.ts';
import { DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import { createLogger, type RuntimeLogger } from '../logging/logger.ts';
import { secretValues } from '../tenants/tenant.ts';
import { TOKENS } from './tokens.ts';
import { runtimeTimings, type RuntimeTimings } from './timings.ts';

export interface RuntimeOptions {
  readonly db: Db;
  readonly connectors: ConnectorRegistry;
  readonly tenants: readonly Tenant[];
  readonly logger?: RuntimeLogger;
  readonly workerName?: string;
  /** Lock, lease and claim lifetimes; defaults in DEFAULT_TIMINGS. */
  readonly timings?: Partial<RuntimeTimings>;
  /**
   * koppla.yaml's and MongoDB's tenants (see runtime/tenants): the directory reloads from it, so
   * changes made through the admin API reach the next run. Absent: `tenants` is all there is.
   */
  readonly tenantCatalog?: TenantCatalog;
}

/**
 * The composition root: a fresh container (a child of tsyringe's, which stays empty) holding one
 * instance of every store and service. Indexes are created here, so boot fails fast on an
 * unreachable database. Each run resolves its services from a child container of this one.
 */
export async function createRuntimeContainer(options: RuntimeOptions): Promise<DependencyContainer> {
  await ensureIndexes(options.db);
  // versioned changes of our documents (runtime/store/migrations.ts), recorded in koppla_migrations
  await runMigrations(options.db, options.workerName ? { holder: options.workerName } : {});
  const catalog =
    options.tenantCatalog ?? new TenantCatalog({ fileTenants: options.tenants, projectDir: process.cwd() });
  const tenants = new TenantDirectory(options.tenants, options.tenantCatalog);
  const workerName = options.workerName ?? `${hostname()}:${process.pid}`;
  const timings = runtimeTimings(options.timings);
  const c = rootContainer.createChildContainer();
  c.registerInstance(TOKENS.Db, options.db);
  c.registerInstance(TOKENS.Connectors, options.connectors);
  c.registerInstance(TOKENS.Workspace, new Workspace(options.connectors));
  c.registerInstance(TOKENS.Tenants, tenants);
  c.registerInstance(TOKENS.TenantCatalog, catalog);
  c.registerInstance(TOKENS.Cursors, new CursorStore(options.db));
  c.registerInstance(TOKENS.Runs, new RunStore(options.db));
  c.registerInstance(TOKENS.Leases, new LeaseStore(options.db));
  c.registerInstance(
    TOKENS.Ledger,
    new EffectsLedger(options.db, { owner: workerName, claimTimeoutMs: timings.effectClaimMs }),
  );
  c.registerInstance(
    TOKENS.DeadLetters,
    new DeadLetterStore(options.db, {
      secretsOf: (tenant: string) => {
        try {
          return secretValues(tenants.get(tenant));
        } catch {
          return [];
        }
      },
    }),
  );
  c.registerInstance(TOKENS.Logger, options.logger ?? createLogger());
  c.registerInstance(TOKENS.WorkerName, workerName);
  c.registerInstance(TOKENS.Timings, timings);
  c.registerInstance(TOKENS.DeliveryDedupe, new MongoDeliveryDedupe(options.db));
  return c;
}
