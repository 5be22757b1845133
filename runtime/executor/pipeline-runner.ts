import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { resolve } from 'node:path';
import { KopplaUserError, type Diagnostic } from '../../core/diagnostics/index.ts';
import { createStepEngines } from '../../core/plan/step-engines.ts';
import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';
import { redact, type ConnectorContext } from '../../core/plugin-api/index.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import type { LoadedPipeline, Workspace } from '../project/workspace.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { secretValues, type Tenant } from '../tenants/tenant.ts';
import type { CursorStore, LeaseStore, RunStore } from '../store/index.ts';
import { LeaseLostError, keepLease, runLeaseScope, type KeptLease } from '../store/index.ts';
import type { RunTrigger } from '../store/run-store.ts';
import type { EffectsLedger } from '../ledger/effects-ledger.ts';
import { asInvoke } from '../ledger/as-invoke.ts';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import { connectorLogger, type RuntimeLogger } from '../logging/logger.ts';
import { traced } from '../logging/tracing.ts';
import { TOKENS } from '../container/tokens.ts';
import type { RuntimeTimings } from '../container/timings.ts';
import { failedRecord, runPipeline, type RunSummary } from './run-pipeline.ts';
import { connectionSettings } from './connection-settings.ts';
import { RunTraceCollector } from './run-trace.ts';
import { executeRecord, StepFailedError, type InvokeOperation } from '../../core/plan/execute-record.ts';

export type RunOutcome =
  /** `busy`: another run of the pipeline holds the run lease. */
  | { readonly status: 'skipped'; readonly reason: string; readonly busy?: true }
  | {
      readonly status: 'succeeded' | 'partial' | 'failed';
      readonly runId: string;
      readonly summary: RunSummary;
    };

/**
 * One run of one tenant's pipeline with everything real: the run lease (one runner per tenant and
 * pipeline across all workers), the cursor, the effects ledger around every write, dead letters for
 * records that fail, and a run document with the counts.
 */
@injectable()
export class PipelineRunner {
  constructor(
    @inject(TOKENS.Connectors) private readonly connectors: ConnectorRegistry,
    @inject(TOKENS.Workspace) private readonly workspace: Workspace,
    @inject(TOKENS.Tenants) private readonly tenants: TenantDirectory,
    @inject(TOKENS.Cursors) private readonly cursors: CursorStore,
    @inject(TOKENS.Runs) private readonly runs: RunStore,
    @inject(TOKENS.Leases) private readonly leases: LeaseStore,
    @inject(TOKENS.Ledger) private readonly ledger: EffectsLedger,
    @inject(TOKENS.DeadLetters) private readonly deadLetters: DeadLetterStore,
    @inject(TOKENS.Logger) private readonly logger: RuntimeLogger,
    @inject(TOKENS.WorkerName) private readonly workerName: string,
    @inject(TOKENS.Timings) private readonly timings: RuntimeTimings,
  ) {}

  /** The compiled pipeline in `file`; its diagnostics (a KopplaUserError) when it does not compile. */
  compiled(file: string): LoadedPipeline {
    const loaded = this.workspace.pipeline(file);
    if (!loaded.value)
      throw new KopplaUserError(`${file}: the pipeline does not compile`, loaded.diagnostics);
    return loaded.value;
  }

  /**
   * The compiled plan of a tenant's enabled pipeline, by pipeline id or file. A pipeline that does
   * not compile is reported with its diagnostics, not as "no such pipeline".
   */
  plan(tenant: Tenant, pipeline: string): LoadedPipeline {
    const broken: Diagnostic[] = [];
    for (const entry of tenant.pipelines.filter((p) => p.enabled)) {
      const loaded = this.workspace.pipeline(entry.file);
      if (!loaded.value) broken.push(...loaded.diagnostics);
      else if (loaded.value.plan.id === pipeline || resolve(pipeline) === entry.file) return loaded.value;
    }
    if (broken.length > 0) throw new KopplaUserError(`${pipeline}: the pipeline does not compile`, broken);
    throw new Error(`tenant "${tenant.id}" has no enabled pipeline "${pipeline}"`);
  }

  /** What started this runner's runs (a webhook delivery), logged as `correlationId`; default the run id. */
  #correlationId: string | undefined;

  /** Ties the runs of this runner to the request that started them, in every log line down to each call. */
  correlate(correlationId: string | undefined): this {
    this.#correlationId = correlationId;
    return this;
  }

  async run(tenantId: string, pipeline: string, trigger: RunTrigger = 'manual'): Promise<RunOutcome> {
    const tenant = this.tenants.get(tenantId);
    if (!tenant.enabled) return { status: 'skipped', reason: `tenant ${tenant.id} is disabled` };
    const { plan, packs } = this.plan(tenant, pipeline);
    const { runLeaseMs } = this.timings;
    const lease = await this.leases.tryAcquire(
      runLeaseScope(tenant.id, plan.id),
      this.workerName,
      runLeaseMs,
    );
    if (!lease)
      return {
        status: 'skipped',
        reason: `another worker is running ${plan.id} for ${tenant.id}`,
        busy: true,
      };
    // renewed while the run goes on: a long run is never taken over, a crashed one is after runLeaseMs
    const kept = keepLease(this.leases, lease, runLeaseMs);
    try {
      return await this.#leasedRun(tenant, plan, packs, trigger, kept);
    } finally {
      await kept.stop();
      await this.leases.release(kept.lease);
    }
  }

  async #leasedRun(
    tenant: Tenant,
    plan: ExecutionPlan,
    packs: LoadedPipeline['packs'],
    trigger: RunTrigger,
    kept: KeptLease,
  ): Promise<RunOutcome> {
    // a run whose lease was lost stops before its next record or cursor move: another may own them now
    const assertLease = () => {
      if (kept.lost) throw new LeaseLostError(kept.lease.scope);
    };
    const run = await this.runs.start({ tenant: tenant.id, pipeline: plan.id, trigger });
    // requests and time per connection, and the last records' rule traces, kept with the run
    const collected = new RunTraceCollector({ scrub: (text) => redact(text, secretValues(tenant)) });
    const session = this.#session(tenant, plan, run.id, collected);
    kept.signal.addEventListener('abort', () => session.close(), { once: true });
    const { log, scrub } = session;
    try {
      const stream = this.connectors.get(plan.source.connector).streams[plan.source.stream];
      if (!stream) throw new Error(`connector ${plan.source.connector} has no stream ${plan.source.stream}`);
      const summary = await runPipeline({
        plan,
        engines: createStepEngines(plan, packs, tenant.toggles),
        stream: collected.stream(plan.source.connection, stream),
        traced: (recordKey, status, outcome) => collected.record(recordKey, status, outcome),
        streamContext: session.contextFor(plan.source.connection),
        params: tenant.params,
        tenant: { id: tenant.id, name: tenant.name },
        readCursor: async () => {
          const cursor = await this.cursors.get(tenant.id, plan.id);
          return cursor === undefined ? undefined : String(cursor.value);
        },
        advanceCursor: async (cursor) => {
          assertLease();
          await this.cursors.advance(tenant.id, plan.id, cursor, run.id);
        },
        invokeFor: (recordKey) => {
          assertLease();
          return session.invokeFor(recordKey);
        },
        attemptsOf: async (recordKey, step) =>
          (await this.ledger.attempts({ tenant: tenant.id, pipeline: plan.id, recordKey, step })).length,
        deadLetter: async (failure) => {
          const kept = await this.deadLetters.put({
            ...failure,
            tenant: tenant.id,
            pipeline: plan.id,
            attempts: 1,
            runId: run.id,
          });
          const fields = { record: failure.recordKey, step: failure.failedStep };
          if (kept.status === 'resolved') {
            log.info({ ...fields, deadLetter: kept.id }, 'record stopped where a person already settled it');
            return 'settled';
          }
          log.warn({ ...fields, error: scrub(failure.error.message) }, 'record failed');
          return undefined;
        },
        openDeadLetters: (recordKeys) => this.deadLetters.openFor(tenant.id, plan.id, recordKeys),
        recovered: async (recordKey, deadLetterId) => {
          log.info(
            { record: recordKey, deadLetter: deadLetterId },
            'record changed since it failed, and went through',
          );
          await this.deadLetters.resolve(deadLetterId, `completed in run ${run.id}`);
        },
      });
      if (summary.retryLater) summary.retryLater.message = scrub(summary.retryLater.message);
      const status = summary.failed > 0 || summary.retryLater ? 'partial' : 'succeeded';
      await this.runs.finish(run.id, {
        status,
        counts: {
          read: summary.read,
          processed: summary.processed,
          skipped: summary.skipped,
          failed: summary.failed,
          ...(summary.parked === undefined ? {} : { parked: summary.parked }),
        },
        ...(summary.retryLater ? { error: { message: summary.retryLater.message, kind: 'transient' } } : {}),
        traces: collected.traces(),
        calls: collected.usage(),
      });
      log.info({ ...summary }, 'run finished');
      // findings of the pipeline's report steps, once per run (a SKU only one system has, …)
      if (summary.report) log.warn({ report: summary.report }, 'run report');
      return { status, runId: run.id, summary };
    } catch (error) {
      const message = scrub(error instanceof Error ? error.message : String(error));
      await this.runs.finish(run.id, {
        status: 'failed',
        counts: { read: 0, processed: 0, skipped: 0, failed: 0 },
        error: { message },
        traces: collected.traces(),
        calls: collected.usage(),
      });
      log.error({ error: message }, 'run failed');
      // the error goes on to a CLI or a job log: without the tenant's secrets
      if (error instanceof Error) error.message = message;
      throw error;
    } finally {
      session.close();
    }
  }

  /**
   * Runs a dead-lettered record again (after the pipeline, a pack or the data was fixed). Steps that
   * were committed before are answered by the ledger, so only what failed is sent.
   */
  async replay(
    deadLetterId: string,
  ): Promise<{ readonly status: 'resolved' | 'failed'; readonly message?: string }> {
    const dead = await this.deadLetters.get(deadLetterId);
    if (!dead) throw new Error(`no dead letter ${deadLetterId}`);
    if (dead.status === 'resolved') return { status: 'resolved' };
    const tenant = this.tenants.get(dead.tenant);
    if (!tenant.enabled) throw new Error(`tenant ${tenant.id} is disabled; enable it to replay its records`);
    const { plan, packs } = this.plan(tenant, dead.pipeline);
    const run = await this.runs.start({ tenant: tenant.id, pipeline: plan.id, trigger: 'replay' });
    const session = this.#session(tenant, plan, run.id);
    await this.deadLetters.markReplayed(dead.id);
    const counts = { read: 1, processed: 0, skipped: 0, failed: 0 };
    try {
      // an item the stream could not read is kept as the service gave it: read it as the stream would
      const fromNative =
        dead.failedStep === 'source'
          ? this.connectors.get(plan.source.connector).streams[plan.source.stream]?.fromNative
          : undefined;
      const record = fromNative
        ? (fromNative(dead.record, connectionSettings(tenant, plan, plan.source.connection)) ?? dead.record)
        : dead.record;
      await executeRecord(
        plan,
        { record, params: tenant.params, tenant: { id: tenant.id, name: tenant.name } },
        createStepEngines(plan, packs, tenant.toggles),
        session.invokeFor(dead.recordKey),
      );
      await this.deadLetters.resolve(dead.id, `replayed in run ${run.id}`);
      await this.runs.finish(run.id, { status: 'succeeded', counts: { ...counts, processed: 1 } });
      return { status: 'resolved' };
    } catch (error) {
      if (!(error instanceof StepFailedError)) {
        // not the record's failure (the database, a stream that still cannot read the item): the
        // dead letter goes back to open, where `koppla replay --all` and the runs find it again
        await this.deadLetters.reopen(dead.id).catch(() => undefined);
        const message = session.scrub(error instanceof Error ? error.message : String(error));
        await this.runs
          .finish(run.id, {
            status: 'failed',
            counts: { ...counts, failed: 1 },
            error: { message, kind: error instanceof Error ? error.name : 'error' },
          })
          .catch(() => undefined);
        if (dead.failedStep === 'source') return { status: 'failed', message };
        throw error;
      }
      const failure = failedRecord(dead.recordKey, dead.record, error);
      await this.deadLetters.put({
        ...failure,
        tenant: tenant.id,
        pipeline: plan.id,
        attempts: 1,
        runId: run.id,
      });
      await this.runs.finish(run.id, {
        status: 'failed',
        counts: { ...counts, failed: 1 },
        error: { message: session.scrub(failure.error.message), kind: failure.error.kind },
      });
      return { status: 'failed', message: session.scrub(failure.error.message) };
    } finally {
      session.close();
    }
  }

  /** What every record of one run shares: connector contexts with the tenant's settings, the ledger. */
  #session(tenant: Tenant, plan: ExecutionPlan, runId: string, collected?: RunTraceCollector) {
    const secrets = secretValues(tenant);
    const correlationId = this.#correlationId ?? runId;
    const calls = this.logger.child({ tenant: tenant.id, pipeline: plan.id, run: runId, correlationId });
    const abort = new AbortController();
    const contextFor = (connection: string): ConnectorContext<object> => {
      return {
        tenantId: tenant.id,
        // the pipeline's connection settings under the tenant's, then its secrets
        settings: connectionSettings(tenant, plan, connection),
        signal: abort.signal,
        logger: connectorLogger(
          this.logger,
          { tenant: tenant.id, pipeline: plan.id, run: runId, correlationId, connection },
          secrets,
        ),
      };
    };
    const invokeFor = (recordKey: string): InvokeOperation =>
      asInvoke(
        this.ledger,
        { tenant: tenant.id, pipeline: plan.id, recordKey, runId, secrets },
        (step, idempotencyKey) => {
          const operation = this.connectors.get(step.connector).operations[step.operation];
          if (!operation) throw new Error(`connector ${step.connector} has no operation ${step.operation}`);
          const context = {
            ...contextFor(step.connection),
            idempotencyKey,
            ...(step.match === undefined ? {} : { match: step.match }),
          };
          const { lookup } = operation;
          // counted per connection when the run keeps a trace (a replay does not)
          const counted = <T>(call: () => Promise<T>): Promise<T> => {
            // one debug line per remote call: the webhook's correlationId reaches the Fortnox call
            calls.debug(
              { record: recordKey, step: step.id, operation: `${step.connection}.${step.operation}` },
              'operation call',
            );
            const spanned = () =>
              traced(
                `koppla ${step.connection}.${step.operation}`,
                {
                  tenant: tenant.id,
                  pipeline: plan.id,
                  run: runId,
                  correlationId,
                  record: recordKey,
                  step: step.id,
                },
                call,
              );
            return collected ? collected.within(step.connection, 'operation', spanned) : spanned();
          };
          return {
            run: (input) => counted(() => operation.run(context, input)),
            ...(lookup
              ? { lookup: (input: unknown) => counted(() => lookup.call(operation, context, input)) }
              : {}),
          };
        },
      );
    return {
      log: this.logger.child({ tenant: tenant.id, pipeline: plan.id, run: runId, correlationId }),
      /** Every text that leaves the runner (logs, run documents, errors) passes here. */
      scrub: (text: string) => redact(text, secrets),
      contextFor,
      invokeFor,
      close: () => abort.abort(),
    };
  }
}
