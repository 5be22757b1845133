import type { Db } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';
import type { ConnectorError, EventSubscription, ServiceEvent } from '../../core/plugin-api/index.ts';
import { TOKENS } from '../container/tokens.ts';
import { connectionSettings } from '../executor/connection-settings.ts';
import { PipelineRunner } from '../executor/pipeline-runner.ts';
import { connectorLogger, type RuntimeLogger } from '../logging/logger.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import type { PipelineScheduler } from '../scheduler/pipeline-schedule.ts';
import { keepLease, type KeptLease, type LeaseStore } from '../store/index.ts';
import { MongoOffsetStore } from '../store/mongo-offset-store.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { secretValues, type Tenant } from '../tenants/tenant.ts';

export interface EventSubscriptionOptions {
  /** How long a subscription's lease lives unrenewed: a dead worker's feed is taken over after it. Default 30 s. */
  readonly leaseMs?: number;
  /** How often a worker looks for feeds nobody holds (new tenants, a dead holder). Default leaseMs / 2. */
  readonly syncEveryMs?: number;
  /** Events of one pipeline arriving within this many ms start one run. Default 500 ms. */
  readonly debounceMs?: number;
}

/** One connection of one tenant whose events some of its pipelines are triggered by. */
interface WantedFeed {
  readonly key: string;
  readonly tenant: Tenant;
  readonly connection: string;
  readonly connector: string;
  /** Any plan naming the connection: its settings are the feed's. */
  readonly plan: ExecutionPlan;
}

interface HeldFeed {
  readonly kept: KeptLease;
  readonly abort: AbortController;
  subscription?: EventSubscription;
}

/** The lease scope of a tenant's event feed on one connection: one subscriber across all workers. */
export const eventLeaseScope = (tenant: string, connection: string) => `events/${tenant}/${connection}`;

/**
 * `koppla serve`'s side of pushed events (Fortnox's WebSocket API): for every tenant whose enabled
 * pipelines declare `trigger.events` on a connection whose connector has `events`, one worker — the
 * one holding the feed's lease — subscribes, with offsets kept in MongoDB so whoever holds it next
 * resumes there. An event starts the pipelines subscribed to `<connection>.<event>` now, the way a
 * webhook does; their stream reads what changed from the cursor, so a lost or repeated event changes
 * nothing but timing, and the schedule stays the safety net.
 */
export class EventSubscriptions {
  readonly #held = new Map<string, HeldFeed>();
  readonly #pending = new Map<string, NodeJS.Timeout>();
  readonly #leaseMs: number;
  readonly #debounceMs: number;
  readonly #timer: NodeJS.Timeout;
  #syncing: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    private readonly db: Db,
    private readonly container: DependencyContainer,
    private readonly scheduler: PipelineScheduler,
    options: EventSubscriptionOptions = {},
  ) {
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#debounceMs = options.debounceMs ?? 500;
    this.#timer = setInterval(() => void this.sync(), options.syncEveryMs ?? this.#leaseMs / 2);
    this.#timer.unref();
  }

  /** The feeds this worker holds now (`tenant/connection`). */
  held(): string[] {
    return [...this.#held.keys()];
  }

  /** Takes the feeds nobody holds, and drops the ones no pipeline wants any more; never throws. */
  sync(): Promise<void> {
    this.#syncing = this.#syncing
      .then(() => this.#sync())
      .catch((error: unknown) => {
        this.#logger.warn({ error: (error as Error).message }, 'event feeds could not be synced');
      });
    return this.#syncing;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#syncing;
    for (const timer of this.#pending.values()) clearTimeout(timer);
    this.#pending.clear();
    await Promise.all([...this.#held.keys()].map((key) => this.#drop(key)));
  }

  get #logger(): RuntimeLogger {
    return this.container.resolve<RuntimeLogger>(TOKENS.Logger);
  }

  async #sync(): Promise<void> {
    if (this.#stopped) return;
    const wanted = this.#wanted();
    for (const key of [...this.#held.keys()]) {
      const held = this.#held.get(key);
      if (!wanted.has(key) || held?.kept.lost) await this.#drop(key);
    }
    for (const feed of wanted.values()) {
      if (this.#stopped) return;
      if (!this.#held.has(feed.key)) await this.#take(feed);
    }
  }

  #wanted(): Map<string, WantedFeed> {
    const connectors = this.container.resolve<ConnectorRegistry>(TOKENS.Connectors);
    const runner = this.container.resolve(PipelineRunner);
    const wanted = new Map<string, WantedFeed>();
    for (const tenant of this.container.resolve<TenantDirectory>(TOKENS.Tenants).all()) {
      if (!tenant.enabled) continue;
      for (const entry of tenant.pipelines.filter((p) => p.enabled)) {
        let plan: ExecutionPlan;
        try {
          plan = runner.compiled(entry.file).plan;
        } catch {
          continue; // reported by its runs; a broken pipeline subscribes to nothing
        }
        for (const topic of plan.trigger.events) {
          const connection = topic.slice(0, topic.indexOf('.'));
          const connector = plan.connections[connection]?.connector;
          if (!connector || !connectors.get(connector).events) continue;
          const key = `${tenant.id}/${connection}`;
          if (!wanted.has(key)) wanted.set(key, { key, tenant, connection, connector, plan });
        }
      }
    }
    return wanted;
  }

  async #take(feed: WantedFeed): Promise<void> {
    const leases = this.container.resolve<LeaseStore>(TOKENS.Leases);
    const holder = this.container.resolve<string>(TOKENS.WorkerName);
    const lease = await leases.tryAcquire(
      eventLeaseScope(feed.tenant.id, feed.connection),
      holder,
      this.#leaseMs,
    );
    if (!lease) return; // another worker subscribes for this tenant
    const kept = keepLease(leases, lease, this.#leaseMs);
    const abort = new AbortController();
    const held: HeldFeed = { kept, abort };
    this.#held.set(feed.key, held);
    // lost (the database was unreachable past the lease): stop, another worker takes the feed over
    kept.signal.addEventListener('abort', () => void this.#drop(feed.key), { once: true });
    const events = this.container.resolve<ConnectorRegistry>(TOKENS.Connectors).get(feed.connector).events;
    const log = this.#logger.child({ tenant: feed.tenant.id, connection: feed.connection });
    try {
      held.subscription = await events!.subscribe(
        {
          tenantId: feed.tenant.id,
          settings: connectionSettings(feed.tenant, feed.plan, feed.connection),
          signal: abort.signal,
          logger: connectorLogger(
            this.#logger,
            { tenant: feed.tenant.id, connection: feed.connection },
            secretValues(feed.tenant),
          ),
        },
        (event) => this.#received(feed, event),
        {
          offsets: new MongoOffsetStore(this.db, `${feed.connector}:${feed.tenant.id}`),
          onError: (error: ConnectorError) =>
            log.warn({ kind: error.kind, error: error.message }, 'event feed trouble'),
        },
      );
      log.info({}, 'subscribed to events');
    } catch (error) {
      // refused credentials, an unreachable service: the schedule goes on; the next sync tries again
      log.warn({ error: (error as Error).message }, 'could not subscribe to events; polling only');
      await this.#drop(feed.key);
    }
  }

  async #received(feed: WantedFeed, event: ServiceEvent): Promise<void> {
    const topic = `${feed.connection}.${event.event}`;
    const tenant = this.container.resolve<TenantDirectory>(TOKENS.Tenants).get(feed.tenant.id);
    const runner = this.container.resolve(PipelineRunner);
    for (const entry of tenant.pipelines.filter((p) => p.enabled)) {
      let plan: ExecutionPlan;
      try {
        plan = runner.compiled(entry.file).plan;
      } catch {
        continue;
      }
      if (plan.trigger.events.includes(topic)) this.#runSoon(tenant.id, plan.id, topic);
    }
  }

  /** A burst of events (an order and its invoice) starts one run, not one per event. */
  #runSoon(tenant: string, pipeline: string, topic: string): void {
    const key = `${tenant}/${pipeline}`;
    if (this.#pending.has(key)) return;
    this.#pending.set(
      key,
      setTimeout(() => {
        this.#pending.delete(key);
        if (this.#stopped) return;
        this.scheduler.runNow(tenant, pipeline, 'event').then(
          (queued) =>
            this.#logger.info(
              { tenant, pipeline, event: topic },
              queued.coalesced ? 'event coalesced into a pending run' : 'run started by an event',
            ),
          (error: unknown) =>
            this.#logger.warn({ tenant, pipeline, error: (error as Error).message }, 'event run not queued'),
        );
      }, this.#debounceMs),
    );
  }

  async #drop(key: string): Promise<void> {
    const held = this.#held.get(key);
    if (!held) return;
    this.#held.delete(key);
    held.abort.abort();
    await held.subscription?.close().catch(() => undefined);
    await held.kept.stop();
    if (!held.kept.lost)
      await this.container
        .resolve<LeaseStore>(TOKENS.Leases)
        .release(held.kept.lease)
        .catch(() => undefined);
  }
}
