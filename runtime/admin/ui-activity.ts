import type { Db } from 'mongodb';
import type { DeadLetter, DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import type { RecordTrace } from '../executor/run-trace.ts';
import type { EffectAttempt, EffectsLedger } from '../ledger/effects-ledger.ts';
import { COLLECTIONS } from '../store/collections.ts';
import { fromStoredJson } from '../store/stored-json.ts';
import type { RunStore } from '../store/index.ts';
import type { Tenant } from '../tenants/tenant.ts';
import type { TenantAdmin } from './tenant-admin.ts';

/** What a tenant's switched-on rules and pipelines need of Fortnox, for the connection warnings. */
export interface TenantPackRefs {
  /** Every account number a switched-on rule or a param books on. */
  readonly accounts: readonly string[];
  /** Of those, the sales accounts (3xxx): each needs a VAT code in Fortnox. */
  readonly vatAccounts: readonly string[];
  /** Currencies the shop's orders come in (as far as Koppla has seen them). */
  readonly currencies: readonly string[];
  /** The tenant runs the stock flow. */
  readonly stockFlow: boolean;
}

const ACCOUNT = /^\d{4}$/;

/** Account numbers under any key that names an account, anywhere in `value`. */
function collectAccounts(value: unknown, into: Set<string>, underAccountKey = false): void {
  if (typeof value === 'string') {
    if (underAccountKey && ACCOUNT.test(value)) into.add(value);
    return;
  }
  if (typeof value === 'number') {
    if (underAccountKey && ACCOUNT.test(String(value))) into.add(String(value));
    return;
  }
  if (Array.isArray(value)) {
    for (const item of value) collectAccounts(item, into, underAccountKey);
    return;
  }
  if (typeof value === 'object' && value !== null)
    for (const [key, member] of Object.entries(value))
      collectAccounts(member, into, underAccountKey || /account/i.test(key));
}

export function packRefsOf(
  tenant: Tenant,
  admin: TenantAdmin,
  deadLetters: readonly DeadLetter[],
): TenantPackRefs {
  const accounts = new Set<string>();
  let stockFlow = false;
  for (const entry of tenant.pipelines) {
    let loaded;
    try {
      loaded = admin.pipelineOf(tenant, entry.file);
    } catch {
      continue;
    }
    if (!entry.enabled) continue;
    if (loaded.plan.id.includes('stock')) stockFlow = true;
    for (const use of loaded.plan.packs) {
      const pack = loaded.packs.get(use.reference);
      if (!pack) continue;
      if (!(tenant.toggles.packs[pack.id] ?? use.enabled)) continue;
      for (const rule of pack.rules)
        if (tenant.toggles.rules[rule.key] ?? rule.enabled) collectAccounts(rule.then, accounts);
      collectAccounts(use.params, accounts);
      collectAccounts(tenant.params[pack.id], accounts);
    }
  }
  const currencies = new Set<string>();
  for (const connection of Object.values(tenant.connections)) {
    const currency = connection.settings.currency;
    if (typeof currency === 'string' && /^[A-Z]{3}$/.test(currency)) currencies.add(currency);
  }
  for (const dead of deadLetters) {
    const currency = (dead.record as { currency?: unknown } | undefined)?.currency;
    if (typeof currency === 'string' && /^[A-Z]{3}$/i.test(currency)) currencies.add(currency.toUpperCase());
  }
  const sorted = [...accounts].sort();
  return {
    accounts: sorted,
    vatAccounts: sorted.filter((a) => a.startsWith('3')),
    currencies: [...currencies].sort(),
    stockFlow,
  };
}

/** What a run spent on one connection, as the Activity screen shows it. */
export interface RunCallsView {
  readonly connection: string;
  /** The connection's connector (`fortnox`, `woocommerce`), or null when the tenant no longer has it. */
  readonly connector: string | null;
  readonly requests: number;
  readonly operations: number;
  readonly pages: number;
  readonly ms: number;
}

/**
 * Runs with the API calls each made: per connection the HTTP requests the run recorded
 * (`RunTraceCollector`). A run stored before runs kept them counts the writes the effects ledger has
 * of it (its attempts carry the run's id), so older runs still show something.
 */
export async function activityOf(
  db: Db,
  runs: RunStore,
  tenant: string,
  query: {
    readonly pipeline?: string;
    readonly limit: number;
    /** Connection name → connector id, to name each connection's service. */
    readonly connectors?: Readonly<Record<string, string>>;
  },
) {
  const list = await runs.list({
    tenant,
    ...(query.pipeline ? { pipeline: query.pipeline } : {}),
    limit: query.limit,
  });
  const ids = list.map((r) => r.id);
  const writes = new Map<string, number>();
  if (ids.length > 0) {
    const attempts = await db
      .collection<{ runId?: string }>(COLLECTIONS.effects)
      .find({ tenant, runId: { $in: ids } }, { projection: { runId: 1 } })
      .toArray();
    for (const attempt of attempts)
      if (attempt.runId) writes.set(attempt.runId, (writes.get(attempt.runId) ?? 0) + 1);
  }
  return {
    runs: list.map((run) => {
      const calls: RunCallsView[] = Object.entries(run.calls ?? {})
        .map(([connection, usage]) => ({
          connection,
          connector: query.connectors?.[connection] ?? null,
          requests: usage.requests,
          operations: usage.operations,
          pages: usage.pages,
          ms: usage.ms,
        }))
        .sort((a, b) => a.connection.localeCompare(b.connection));
      return {
        id: run.id,
        pipeline: run.pipeline,
        trigger: run.trigger,
        status: run.status,
        startedAt: run.startedAt,
        durationMs: run.durationMs ?? null,
        counts: run.counts,
        apiCalls: run.calls ? calls.reduce((sum, c) => sum + c.requests, 0) : (writes.get(run.id) ?? 0),
        apiCallsFrom: run.calls ? 'requests' : 'writes',
        writes: writes.get(run.id) ?? 0,
        calls,
        error: run.error?.message ?? null,
      };
    }),
  };
}

/** Runs of a pipeline searched for a record's kept rule trace: about the runs' retention per pipeline. */
const TRACE_RUNS = 50;

/** A record's rule trace as the newest run that kept it has it (`RunTraceCollector.record`). */
export interface KeptTrace {
  readonly runId: string;
  readonly at: Date;
  readonly status: string;
  readonly trace: unknown;
  readonly decisions: unknown;
  readonly steps: readonly unknown[];
  /** The trace was too large to keep: its size in bytes. */
  readonly truncated: number | null;
}

/**
 * The newest kept trace of `key` in a pipeline's last runs. Runs keep traces as one JSON text, so
 * the text is searched before it is parsed: a run that never saw the record costs no parse.
 */
export async function keptTraceOf(
  db: Db,
  tenant: string,
  pipeline: string,
  key: string,
): Promise<KeptTrace | undefined> {
  const needle = JSON.stringify(key);
  const documents = await db
    .collection<{ _id: string; traces?: string; startedAt: Date; finishedAt?: Date }>(COLLECTIONS.runs)
    .find(
      { tenant, pipeline, traces: { $exists: true } },
      { projection: { traces: 1, startedAt: 1, finishedAt: 1 } },
    )
    .sort({ startedAt: -1, _id: -1 })
    .limit(TRACE_RUNS)
    .toArray();
  for (const document of documents) {
    if (!document.traces?.includes(needle)) continue;
    const traces = fromStoredJson(document.traces);
    if (!Array.isArray(traces)) continue;
    // the record's last trace in that run (a retried record may appear twice)
    const found = (traces as Partial<RecordTrace>[]).findLast((t) => t?.key === key);
    if (!found) continue;
    return {
      runId: document._id,
      at: document.finishedAt ?? document.startedAt,
      status: String(found.status ?? ''),
      trace: found.trace ?? null,
      decisions: found.decisions ?? null,
      steps: found.steps ?? [],
      truncated: found.truncated ?? null,
    };
  }
  return undefined;
}

/** "invoice 1001" from what the service answered, and its address when it has one. */
function documentOf(attempt: EffectAttempt): { document: string | null; link: string | null } {
  const result = attempt.result as Record<string, unknown> | undefined;
  const inner =
    result && typeof result === 'object'
      ? ((Object.values(result).find((v) => typeof v === 'object' && v !== null && '@url' in v) as
          Record<string, unknown> | undefined) ?? result)
      : undefined;
  // `ledger.orders.createInvoice` → "invoice", `ledger.invoicePayments.create` → "payment"
  const [resource = '', action = ''] = attempt.operation.split('.').slice(-2);
  const kind = /invoice$/i.test(action)
    ? 'invoice'
    : resource
        .replace(/^invoicePayments$/, 'payments')
        .replace(/s$/, '')
        .toLowerCase();
  const number =
    inner?.DocumentNumber ??
    inner?.CustomerNumber ??
    inner?.Number ??
    inner?.id ??
    attempt.remoteId ??
    undefined;
  const url = inner?.['@url'];
  return {
    document: number === undefined ? null : `${kind} ${String(number)}`,
    link: typeof url === 'string' && /^https?:\/\//.test(url) ? url : null,
  };
}

/** One pipeline's part of a record's audit trail. */
export interface TrailEntry {
  readonly pipeline: string;
  readonly record: unknown;
  /** The rule trace: the newest run's that kept it, else the one its dead letter kept, else null. */
  readonly trace: unknown;
  /** What the trace's run decided (accounts, VAT codes, …), when a run kept the trace. */
  readonly decisions: unknown;
  /** Where the trace comes from: a run that kept it, the record's failure, or nowhere. */
  readonly traceFrom: 'run' | 'failure' | null;
  /** The run whose trace it is, with the record's status in it. */
  readonly traceRun: { readonly id: string; readonly at: Date; readonly status: string } | null;
  /** A run kept the record without its rule trace, which was this many bytes. */
  readonly traceTruncated: number | null;
  readonly effects: readonly Record<string, unknown>[];
  readonly deadLetters: readonly Record<string, unknown>[];
}

/** One record's audit trail in every pipeline that handled it. */
export async function recordTrail(
  deps: { readonly db: Db; readonly ledger: EffectsLedger; readonly deadLetters: DeadLetterStore },
  tenant: Tenant,
  pipelines: readonly string[],
  key: string,
): Promise<{ tenant: string; key: string; pipelines: TrailEntry[] }> {
  // "63" finds the record "order:63": people know their order numbers, not Koppla's record keys
  if (!key.includes(':')) {
    const plain = await recordTrail(deps, tenant, pipelines, `order:${key}`);
    if (plain.pipelines.length > 0) return plain;
  }
  const result: TrailEntry[] = [];
  for (const pipeline of pipelines) {
    const [effects, dead, kept] = await Promise.all([
      deps.ledger.forRecord(tenant.id, pipeline, key),
      deps.deadLetters.list({ tenant: tenant.id, pipeline, limit: 500 }),
      keptTraceOf(deps.db, tenant.id, pipeline, key),
    ]);
    const mine = dead.filter((d) => d.recordKey === key);
    if (effects.length === 0 && mine.length === 0 && !kept) continue;
    const latest = mine[0];
    // a run's trace is the newest word on the record (a replay that went through keeps one too);
    // a trace that was too large to keep leaves the failure's, if there is one
    const runTrace = kept && kept.truncated === null ? kept.trace : null;
    const failureTrace = latest?.trace ?? null;
    result.push({
      pipeline,
      record: latest?.record ?? null,
      trace: runTrace ?? failureTrace,
      decisions: runTrace === null ? null : kept!.decisions,
      traceFrom: runTrace !== null ? 'run' : failureTrace !== null ? 'failure' : null,
      traceRun: kept ? { id: kept.runId, at: kept.at, status: kept.status } : null,
      traceTruncated: kept?.truncated ?? null,
      effects: effects
        .slice()
        .sort((a, b) => a.claimedAt.getTime() - b.claimedAt.getTime())
        .map((attempt) => ({
          step: attempt.step,
          operation: attempt.operation,
          attempt: attempt.attempt,
          state: attempt.state,
          at: attempt.committedAt ?? attempt.failedAt ?? attempt.claimedAt,
          remoteId: attempt.remoteId ?? null,
          ...(attempt.state === 'committed' ? documentOf(attempt) : { document: null, link: null }),
          error: attempt.error?.message ?? null,
          runId: attempt.runId ?? null,
        })),
      deadLetters: mine.map((d) => ({
        ...d,
        runId: d.runId ?? null,
        replayedAt: d.replayedAt ?? null,
        resolvedAt: d.resolvedAt ?? null,
        resolution: d.resolution ?? null,
      })),
    });
  }
  return { tenant: tenant.id, key, pipelines: result };
}

/** Requests in the shared budget's window now, per Fortnox connection of the tenant. */
export async function rateUse(db: Db, tenant: Tenant, fortnoxConnections: readonly string[]) {
  const out = [];
  for (const connection of fortnoxConnections) {
    const clientId = tenant.connections[connection]?.settings.clientId;
    if (typeof clientId !== 'string') continue;
    const used = await db
      .collection(COLLECTIONS.rateEvents)
      .countDocuments({ key: `fortnox:${clientId}:${tenant.id}`, until: { $gt: new Date() } });
    out.push({ connection, used: Math.min(used, 25), limit: 25, windowMs: 5000 });
  }
  return out;
}

/** Runs due and waiting, and running, in Agenda for this tenant. */
export async function queueDepth(db: Db, tenant: string) {
  const jobs = db.collection<{ nextRunAt?: Date | null; lockedAt?: Date | null }>('agendaJobs');
  const [due, running] = await Promise.all([
    jobs.countDocuments({ 'data.tenant': tenant, nextRunAt: { $lte: new Date() }, lockedAt: null }),
    jobs.countDocuments({ 'data.tenant': tenant, lockedAt: { $ne: null } }),
  ]);
  return { due, running };
}

interface RevisionDocument {
  tenant: string;
  revision: number;
  spec: string;
  secrets: { connection: string; key: string; sealed: unknown }[];
  at: Date;
  by: string;
}

/** The stored revisions, each with what it changed against the one before (secrets: only that they did). */
export async function changesOf(db: Db, tenant: string) {
  const revisions = await db
    .collection<RevisionDocument>(COLLECTIONS.tenantRevisions)
    .find({ tenant })
    .sort({ revision: -1 })
    .limit(21)
    .toArray();
  const changes = [];
  for (let i = 0; i < Math.min(revisions.length, 20); i++) {
    const current = revisions[i]!;
    const previous = revisions[i + 1];
    const what = diff(previous ? fromStoredJson(previous.spec) : {}, fromStoredJson(current.spec), '');
    const before = new Map(
      (previous?.secrets ?? []).map((s) => [`${s.connection}.${s.key}`, JSON.stringify(s.sealed)]),
    );
    for (const secret of current.secrets) {
      const path = `connections.${secret.connection}.secrets.${secret.key}`;
      if (before.get(`${secret.connection}.${secret.key}`) !== JSON.stringify(secret.sealed))
        what.push({ path, before: '…', after: '(changed)' });
      before.delete(`${secret.connection}.${secret.key}`);
    }
    for (const gone of before.keys())
      what.push({ path: `connections.${gone.replace('.', '.secrets.')}`, before: '…', after: null });
    changes.push({ revision: current.revision, at: current.at, by: current.by, what });
  }
  return { changes };
}

function diff(
  before: unknown,
  after: unknown,
  path: string,
): { path: string; before: unknown; after: unknown }[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  // a map that appears or goes is shown key by key, like one that changes
  if (
    (isObject(before) || isObject(after)) &&
    (isObject(before) || before == null) &&
    (isObject(after) || after == null)
  ) {
    before = before ?? {};
    after = after ?? {};
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
    return keys.flatMap((key) => diff(b[key], a[key], path ? `${path}.${key}` : key));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before: before ?? null, after: after ?? null }];
}
