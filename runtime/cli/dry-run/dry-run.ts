import { createStepEngines } from '../../../core/plan/step-engines.ts';
import type { InvokeOperation } from '../../../core/plan/execute-record.ts';
import type { AnyStreamDefinition, ConnectorContext, StreamPage } from '../../../core/plugin-api/index.ts';
import { redactDeep } from '../../../core/plugin-api/index.ts';
import { runPipeline, type RunSummary } from '../../executor/run-pipeline.ts';
import { connectionSettings } from '../../executor/connection-settings.ts';
import type { EffectsLedger } from '../../ledger/effects-ledger.ts';
import { connectorLogger, type RuntimeLogger } from '../../logging/logger.ts';
import type { LoadedPipeline } from '../../project/workspace.ts';
import type { ConnectorRegistry } from '../../registry/connector-registry.ts';
import type { CursorStore } from '../../store/index.ts';
import { secretValues, type Tenant } from '../../tenants/tenant.ts';

/** One operation call of a dry run. */
export interface DryRunCall {
  readonly step: string;
  /** `<connection>.<operation>`. */
  readonly uses: string;
  /** `read`: a read-only operation, run for real; `refused`: a write, not sent; `ledger`: sent before, a real run would not send it again. */
  readonly kind: 'read' | 'refused' | 'ledger';
  /** The payload: what a real run sends (or sent, for `ledger`). */
  readonly input: unknown;
  /** What the run went on with: the real answer, the operation's first example, or the stored result. */
  readonly output: unknown;
}

export interface DryRunRecord {
  readonly key: string;
  readonly calls: DryRunCall[];
  failure?: { readonly step: string; readonly message: string };
}

export interface DryRunResult {
  readonly tenant: string;
  readonly pipeline: string;
  readonly summary: RunSummary;
  readonly records: readonly DryRunRecord[];
  /** Writes a real run would send now. */
  readonly refused: number;
}

export interface DryRunDeps {
  readonly tenant: Tenant;
  readonly loaded: LoadedPipeline;
  /** Built with a read-only plugin host: `ctx.http` refuses writes besides what this run refuses. */
  readonly connectors: ConnectorRegistry;
  readonly cursors: CursorStore;
  /** Read, never written: tells the writes a real run would send from those it already sent. */
  readonly ledger: EffectsLedger;
  readonly logger: RuntimeLogger;
}

export interface DryRunOptions {
  /** Read at most this many records. */
  readonly limit?: number;
  /** Read from the start instead of the tenant's cursor. */
  readonly fromStart?: boolean;
}

/**
 * A real run that writes nothing: it reads the source from the tenant's cursor with the tenant's
 * settings, evaluates the rules, runs read-only operations (`readOnly: true`) for real and refuses
 * every other operation, answering with its first example so the next steps can be shown too. It
 * moves no cursor, claims nothing in the effects ledger, opens no dead letter and records no run;
 * a write the ledger has committed before is shown as such, since a real run would not repeat it.
 */
export async function dryRun(deps: DryRunDeps, options: DryRunOptions = {}): Promise<DryRunResult> {
  const { tenant, loaded, connectors } = deps;
  const { plan, packs } = loaded;
  const secrets = secretValues(tenant);
  const abort = new AbortController();
  const contextFor = (connection: string): ConnectorContext<object> => {
    return {
      tenantId: tenant.id,
      settings: connectionSettings(tenant, plan, connection),
      signal: abort.signal,
      logger: connectorLogger(
        deps.logger,
        { tenant: tenant.id, pipeline: plan.id, dryRun: 'true', connection },
        secrets,
      ),
    };
  };
  const stream = connectors.get(plan.source.connector).streams[plan.source.stream];
  if (!stream) throw new Error(`connector ${plan.source.connector} has no stream ${plan.source.stream}`);
  const records: DryRunRecord[] = [];
  let refused = 0;
  const invokeFor = (recordKey: string): InvokeOperation => {
    const entry: DryRunRecord = { key: recordKey, calls: [] };
    records.push(entry);
    return async (step, input, effect) => {
      const operation = connectors.get(step.connector).operations[step.operation];
      if (!operation) throw new Error(`connector ${step.connector} has no operation ${step.operation}`);
      const uses = `${step.connection}.${step.operation}`;
      if (operation.readOnly === true) {
        const output = await operation.run(
          { ...contextFor(step.connection), idempotencyKey: `dry-run:${recordKey}` },
          input,
        );
        entry.calls.push({ step: step.id, uses, kind: 'read', input, output });
        return output;
      }
      // addressed as the effects ledger addresses it (runtime/ledger/as-invoke.ts): a shared effect
      // (a customer card) under the tenant, a keyed one (a forEach element) under its key
      const address = {
        tenant: tenant.id,
        pipeline: plan.id,
        recordKey: effect?.shared ? `shared:${step.id}` : recordKey,
        step: effect?.key === undefined ? step.id : `${step.id}[${effect.key}]`,
      };
      const committed = (await deps.ledger.attempts(address)).find((a) => a.state === 'committed');
      if (committed) {
        entry.calls.push({ step: step.id, uses, kind: 'ledger', input, output: committed.result });
        return committed.result;
      }
      const output = operation.examples[0]?.output ?? {};
      refused++;
      entry.calls.push({ step: step.id, uses, kind: 'refused', input, output });
      return output;
    };
  };
  try {
    const summary = await runPipeline({
      plan,
      engines: createStepEngines(plan, packs, tenant.toggles),
      stream: options.limit === undefined ? stream : limited(stream, options.limit),
      streamContext: contextFor(plan.source.connection),
      params: tenant.params,
      tenant: { id: tenant.id, name: tenant.name },
      readCursor: async () => {
        if (options.fromStart) return undefined;
        const cursor = await deps.cursors.get(tenant.id, plan.id);
        return cursor === undefined ? undefined : String(cursor.value);
      },
      advanceCursor: async () => undefined,
      invokeFor,
      // a failure is shown, never retried: a dry run must not wait for a service to come back
      attemptsOf: async () => Number.POSITIVE_INFINITY,
      deadLetter: async (failure) => {
        let entry = records.find((r) => r.key === failure.recordKey);
        if (!entry) records.push((entry = { key: failure.recordKey, calls: [] }));
        entry.failure = { step: failure.failedStep, message: failure.error.message };
      },
    });
    return redactDeep({ tenant: tenant.id, pipeline: plan.id, summary, records, refused }, secrets);
  } finally {
    abort.abort();
  }
}

/** The stream, stopped after `limit` records. */
function limited(stream: AnyStreamDefinition, limit: number): AnyStreamDefinition {
  return {
    ...stream,
    async *read(ctx, params): AsyncGenerator<StreamPage<unknown>> {
      let taken = 0;
      if (limit <= 0) return;
      for await (const page of stream.read(ctx, params)) {
        const records = page.records.slice(0, limit - taken);
        taken += records.length;
        yield { ...page, records };
        if (taken >= limit) return;
      }
    },
  };
}
