import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, enc, type Change, type PackView, type TenantView } from '../api.ts';
import { ErrorText, Loading, Section, Switch } from '../components.tsx';
import { formatDate, t } from '../i18n.ts';
import { ParamsEditor } from '../params.tsx';

export function Rules(props: { tenant: TenantView }) {
  const [packs, setPacks] = useState<readonly PackView[] | undefined>();
  const [changes, setChanges] = useState<readonly Change[]>([]);
  const [error, setError] = useState<unknown>();
  const base = `/tenants/${enc(props.tenant.id)}`;

  const load = useCallback(async () => {
    try {
      const [toggles, log] = await Promise.all([
        api.get<{ packs: PackView[] }>(`${base}/toggles`),
        api.get<{ changes: Change[] }>(`${base}/changes`),
      ]);
      setPacks(toggles.packs);
      setChanges(log.changes);
    } catch (e) {
      setError(e);
    }
  }, [base]);
  useEffect(() => void load(), [load]);

  const toggle = async (body: unknown) => {
    setError(undefined);
    try {
      const answer = await api.patch<{ packs: PackView[] }>(`${base}/toggles`, body);
      setPacks(answer.packs);
      setChanges((await api.get<{ changes: Change[] }>(`${base}/changes`)).changes);
    } catch (e) {
      setError(e);
    }
  };

  if (!packs)
    return (
      <>
        <ErrorText error={error} />
        <Loading />
      </>
    );
  return (
    <>
      <p class="muted">{t('rules.intro')}</p>
      <ErrorText error={error} />
      {packs.map((pack) => (
        <Section key={pack.id} title={pack.title ?? pack.id}>
          <p class="muted small">
            {t('rules.packMeta', { id: pack.id, version: pack.version, flows: pack.pipelines.join(', ') })}
          </p>
          {pack.description && <p>{pack.description}</p>}
          <Switch
            label={t('rules.packOn', { pack: pack.title ?? pack.id })}
            checked={pack.enabled}
            testId={`pack-${pack.id}`}
            onChange={(on) => void toggle({ packs: { [pack.id]: on === pack.default ? null : on } })}
          />
          <details>
            <summary>{t('rules.rules', { n: pack.rules.length })}</summary>
            <ul class="rules">
              {pack.rules.map((rule) => (
                <li key={rule.key}>
                  <Switch
                    label={rule.id}
                    description={rule.description}
                    checked={rule.enabled}
                    disabled={!pack.enabled}
                    testId={`rule-${rule.key}`}
                    onChange={(on) => void toggle({ rules: { [rule.key]: on === rule.default ? null : on } })}
                  />
                </li>
              ))}
            </ul>
          </details>
          {pack.paramsSchema && (
            <details>
              <summary>{t('rules.params')}</summary>
              <ParamsEditor tenant={props.tenant.id} pack={pack} onSaved={() => void load()} />
            </details>
          )}
        </Section>
      ))}
      <Section title={t('rules.changes')}>
        {changes.length === 0 ? (
          <p class="muted">{t('rules.noChanges')}</p>
        ) : (
          <ul class="changes" data-testid="changes">
            {changes.map((change) => (
              <li key={change.revision}>
                <strong>{formatDate(change.at)}</strong> · {t('rules.by', { who: change.by })}
                <ul>
                  {change.what.map((w) => (
                    <li key={w.path}>
                      <code>{w.path}</code>: {JSON.stringify(w.before ?? null)} →{' '}
                      {JSON.stringify(w.after ?? null)}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </Section>
    </>
  );
}
