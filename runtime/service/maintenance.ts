import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import { AlertDispatcher } from '../alerts/alert-dispatcher.ts';
import { issueAlertsFor } from '../alerts/issue-alerts-for.ts';
import { DEFAULT_ALERT_EVERY_MS, type AlertSettings } from '../alerts/alert-settings.ts';
import { MongoAlertSettingsStore } from '../alerts/alert-settings-store.ts';
import { TOKENS } from '../container/tokens.ts';
import type { RuntimeTimings } from '../container/timings.ts';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import { InstallationJobs } from '../scheduler/installation-jobs.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { LeaseStore, MongoDeliveryDedupe, RunStore } from '../store/index.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { cleanUp, DEFAULT_CLEANUP, type CleanupPolicy } from './cleanup.ts';

export const ALERTS_JOB = 'koppla.alerts';
export const CLEANUP_JOB = 'koppla.cleanup';

export interface MaintenanceOptions {
  /** Dead-letter alert settings, usually from koppla.yaml (`readAlertSettings`). */
  readonly alerts?: AlertSettings;
  /** Opens alert settings kept in MongoDB (sealed); without it only `alerts` counts. */
  readonly box?: SecretBox;
  readonly cleanup?: Partial<CleanupPolicy>;
}

/**
 * The installation's own jobs, one Agenda job each whatever the number of workers: `koppla.alerts`
 * (dead-letter alerts, every alert interval) and `koppla.cleanup` (retention). Call before
 * `agenda.start()`.
 */
export async function scheduleMaintenance(
  agenda: Agenda,
  db: Db,
  container: DependencyContainer,
  options: MaintenanceOptions,
): Promise<AlertDispatcher> {
  const logger = container.resolve<RuntimeLogger>(TOKENS.Logger);
  const timings = container.resolve<RuntimeTimings>(TOKENS.Timings);
  const policy = { ...DEFAULT_CLEANUP, ...options.cleanup };
  const alerts = new AlertDispatcher({
    db,
    deadLetters: container.resolve<DeadLetterStore>(TOKENS.DeadLetters),
    tenants: container.resolve<TenantDirectory>(TOKENS.Tenants),
    logger,
    ...(options.alerts ? { settings: options.alerts } : {}),
    ...(options.box ? { store: new MongoAlertSettingsStore(db, options.box) } : {}),
  });
  const issues = issueAlertsFor(db, container, alerts);
  const jobs = new InstallationJobs(agenda, db);
  jobs.define(
    ALERTS_JOB,
    async () => {
      const report = await alerts.tick();
      if (report.claimed > 0 || report.attempted > 0) logger.debug({ ...report }, 'alerts tick');
      // standing problems (stale flows, a refused Fortnox connection, stock not delivered), hourly at most
      const found = await issues.tick();
      if (found.sent > 0) logger.info({ ...found }, 'issue alerts sent');
    },
    { lockLifetimeMs: timings.lockLifetimeMs },
  );
  jobs.define(
    CLEANUP_JOB,
    async () => {
      const report = await cleanUp(
        {
          db,
          runs: container.resolve<RunStore>(TOKENS.Runs),
          leases: container.resolve<LeaseStore>(TOKENS.Leases),
          deliveries: container.resolve<MongoDeliveryDedupe>(TOKENS.DeliveryDedupe),
          alerts,
          runLeaseMs: timings.runLeaseMs,
        },
        policy,
      );
      logger.info({ ...report }, 'cleanup done');
    },
    { lockLifetimeMs: timings.lockLifetimeMs },
  );
  await jobs.ensure(ALERTS_JOB, options.alerts?.everyMs ?? DEFAULT_ALERT_EVERY_MS);
  await jobs.ensure(CLEANUP_JOB, policy.everyMs);
  return alerts;
}
