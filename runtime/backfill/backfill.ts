/**
 * `koppla backfill orders`: moves a shop's historic orders into Fortnox, once.
 *
 * It is the tenant's own orders pipeline (same steps, same packs, same idempotency key), run over a
 * window of creation dates instead of from the live cursor:
 * - resumable: the source cursor after every finished page is a checkpoint in MongoDB
 *   (`koppla_backfills`); a killed backfill started again with the same window goes on from there;
 * - never twice: every write goes through the effects ledger under the same keys as the live
 *   pipeline, so an order the ledger has is answered from it, and an order whose write was cut off
 *   by the kill is looked up in Fortnox first (lookup-first) before anything is sent again;
 * - within the rate limit: connectors share the tenant's request budget (MongoDB) with every worker,
 *   so a backfill next to `koppla serve` slows both down instead of earning 429s;
 * - one at a time per window: a lease, kept alive while it runs, taken over after a crash.
 */
import type { DependencyContainer } from 'tsyringe';
import { createStepEngines } from '../../core/plan/step-engines.ts';
import {
  defineStream,
  redact,
  type ConnectorContext,
  type StreamDefinition,
  type StreamPage,
} from '../../core/plugin-api/index.ts';
import { TOKENS } from '../container/tokens.ts';
import type { RuntimeTimings } from '../container/timings.ts';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import { asInvoke } from '../ledger/as-invoke.ts';
import type { EffectsLedger } from '../ledger/effects-ledger.ts';
import { connectorLogger, type RuntimeLogger } from '../logging/logger.ts';
import { PipelineRunner } from '../executor/pipeline-runner.ts';
import type { RunSummary } from '../executor/run-pipeline.ts';
import { runConcurrently } from './concurrent-run.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import { keepLease, type LeaseStore } from '../store/index.ts';
import { COLLECTIONS } from '../store/collections.ts';
import type { Db } from 'mongodb';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { secretValues, type Tenant } from '../tenants/tenant.ts';
import { BackfillStore, type BackfillCounts } from './backfill-store.ts';

export interface BackfillOptions {
  readonly tenant: string;
  /** Orders created at or after this instant (ISO 8601; a date means its UTC midnight). */
  readonly from: string;
  /** Orders created before this instant; absent: up to now. */
  readonly to?: string;
  /** The pipeline (id or file); default: the tenant's enabled pipeline reading orders from WooCommerce. */
  readonly pipeline?: string;
  /** Read the window and count what would be sent; write nothing, call nothing but the shop. */
  readonly dryRun?: boolean;
  /** Forget the checkpoint of this window and start again from `from` (the ledger still prevents duplicates). */
  readonly restart?: boolean;
  /** How long to wait for the lease of another (or a crashed) backfill of the same window; default 10 min. */
  readonly leaseWaitMs?: number;
  /** Orders in flight at once (default 2); the request budget still sets the pace. */
  readonly concurrency?: number;
  readonly progress?: BackfillProgressSink;
}

export interface BackfillProgressSink {
  start(total: number | undefined): void;
  update(counts: BackfillCounts): void;
  stop(): void;
}

export interface BackfillResult {
  readonly id: string;
  readonly tenant: string;
  readonly pipeline: string;
  readonly from: string;
  readonly to: string | null;
  readonly dryRun: boolean;
  /** True when this session started from a checkpoint of an interrupted one. */
  readonly resumed: boolean;
  /** Orders in the window the shop says it has (any status). */
  readonly total: number | undefined;
  /** This session's counts. */
  readonly counts: BackfillCounts;
  /** Set when the run stopped on a retryable failure: start it again later to go on. */
  readonly retryLater?: string;
  /** Dry run: orders of the window the ledger already has a committed effect for. */
  readonly alreadyInLedger?: number;
  readonly durationMs: number;
}

const isoOf = (text: string, name: string): string => {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : new Date(text);
  if (Number.isNaN(date.getTime()))
    throw new Error(`--${name} ${text}: write a date (2026-01-01) or an ISO 8601 time`);
  return date.toISOString();
};

export async function runBackfill(
  container: DependencyContainer,
  options: BackfillOptions,
): Promise<BackfillResult> {
  const started = Date.now();
  const from = isoOf(options.from, 'from');
  const to = options.to === undefined ? undefined : isoOf(options.to, 'to');
  if (to !== undefined && to <= from)
    throw new Error(`--to ${options.to} is not after --from ${options.from}`);
  const tenants = container.resolve<TenantDirectory>(TOKENS.Tenants);
  const tenant = tenants.get(options.tenant);
  if (!tenant.enabled) throw new Error(`tenant ${tenant.id} is disabled; enable it to backfill`);
  const runner = container.resolve(PipelineRunner);
  const { plan, packs } = options.pipeline
    ? runner.plan(tenant, options.pipeline)
    : ordersPipeline(runner, tenant);
  const connectors = container.resolve<ConnectorRegistry>(TOKENS.Connectors);
  const logger = container.resolve<RuntimeLogger>(TOKENS.Logger);
  const secrets = secretValues(tenant);
  const scrub = (text: string) => redact(text, secrets);
  const abort = new AbortController();
  const contextFor = (connection: string, backfillId: string): ConnectorContext<object> => {
    const config = tenant.connections[connection];
    return {
      tenantId: tenant.id,
      settings: { ...(config?.settings ?? {}), ...(config?.secrets ?? {}) },
      signal: abort.signal,
      logger: connectorLogger(
        logger,
        { tenant: tenant.id, pipeline: plan.id, backfill: backfillId, connection },
        secrets,
      ),
    };
  };

  const store = new BackfillStore(container.resolve<Db>(TOKENS.Db));
  const id = BackfillStore.idOf(tenant.id, plan.id, from, to);
  const source = connectors.get(plan.source.connector);
  const count = source.operations['orders.count'];
  const total = count
    ? await count
        .run(contextFor(plan.source.connection, id), { after: from, ...(to ? { before: to } : {}) })
        .then(
          (r) => (r as { total: number }).total,
          () => undefined,
        )
    : undefined;
  const stream = source.streams[plan.source.stream];
  if (!stream) throw new Error(`connector ${plan.source.connector} has no stream ${plan.source.stream}`);

  if (options.dryRun) return dryRun();

  const leases = container.resolve<LeaseStore>(TOKENS.Leases);
  const { runLeaseMs } = container.resolve<RuntimeTimings>(TOKENS.Timings);
  const workerName = container.resolve<string>(TOKENS.WorkerName);
  const scope = `backfill:${id}`;
  let lease = await leases.tryAcquire(scope, workerName, runLeaseMs);
  const waitUntil = Date.now() + (options.leaseWaitMs ?? 10 * 60_000);
  // a crashed backfill's lease runs out after runLeaseMs: wait for it rather than fail
  while (!lease && Date.now() < waitUntil) {
    await new Promise((r) => setTimeout(r, Math.min(1000, runLeaseMs / 4)));
    lease = await leases.tryAcquire(scope, workerName, runLeaseMs);
  }
  if (!lease) throw new Error(`another backfill of this window is running (lease ${scope})`);
  const kept = keepLease(leases, lease, runLeaseMs);
  kept.signal.addEventListener('abort', () => abort.abort(), { once: true });

  const counts: BackfillCounts = {
    read: 0,
    processed: 0,
    skipped: 0,
    failed: 0,
    sent: 0,
    fromLedger: 0,
    foundRemotely: 0,
    calls: 0,
  };
  try {
    if (options.restart) await store.reset(id);
    const checkpoint = await store.begin({
      _id: id,
      tenant: tenant.id,
      pipeline: plan.id,
      from,
      to: to ?? null,
      startedAt: new Date(),
    });
    const resumed = checkpoint.cursor !== null;
    const before = { ...checkpoint.counts };
    logger.info({ tenant: tenant.id, pipeline: plan.id, backfill: id, resumed, total }, 'backfill started');
    options.progress?.start(total);

    const ledger = container.resolve<EffectsLedger>(TOKENS.Ledger);
    // counts where each effect's answer came from: the ledger, a lookup, or a real write
    const countingLedger = Object.create(ledger) as EffectsLedger;
    countingLedger.perform = async (effect, performOptions) => {
      const outcome = await ledger.perform(effect, performOptions);
      if (outcome.source === 'performed') counts.sent++;
      else if (outcome.source === 'ledger') counts.fromLedger++;
      else counts.foundRemotely++;
      return outcome;
    };
    const deadLetters = container.resolve<DeadLetterStore>(TOKENS.DeadLetters);
    const seen = { count: 0 };
    const summary: RunSummary = await runConcurrently(
      {
        plan,
        engines: createStepEngines(plan, packs, tenant.toggles),
        stream: windowed(stream, from, to, seen),
        streamContext: contextFor(plan.source.connection, id),
        params: tenant.params,
        tenant: { id: tenant.id, name: tenant.name },
        readCursor: async () => checkpoint.cursor ?? JSON.stringify({ modifiedAt: from, ids: [] }),
        advanceCursor: async (cursor) => {
          if (kept.lost) throw new Error(`the backfill lease ${scope} was lost; start it again to go on`);
          // every record of the pages so far is handled (processed, left out or dead-lettered)
          counts.read = seen.count;
          await store.checkpoint(id, cursor, add(before, counts));
          options.progress?.update(add(before, counts));
        },
        invokeFor: (recordKey) =>
          asInvoke(
            countingLedger,
            { tenant: tenant.id, pipeline: plan.id, recordKey, secrets },
            (step, idempotencyKey) => {
              const operation = connectors.get(step.connector).operations[step.operation];
              if (!operation)
                throw new Error(`connector ${step.connector} has no operation ${step.operation}`);
              const context = { ...contextFor(step.connection, id), idempotencyKey };
              const { lookup } = operation;
              return {
                run: (input) => {
                  counts.calls++;
                  return operation.run(context, input);
                },
                ...(lookup
                  ? {
                      lookup: (input: unknown) => {
                        counts.calls++;
                        return lookup.call(operation, context, input);
                      },
                    }
                  : {}),
              };
            },
          ),
        attemptsOf: async (recordKey, step) =>
          (await ledger.attempts({ tenant: tenant.id, pipeline: plan.id, recordKey, step })).length,
        deadLetter: async (failure) => {
          const kept = await deadLetters.put({
            ...failure,
            tenant: tenant.id,
            pipeline: plan.id,
            attempts: 1,
          });
          return kept.status === 'resolved' ? 'settled' : undefined;
        },
      },
      options.concurrency ?? 2,
    );
    sync(summary);
    const overall = add(before, counts);
    if (summary.retryLater)
      await store.checkpoint(id, checkpoint.cursor ?? '', overall).catch(() => undefined);
    else await store.finish(id, overall);
    logger.info({ tenant: tenant.id, backfill: id, ...counts }, 'backfill finished');
    return {
      id,
      tenant: tenant.id,
      pipeline: plan.id,
      from,
      to: to ?? null,
      dryRun: false,
      resumed,
      total,
      counts,
      ...(summary.retryLater ? { retryLater: scrub(summary.retryLater.message) } : {}),
      durationMs: Date.now() - started,
    };
  } finally {
    options.progress?.stop();
    abort.abort();
    await kept.stop();
    await leases.release(kept.lease);
  }

  function sync(summary: RunSummary): void {
    counts.read = summary.read;
    counts.processed = summary.processed;
    counts.skipped = summary.skipped;
    counts.failed = summary.failed;
  }

  /** The window read, the pipeline's `where` applied: what the ledger already has, nothing sent. */
  async function dryRun(): Promise<BackfillResult> {
    // the ledger's documents by record (index tenant_pipeline_record): read only, nothing claimed
    const effects = container.resolve<Db>(TOKENS.Db).collection(COLLECTIONS.effects);
    const engines = createStepEngines(plan, packs, tenant.toggles);
    const counts: BackfillCounts = {
      read: 0,
      processed: 0,
      skipped: 0,
      failed: 0,
      sent: 0,
      fromLedger: 0,
      foundRemotely: 0,
      calls: 0,
    };
    let alreadyInLedger = 0;
    options.progress?.start(total);
    try {
      const pages = windowed(stream!, from, to, { count: 0 }).read(contextFor(plan.source.connection, id), {
        cursor: JSON.stringify({ modifiedAt: from, ids: [] }),
        ...(plan.source.pageSize === undefined ? {} : { pageSize: plan.source.pageSize }),
      });
      for await (const page of pages) {
        for (const record of page.records) {
          counts.read++;
          const data = { record, params: tenant.params, tenant: { id: tenant.id, name: tenant.name } };
          if (
            plan.source.where !== undefined &&
            !engines.isTruthy(engines.evaluate(plan.source.where, data))
          ) {
            counts.skipped++;
            continue;
          }
          const recordKey = String(
            plan.idempotencyKey === undefined
              ? (record as { id?: unknown }).id
              : engines.evaluate(plan.idempotencyKey, data),
          );
          const committed = await effects.countDocuments(
            { tenant: tenant.id, pipeline: plan.id, recordKey, state: 'committed' },
            { limit: 1 },
          );
          if (committed > 0) alreadyInLedger++;
          else counts.processed++;
        }
        counts.failed += page.rejected?.length ?? 0;
        options.progress?.update(counts);
      }
    } finally {
      options.progress?.stop();
      abort.abort();
    }
    return {
      id,
      tenant: tenant.id,
      pipeline: plan.id,
      from,
      to: to ?? null,
      dryRun: true,
      resumed: false,
      total,
      counts,
      alreadyInLedger,
      durationMs: Date.now() - started,
    };
  }
}

function add(a: BackfillCounts, b: BackfillCounts): BackfillCounts {
  const sum = { ...a };
  for (const key of Object.keys(b) as (keyof BackfillCounts)[]) sum[key] = (a[key] ?? 0) + b[key];
  return sum;
}

/** The tenant's enabled pipeline that reads orders from a WooCommerce connection. */
function ordersPipeline(runner: PipelineRunner, tenant: Tenant) {
  const candidates = tenant.pipelines
    .filter((p) => p.enabled)
    .map((p) => runner.compiled(p.file))
    .filter(({ plan }) => plan.source.connector === 'woocommerce' && plan.source.stream === 'orders');
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0)
    throw new Error(`tenant ${tenant.id} has no enabled pipeline reading orders from WooCommerce`);
  throw new Error(
    `tenant ${tenant.id} has several order pipelines (${candidates.map((c) => c.plan.id).join(', ')}): name one with --pipeline`,
  );
}

/**
 * The orders stream limited to a window of creation dates. It reads from `modified_after = from`
 * (an order is never modified before it is created, so none of the window is missed) and drops the
 * orders created outside the window; the cursor stays the stream's own, so checkpoints resume it.
 */
function windowed(
  stream: StreamDefinition<unknown, object>,
  from: string,
  to: string | undefined,
  seen: { count: number },
): StreamDefinition<unknown, object> {
  const inside = (record: unknown) => {
    const created = (record as { createdAt?: string }).createdAt;
    if (typeof created !== 'string') return true;
    const at = new Date(created).toISOString();
    return at >= from && (to === undefined || at < to);
  };
  return defineStream<unknown, object>({
    ...stream,
    async *read(ctx, params): AsyncGenerator<StreamPage<unknown>> {
      for await (const page of stream.read(ctx, params)) {
        const records = page.records.filter(inside);
        seen.count += records.length;
        yield { ...page, records };
      }
    },
  });
}
