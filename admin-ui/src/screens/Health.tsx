import { useEffect, useState } from 'preact/hooks';
import { api, enc, type Health, type TenantView } from '../api.ts';
import { Badge, ErrorText, Loading, Section } from '../components.tsx';
import { formatDate, noticeText, t } from '../i18n.ts';
import { flowTitle } from './Flows.tsx';

export function HealthScreen(props: { tenant: TenantView }) {
  const [health, setHealth] = useState<Health | undefined>();
  const [error, setError] = useState<unknown>();
  const load = () =>
    api.get<Health>(`/tenants/${enc(props.tenant.id)}/health`).then((h) => {
      setHealth(h);
      setError(undefined);
    }, setError);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 30_000);
    return () => clearInterval(timer);
  }, [props.tenant.id]);
  if (!health)
    return (
      <>
        <ErrorText error={error} />
        <Loading />
      </>
    );
  return (
    <>
      <ErrorText error={error} />
      <Section title={t('health.connections')}>
        <ul class="plain" data-testid="health-connections">
          {health.connections.map((c) => (
            <li key={c.connection}>
              <Badge tone={c.ok ? 'ok' : 'bad'}>{c.ok ? t('health.ok') : t('health.down')}</Badge>{' '}
              <strong>{t(`connector.${c.connector ?? 'unknown'}`)}</strong>
              {c.account && <> · {c.account}</>}
              {c.problem && <> · {noticeText({ code: c.problem, message: c.problem })}</>}
            </li>
          ))}
        </ul>
      </Section>
      <Section title={t('health.flows')}>
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('health.flows')}>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('activity.flow')}</th>
                <th scope="col">{t('health.state')}</th>
                <th scope="col">{t('health.lastSuccess')}</th>
                <th scope="col">{t('health.lastRun')}</th>
                <th scope="col">{t('health.open')}</th>
              </tr>
            </thead>
            <tbody>
              {health.pipelines.map((p) => (
                <tr key={p.pipeline}>
                  <td>{flowTitle(p.pipeline, p.pipeline)}</td>
                  <td>{p.enabled ? t('health.on') : t('health.off')}</td>
                  <td>{formatDate(p.lastSuccessAt)}</td>
                  <td>
                    {formatDate(p.lastRunAt)}{' '}
                    {p.lastStatus && <span class="muted small">({t(`status.${p.lastStatus}`)})</span>}
                  </td>
                  <td>{p.openDeadLetters}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
      <Section title={t('health.queue')}>
        <p>{t('health.queueText', { due: health.queue.due, running: health.queue.running })}</p>
      </Section>
      <Section title={t('health.rate')}>
        {health.rateLimits.length === 0 ? (
          <p class="muted">{t('health.noRate')}</p>
        ) : (
          health.rateLimits.map((r) => (
            <div key={r.connection} class="field">
              <label for={`rate-${r.connection}`}>
                {t('health.rateText', { used: r.used, limit: r.limit, seconds: r.windowMs / 1000 })}
              </label>
              <meter id={`rate-${r.connection}`} min={0} max={r.limit} value={r.used} high={r.limit * 0.8}>
                {r.used}/{r.limit}
              </meter>
            </div>
          ))
        )}
      </Section>
    </>
  );
}
