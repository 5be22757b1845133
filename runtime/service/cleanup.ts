import type { Db } from 'mongodb';
import type { AlertDispatcher } from '../alerts/alert-dispatcher.ts';
import {
  MongoRateBudget,
  runLeaseScope,
  type LeaseStore,
  type MongoDeliveryDedupe,
  type RunStore,
} from '../store/index.ts';

/** What the cleanup job keeps. TTL indexes are out (FerretDB rejects them), so this is our retention. */
export interface CleanupPolicy {
  /** How often the cleanup job runs. */
  readonly everyMs: number;
  /** Finished runs kept per (tenant, pipeline); older ones go. */
  readonly runsPerPipeline: number;
  /** Finished runs older than this go whatever their number. */
  readonly runRetentionMs: number;
  /** Webhook delivery keys are remembered this long; keep it above the sender's retry window. */
  readonly deliveryRetentionMs: number;
  /** Sent alerts and their claims are kept this long. */
  readonly alertRetentionMs: number;
  /** Finished one-off jobs (runs started by hand or by a webhook) are kept this long in Agenda. */
  readonly finishedJobRetentionMs: number;
}

export const DEFAULT_CLEANUP: CleanupPolicy = {
  everyMs: 10 * 60_000,
  runsPerPipeline: 500,
  runRetentionMs: 90 * 24 * 3_600_000,
  deliveryRetentionMs: 3 * 24 * 3_600_000,
  alertRetentionMs: 30 * 24 * 3_600_000,
  finishedJobRetentionMs: 24 * 3_600_000,
};

export interface CleanupReport {
  readonly rateEvents: number;
  readonly leases: number;
  readonly abandonedRuns: number;
  readonly runs: number;
  readonly deliveries: number;
  readonly alerts: number;
  readonly finishedJobs: number;
}

export interface CleanupStores {
  readonly db: Db;
  readonly runs: RunStore;
  readonly leases: LeaseStore;
  readonly deliveries: MongoDeliveryDedupe;
  readonly alerts?: AlertDispatcher;
  /** The run lease lifetime: a run still `running` this long after its lease ran out was abandoned. */
  readonly runLeaseMs: number;
  /** Agenda's job collection; default `agendaJobs`. */
  readonly agendaCollection?: string;
}

/**
 * One pass of the installation's cleanup: expired rate-budget events, superseded lease generations,
 * runs whose worker died (marked failed), old runs (beyond the cap per tenant and pipeline, or too
 * old), old webhook delivery keys, old alerts, finished one-off Agenda jobs. Every step is an idempotent delete or a write to a
 * document nobody else writes, so two passes at once do no harm.
 */
export async function cleanUp(
  stores: CleanupStores,
  policy: CleanupPolicy,
  now = Date.now(),
): Promise<CleanupReport> {
  const rateEvents = await new MongoRateBudget(stores.db).cleanup();
  const leases = await stores.leases.cleanup();
  let abandonedRuns = 0;
  for (const run of await stores.runs.runningSince(new Date(now - 2 * stores.runLeaseMs))) {
    // no current holder of its lease: its worker is gone, and nobody else writes this run
    if (await stores.leases.current(runLeaseScope(run.tenant, run.pipeline))) continue;
    await stores.runs.abandon(run.id, 'abandoned: its worker stopped before the run finished');
    abandonedRuns++;
  }
  const runs =
    (await stores.runs.pruneBeyond(policy.runsPerPipeline)) +
    (await stores.runs.deleteFinishedBefore(new Date(now - policy.runRetentionMs)));
  const deliveries = await stores.deliveries.deleteSeenBefore(new Date(now - policy.deliveryRetentionMs));
  const alerts = (await stores.alerts?.deleteBefore(new Date(now - policy.alertRetentionMs))) ?? 0;
  // Agenda keeps a one-off job after it ran (nextRunAt null): every webhook would leave one behind
  const { deletedCount: finishedJobs } = await stores.db
    .collection(stores.agendaCollection ?? 'agendaJobs')
    .deleteMany({
      nextRunAt: null,
      lockedAt: null,
      lastFinishedAt: { $lt: new Date(now - policy.finishedJobRetentionMs) },
    });
  return { rateEvents, leases, abandonedRuns, runs, deliveries, alerts, finishedJobs };
}
