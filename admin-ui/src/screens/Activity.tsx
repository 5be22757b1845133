import { useCallback, useEffect, useState } from 'preact/hooks';
import {
  api,
  enc,
  type DeadLetterView,
  type DryRunResult,
  type RecordTrail,
  type ReplayResult,
  type RunRow,
  type TenantView,
} from '../api.ts';
import { Badge, ErrorText, Loading, Section, Status } from '../components.tsx';
import { formatDate, formatDuration, t } from '../i18n.ts';
import { flowTitle } from './Flows.tsx';

/** "order:63" → "63": people know their order numbers, not Koppla's record keys. */
const shortKey = (key: string) => key.replace(/^order:/, '');

/** "invoice 7" from the API, worded in the reader's language. */
function documentName(document: string | null): string {
  const [kind = '', ...rest] = (document ?? '').split(' ');
  const key = `doc.${kind}`;
  const word = t(key);
  return `${word === key ? kind : word} ${rest.join(' ')}`.trim();
}

const tone = (status: string) =>
  status === 'succeeded' || status === 'resolved'
    ? 'ok'
    : status === 'partial' || status === 'running'
      ? 'warn'
      : 'bad';

/** A failure in plain words: what kind of refusal, at which step, and the service's own message. */
export function failureText(dead: Pick<DeadLetterView, 'error' | 'failedStep'>): string {
  const key = `failure.${dead.error.kind}`;
  const text = t(key, { step: dead.failedStep, message: dead.error.message });
  return text === key ? t('failure.other', { step: dead.failedStep, message: dead.error.message }) : text;
}

export function Activity(props: { tenant: TenantView }) {
  const base = `/tenants/${enc(props.tenant.id)}`;
  const flows = props.tenant.pipelines.filter((p) => p.id !== null);
  const [flow, setFlow] = useState('');
  const [runs, setRuns] = useState<readonly RunRow[] | undefined>();
  const [failures, setFailures] = useState<readonly DeadLetterView[]>([]);
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');
  const [orderKey, setOrderKey] = useState(new URLSearchParams(location.search).get('order') ?? '');
  const [trail, setTrail] = useState<RecordTrail | undefined>();

  const load = useCallback(async () => {
    const query = flow ? `?pipeline=${enc(flow)}` : '';
    try {
      const [activity, dead] = await Promise.all([
        api.get<{ runs: RunRow[] }>(`${base}/activity${query}`),
        api.get<{ deadLetters: DeadLetterView[] }>(
          `${base}/dead-letters${query ? `${query}&` : '?'}status=open`,
        ),
      ]);
      setRuns(activity.runs);
      setFailures(dead.deadLetters);
    } catch (e) {
      setError(e);
    }
  }, [base, flow]);
  useEffect(() => void load(), [load]);

  const openTrail = async (key: string) => {
    setOrderKey(shortKey(key));
    setError(undefined);
    try {
      setTrail(await api.get<RecordTrail>(`${base}/records?key=${enc(key)}`));
      history.replaceState(null, '', `${location.pathname}?order=${enc(key)}`);
      requestAnimationFrame(() => document.getElementById('trail')?.focus());
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    if (orderKey) void openTrail(orderKey);
  }, []);

  const replay = async (path: string) => {
    setError(undefined);
    setMessage('');
    try {
      const result = await api.post<ReplayResult>(path);
      setMessage(t('activity.replayed', { resolved: result.resolved, failed: result.failed }));
      await load();
      if (trail) await openTrail(trail.key);
    } catch (e) {
      setError(e);
    }
  };

  // a hand-off done outside Koppla (credited in Fortnox by hand): closed without running it again
  const resolve = async (id: string, key: string) => {
    setError(undefined);
    setMessage('');
    try {
      await api.post(`${base}/dead-letters/${enc(id)}/resolve`);
      setMessage(t('activity.resolvedByHand', { key: shortKey(key) }));
      await load();
      if (trail) await openTrail(trail.key);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <>
      <div class="inline">
        <label for="flow-filter">{t('activity.flow')}</label>
        <select
          id="flow-filter"
          value={flow}
          onChange={(e) => setFlow((e.currentTarget as HTMLSelectElement).value)}
        >
          <option value="">{t('activity.allFlows')}</option>
          {flows.map((p) => (
            <option key={p.id} value={p.id!}>
              {flowTitle(p.id, p.title)}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => void load()}>
          {t('common.refresh')}
        </button>
      </div>
      <div aria-live="polite">
        {message && <Status>{message}</Status>}
        <ErrorText error={error} />
      </div>

      <Section title={t('activity.failures')}>
        {failures.length === 0 ? (
          <p data-testid="no-failures">{t('activity.noFailures')}</p>
        ) : (
          <>
            <ul class="failures" data-testid="failures">
              {failures.map((dead) => (
                <li key={dead.id}>
                  <p>
                    <strong>{t('activity.record', { key: shortKey(dead.recordKey) })}</strong> ·{' '}
                    {flowTitle(dead.pipeline, dead.pipeline)} · {formatDate(dead.lastFailedAt)}
                  </p>
                  <p>{failureText(dead)}</p>
                  <p class="muted small">
                    {t('activity.attempts', { n: dead.attempts, replays: dead.replays })} ·{' '}
                    <code>
                      {dead.position.file}:{dead.position.line}
                    </code>
                  </p>
                  <div class="buttons">
                    <button type="button" onClick={() => void openTrail(dead.recordKey)}>
                      {t('activity.open', { key: shortKey(dead.recordKey) })}
                    </button>
                    <button type="button" onClick={() => void replay(`/dead-letters/${enc(dead.id)}/replay`)}>
                      {t('activity.replay', { key: shortKey(dead.recordKey) })}
                    </button>
                    <button type="button" onClick={() => void resolve(dead.id, dead.recordKey)}>
                      {t('activity.resolve', { key: shortKey(dead.recordKey) })}
                    </button>
                  </div>
                </li>
              ))}
            </ul>
            <button
              type="button"
              class="primary"
              onClick={() => void replay(`${base}/replay${flow ? `?pipeline=${enc(flow)}` : ''}`)}
            >
              {t('activity.replayAll', { n: failures.length })}
            </button>
          </>
        )}
      </Section>

      <Section title={t('activity.order')}>
        <form
          class="inline"
          onSubmit={(event) => {
            event.preventDefault();
            if (orderKey.trim()) void openTrail(orderKey.trim());
          }}
        >
          <label for="order-key">{t('activity.orderKey')}</label>
          <input
            id="order-key"
            value={orderKey}
            onInput={(e) => setOrderKey((e.currentTarget as HTMLInputElement).value)}
          />
          <button type="submit">{t('activity.show')}</button>
        </form>
        {trail && <Trail trail={trail} />}
      </Section>

      <Section title={t('activity.runs')}>
        {!runs ? (
          <Loading />
        ) : runs.length === 0 ? (
          <p>{t('activity.noRuns')}</p>
        ) : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('activity.runs')}>
            <table data-testid="runs">
              <thead>
                <tr>
                  <th scope="col">{t('activity.started')}</th>
                  <th scope="col">{t('activity.flow')}</th>
                  <th scope="col">{t('activity.status')}</th>
                  <th scope="col">{t('activity.read')}</th>
                  <th scope="col">{t('activity.processed')}</th>
                  <th scope="col">{t('activity.skipped')}</th>
                  <th scope="col">{t('activity.failed')}</th>
                  <th scope="col">{t('activity.duration')}</th>
                  <th scope="col">{t('activity.apiCalls')}</th>
                </tr>
              </thead>
              <tbody>
                {runs.map((run) => (
                  <tr key={run.id}>
                    <td>{formatDate(run.startedAt)}</td>
                    <td>
                      {flowTitle(run.pipeline, run.pipeline)}{' '}
                      <span class="muted small">({t(`trigger.${run.trigger}`)})</span>
                    </td>
                    <td>
                      <Badge tone={tone(run.status)}>{t(`status.${run.status}`)}</Badge>
                      {run.error && <div class="small">{run.error}</div>}
                    </td>
                    <td>{run.counts.read ?? 0}</td>
                    <td>{run.counts.processed ?? 0}</td>
                    <td>{run.counts.skipped ?? 0}</td>
                    <td>{run.counts.failed ?? 0}</td>
                    <td>{formatDuration(run.durationMs)}</td>
                    <td data-testid="run-calls">
                      <ApiCalls run={run} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>

      <DryRun tenant={props.tenant} />
    </>
  );
}

/** A run's API calls per service ("Fortnox: 12"), the details on hover; older runs: their writes. */
function ApiCalls(props: { run: RunRow }) {
  const { run } = props;
  // a run keeps its counts when it ends
  if (run.status === 'running' && run.calls.length === 0) return <>–</>;
  if (run.apiCallsFrom === 'writes' || run.calls.length === 0)
    return <span title={t('activity.writesOnlyHint')}>{t('activity.writesOnly', { n: run.writes })}</span>;
  return (
    <ul class="plain small">
      {run.calls.map((c) => {
        const service = connectorName(c.connector, c.connection);
        return (
          <li
            key={c.connection}
            title={t('activity.callsDetail', {
              service,
              requests: c.requests,
              operations: c.operations,
              pages: c.pages,
              time: formatDuration(c.ms),
            })}
          >
            {t('activity.callsOf', { service, n: c.requests })}
          </li>
        );
      })}
    </ul>
  );
}

/** "Fortnox", "WooCommerce"; a connection of another connector by its own name. */
function connectorName(connector: string | null, connection: string): string {
  const key = `connector.${connector ?? ''}`;
  const word = t(key);
  return word === key ? connection : word;
}

/** Where the shown rule trace comes from: the run that kept it, or the order's failure. */
function TraceSource(props: { entry: RecordTrail['pipelines'][number] }) {
  const { entry } = props;
  const run = entry.traceRun;
  if (entry.traceFrom === 'run' && run)
    return (
      <p class="muted small">
        {t('trail.traceFromRun', {
          at: formatDate(run.at),
          status: t(`trail.recordStatus.${run.status}`),
        })}
      </p>
    );
  return (
    <>
      {run && entry.traceTruncated !== null && (
        <p class="muted small">
          {t('trail.traceTruncated', {
            at: formatDate(run.at),
            kb: Math.ceil(entry.traceTruncated / 1024),
          })}
        </p>
      )}
      {entry.traceFrom === 'failure' && <p class="muted small">{t('trail.traceFromFailure')}</p>}
    </>
  );
}

function Trail(props: { trail: RecordTrail }) {
  const { trail } = props;
  if (trail.pipelines.length === 0)
    return (
      <p id="trail" tabIndex={-1} data-testid="trail">
        {t('trail.nothing', { key: shortKey(trail.key) })}
      </p>
    );
  return (
    <div id="trail" tabIndex={-1} data-testid="trail">
      {trail.pipelines.map((entry) => {
        const record = (entry.record ?? {}) as Record<string, unknown>;
        const open = entry.deadLetters.find((d) => d.status === 'open');
        const documents = entry.effects.filter((e) => e.state === 'committed' && e.document);
        const retries = entry.effects.filter((e) => e.attempt > 1 || e.state === 'failed');
        return (
          <article key={entry.pipeline} class="trail">
            <h3>
              {t('trail.title', {
                key: shortKey(trail.key),
                flow: flowTitle(entry.pipeline, entry.pipeline),
              })}{' '}
              <Badge tone={open ? 'bad' : 'ok'}>{open ? t('trail.failed') : t('trail.done')}</Badge>
            </h3>
            {open && <p class="notice error">{failureText(open)}</p>}
            {entry.record !== null && (
              <>
                <h4>{t('trail.order')}</h4>
                <OrderSummary record={record} />
              </>
            )}
            <h4>{t('trail.documents')}</h4>
            {documents.length === 0 ? (
              <p class="muted">{t('trail.noDocuments')}</p>
            ) : (
              <ul data-testid="documents">
                {documents.map((e) => (
                  <li key={`${e.step}-${e.attempt}`}>
                    {e.link ? (
                      <a href={e.link} target="_blank" rel="noopener noreferrer">
                        {documentName(e.document)}
                      </a>
                    ) : (
                      documentName(e.document)
                    )}{' '}
                    <span class="muted small">
                      ({e.step}, {formatDate(e.at)})
                    </span>
                  </li>
                ))}
              </ul>
            )}
            {retries.length > 0 && (
              <>
                <h4>{t('trail.retries')}</h4>
                <ul>
                  {retries.map((e) => (
                    <li key={`${e.step}-${e.attempt}-r`}>
                      {t('trail.attempt', { step: e.step, n: e.attempt, state: t(`effect.${e.state}`) })}
                      {e.error && <span class="small"> — {e.error}</span>}
                    </li>
                  ))}
                </ul>
              </>
            )}
            {entry.trace !== null ? (
              <details data-testid="trace">
                <summary>{t('trail.trace')}</summary>
                <TraceSource entry={entry} />
                <RuleTrace trace={entry.trace} />
                {entry.decisions !== null && (
                  <>
                    <h4>{t('trail.decisions')}</h4>
                    <pre class="json">{JSON.stringify(entry.decisions, null, 2)}</pre>
                  </>
                )}
              </details>
            ) : (
              <TraceSource entry={entry} />
            )}
          </article>
        );
      })}
    </div>
  );
}

function OrderSummary(props: { record: Record<string, unknown> }) {
  const r = props.record;
  const customer = (r.customer ?? {}) as Record<string, unknown>;
  const totals = (r.totals ?? {}) as Record<string, unknown>;
  const lines = (Array.isArray(r.lines) ? r.lines : []) as Record<string, unknown>[];
  return (
    <dl class="facts">
      <dt>{t('trail.number')}</dt>
      <dd>{String(r.number ?? r.id ?? '')}</dd>
      <dt>{t('trail.customer')}</dt>
      <dd>{String(customer.name ?? customer.email ?? '')}</dd>
      <dt>{t('trail.total')}</dt>
      <dd>
        {String(totals.total ?? '')} {String(r.currency ?? '')}
      </dd>
      <dt>{t('trail.lines')}</dt>
      <dd>
        {lines
          .map((l) => `${String(l.quantity ?? '')} × ${String(l.sku ?? l.name ?? l.kind ?? '')}`)
          .join(', ')}
      </dd>
    </dl>
  );
}

/** The rule trace as a list: which pack and rule decided what, and where it is written. */
function RuleTrace(props: { trace: unknown }) {
  const rows: string[] = [];
  const walk = (value: unknown, depth: number) => {
    if (depth > 6 || rows.length > 200) return;
    if (Array.isArray(value)) return value.forEach((v) => walk(v, depth + 1));
    if (typeof value !== 'object' || value === null) return;
    const v = value as Record<string, unknown>;
    const rule = v.rule ?? v.ruleId ?? v.matched;
    if (typeof rule === 'string' || (Array.isArray(rule) && rule.length > 0)) {
      rows.push(
        [
          v.pack,
          Array.isArray(rule) ? rule.join(', ') : rule,
          v.at ?? v.position,
          v.output ? JSON.stringify(v.output) : '',
        ]
          .filter((x) => x !== undefined && x !== '')
          .map(String)
          .join(' · '),
      );
    }
    for (const member of Object.values(v)) walk(member, depth + 1);
  };
  walk(props.trace, 0);
  return rows.length > 0 ? (
    <ol class="trace">
      {rows.map((row, i) => (
        <li key={i}>{row}</li>
      ))}
    </ol>
  ) : (
    <pre class="json">{JSON.stringify(props.trace, null, 2)}</pre>
  );
}

function DryRun(props: { tenant: TenantView }) {
  const flows = props.tenant.pipelines.filter((p) => p.id !== null);
  const [flow, setFlow] = useState(flows[0]?.id ?? '');
  const [fromStart, setFromStart] = useState(true);
  const [result, setResult] = useState<DryRunResult | undefined>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async () => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(
        await api.post<DryRunResult>(`/tenants/${enc(props.tenant.id)}/pipelines/${enc(flow)}/dry-run`, {
          fromStart,
          limit: 20,
        }),
      );
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Section title={t('dryRun.title')}>
      <p class="muted">{t('dryRun.intro')}</p>
      <div class="inline">
        <label for="dry-flow">{t('activity.flow')}</label>
        <select
          id="dry-flow"
          value={flow}
          onChange={(e) => setFlow((e.currentTarget as HTMLSelectElement).value)}
        >
          {flows.map((p) => (
            <option key={p.id} value={p.id!}>
              {flowTitle(p.id, p.title)}
            </option>
          ))}
        </select>
        <label class="check">
          <input
            type="checkbox"
            checked={fromStart}
            onChange={(e) => setFromStart((e.currentTarget as HTMLInputElement).checked)}
          />
          {t('dryRun.fromStart')}
        </label>
        <button type="button" class="primary" onClick={() => void run()} disabled={busy || !flow}>
          {busy ? t('dryRun.running') : t('dryRun.run')}
        </button>
      </div>
      <ErrorText error={error} />
      {result && (
        <div aria-live="polite" data-testid="dry-run">
          <p role="status">
            {t('dryRun.summary', {
              read: result.summary.read ?? 0,
              processed: result.summary.processed ?? 0,
              failed: result.summary.failed ?? 0,
              refused: result.refused,
            })}
          </p>
          {result.records.map((record) => (
            <details key={record.key} class="dry-record">
              <summary>
                {t('activity.record', { key: shortKey(record.key) })}
                {record.failure
                  ? ` — ${t('dryRun.failedAt', { step: record.failure.step, message: record.failure.message })}`
                  : ''}
              </summary>
              {record.calls
                .filter((c) => c.kind !== 'read')
                .map((c, i) => (
                  <div key={i}>
                    <p class="small">
                      <strong>{c.step}</strong> → {c.uses}: {t(`dryRun.kind.${c.kind}`)}
                    </p>
                    <pre class="json">{JSON.stringify(c.input, null, 2)}</pre>
                  </div>
                ))}
            </details>
          ))}
        </div>
      )}
    </Section>
  );
}
