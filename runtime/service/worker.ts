import type { Db } from 'mongodb';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Agenda } from 'agenda';
import type { DependencyContainer } from 'tsyringe';
import { createRuntimeContainer, type RuntimeOptions } from '../container/create-container.ts';
import { TOKENS } from '../container/tokens.ts';
import { PipelineRunner } from '../executor/pipeline-runner.ts';
import { createAgenda } from '../scheduler/create-agenda.ts';
import { PipelineScheduler } from '../scheduler/pipeline-schedule.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import { runLeaseScope, type LeaseStore } from '../store/index.ts';
import { RunMetrics } from './run-metrics.ts';
import { registerWebhookRoute } from './webhook-route.ts';
import { EventSubscriptions, type EventSubscriptionOptions } from './event-subscriptions.ts';
import { scheduleMaintenance, type MaintenanceOptions } from './maintenance.ts';
import type { RuntimeTimings } from '../container/timings.ts';
import type { AdminKeyring } from '../admin/api-keys.ts';
import { registerAdminUi } from '../admin-ui/register-admin-ui.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

export interface WorkerOptions extends RuntimeOptions, MaintenanceOptions {
  /** HTTP port for health and metrics; 0 picks a free one. */
  readonly port?: number;
  readonly host?: string;
  /** How often Agenda looks for due runs (ms). */
  readonly processEveryMs?: number;
  /** Mounts the admin API under /admin/v1, opened by these keys; absent: no admin API. */
  readonly admin?: AdminKeyring;
  /** The master key: the admin page's Fortnox consent stores tokens with it. */
  readonly box?: SecretBox;
  /** How often tenants are reloaded from MongoDB besides before every run (ms); default 30 s. */
  readonly tenantRefreshMs?: number;
  /** Pushed events (`trigger.events`): lease and debounce timings; `false` subscribes to none. */
  readonly events?: EventSubscriptionOptions | false;
}

export interface RunningWorker {
  readonly url: string;
  readonly container: DependencyContainer;
  readonly scheduler: PipelineScheduler;
  /** The event feeds (Fortnox's WebSocket API) this worker holds; absent with `events: false`. */
  readonly events?: EventSubscriptions;
  /** Finishes the runs in progress, then stops. */
  stop(): Promise<void>;
}

/**
 * `koppla serve`: schedules every enabled (tenant, pipeline) on Agenda, runs them, and answers
 * health, readiness and metrics over HTTP. Several workers may share one database: Agenda's
 * claim-guarded locks spread the runs, and the run lease keeps one runner per tenant and pipeline.
 */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const container = await createRuntimeContainer(options);
  const logger = container.resolve<RuntimeLogger>(TOKENS.Logger);
  const workerName = container.resolve<string>(TOKENS.WorkerName);
  const { lockLifetimeMs } = container.resolve<RuntimeTimings>(TOKENS.Timings);
  const agenda = createAgenda({
    db: options.db,
    workerName,
    processEveryMs: options.processEveryMs ?? 5_000,
    lockLifetimeMs,
    onError: (error) =>
      logger.warn({ error: error.message }, 'scheduler: the database failed; trying again on the next tick'),
  });
  const scheduler = new PipelineScheduler(agenda, options.db);
  const metrics = new RunMetrics();

  const tenants = container.resolve<TenantDirectory>(TOKENS.Tenants);
  const refreshFailed = (error: unknown) =>
    logger.warn({ error: (error as Error).message }, 'tenants could not be reloaded; the last ones stay');
  const stopRefresh = tenants.refreshEvery(options.tenantRefreshMs ?? 30_000, refreshFailed);
  scheduler.define(
    async ({ tenant, pipeline, trigger, correlationId }) => {
      // a change made through the admin API on any worker counts from the next run
      await tenants.refresh().catch(refreshFailed);
      const runner = container.createChildContainer().resolve(PipelineRunner).correlate(correlationId);
      const outcome = await runner.run(
        tenant,
        pipeline,
        trigger === 'event' ? 'webhook' : (trigger ?? 'schedule'),
      );
      metrics.record(tenant, pipeline, outcome);
      // an event run that met a running one is queued again (PipelineScheduler.define)
      return outcome.status === 'skipped' && outcome.busy ? 'busy' : 'done';
    },
    {
      lockLifetimeMs,
      busy: ({ tenant, pipeline }) =>
        container.resolve<LeaseStore>(TOKENS.Leases).isTaken(runLeaseScope(tenant, pipeline)),
    },
  );
  await scheduleAll(container, scheduler, logger);
  await scheduleMaintenance(agenda, options.db, container, options);
  await agenda.start();
  // pushed events start the pipelines that declare them, like webhooks; one worker holds each feed
  const events =
    options.events === false
      ? undefined
      : new EventSubscriptions(options.db, container, scheduler, options.events);
  await events?.sync();

  const http = await startHttp(options.db, metrics, agenda);
  await registerWebhookRoute(http, container, scheduler);
  if (options.admin)
    // the admin API under /admin/v1 and the admin page under /admin (runtime/admin-ui)
    await registerAdminUi(http, {
      db: options.db,
      ...(options.box ? { box: options.box } : {}),
      container,
      keyring: options.admin,
      queue: scheduler,
      // a fresh view per change: other workers and the CLI change schedules too
      schedules: () => new PipelineScheduler(agenda, options.db),
    });
  const address = await http.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  logger.info({ url: address, worker: workerName }, 'koppla worker started');
  let stopping: Promise<void> | undefined;
  return {
    url: address,
    container,
    scheduler,
    ...(events ? { events } : {}),
    stop: () =>
      (stopping ??= (async () => {
        stopRefresh();
        await events?.stop();
        await http.close();
        await agenda.drain();
        await agenda.stop();
        logger.info({ worker: workerName }, 'koppla worker stopped');
      })()),
  };
}

async function scheduleAll(
  container: DependencyContainer,
  scheduler: PipelineScheduler,
  logger: RuntimeLogger,
): Promise<void> {
  const runner = container.resolve(PipelineRunner);
  const wanted: { tenant: string; pipeline: string; everyMs: number }[] = [];
  for (const tenant of container.resolve<TenantDirectory>(TOKENS.Tenants).all()) {
    for (const entry of tenant.pipelines) {
      const { plan } = runner.compiled(entry.file);
      if (!tenant.enabled || !entry.enabled) {
        // switched off since the schedule was made: its job must not keep running
        await scheduler.unschedule(tenant.id, plan.id);
        continue;
      }
      const everyMs = entry.everyMs ?? plan.trigger.everyMs;
      if (everyMs === undefined) {
        logger.warn({ tenant: tenant.id, pipeline: plan.id }, 'no interval: runs only when triggered');
        continue;
      }
      wanted.push({ tenant: tenant.id, pipeline: plan.id, everyMs });
    }
  }
  await scheduler.ensureSchedules(wanted);
}

async function startHttp(db: Db, metrics: RunMetrics, agenda: Agenda): Promise<FastifyInstance> {
  const http = Fastify({ logger: false });
  http.get('/healthz', async () => ({ status: 'ok' }));
  http.get('/readyz', async (_request, reply) => {
    try {
      await db.command({ ping: 1 });
      return { status: 'ready' };
    } catch (error) {
      return reply.code(503).send({ status: 'unavailable', reason: (error as Error).message });
    }
  });
  http.get('/metrics', async (_request, reply) => {
    const queued = await agenda.queryJobs({ state: 'queued' }).then(
      (r) => r.total,
      () => 0,
    );
    return reply.type('text/plain; version=0.0.4').send(metrics.prometheus({ queued }));
  });
  return http;
}
