import type { Db } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../container/tokens.ts';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import { PipelineRunner } from '../executor/pipeline-runner.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import type { RunStore } from '../store/run-store.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { AlertDispatcher } from './alert-dispatcher.ts';
import { IssueAlerts, type IssueAlertsOptions } from './issue-alerts.ts';

/** The worker's issue alerts: its stores, the dead-letter alerts' channels, the tenants' schedules. */
export function issueAlertsFor(
  db: Db,
  container: DependencyContainer,
  alerts: Pick<AlertDispatcher, 'channels'>,
  overrides: Partial<IssueAlertsOptions> = {},
): IssueAlerts {
  const runner = container.resolve(PipelineRunner);
  const schedules = (tenant: Tenant) =>
    tenant.pipelines
      .filter((entry) => entry.enabled)
      .flatMap((entry) => {
        try {
          const { plan } = runner.compiled(entry.file);
          const everyMs = entry.everyMs ?? plan.trigger.everyMs;
          return everyMs === undefined ? [] : [{ pipeline: plan.id, everyMs }];
        } catch {
          // a pipeline that does not compile fails its runs: the stale-flow check reports those
          return [];
        }
      });
  return new IssueAlerts({
    db,
    tenants: container.resolve<TenantDirectory>(TOKENS.Tenants),
    runs: container.resolve<RunStore>(TOKENS.Runs),
    deadLetters: container.resolve<DeadLetterStore>(TOKENS.DeadLetters),
    logger: container.resolve<RuntimeLogger>(TOKENS.Logger),
    channels: (tenant) => alerts.channels(tenant),
    schedules,
    ...overrides,
  });
}
