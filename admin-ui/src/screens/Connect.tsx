import { useEffect, useState } from 'preact/hooks';
import { api, enc, type ConnectionCheck, type ConnectionView, type TenantView } from '../api.ts';
import { ErrorText, Field, Loading, Notices, Section, Status } from '../components.tsx';
import { t } from '../i18n.ts';

const PENDING = 'koppla.consent';

export function Connect(props: { tenant: TenantView; reload: () => Promise<void> }) {
  const entries = Object.entries(props.tenant.connections);
  const woo = entries.filter(([, c]) => c.connector === 'woocommerce');
  const fortnox = entries.filter(([, c]) => c.connector === 'fortnox');
  return (
    <>
      <p class="muted">{t('connect.intro')}</p>
      {woo.map(([name, connection]) => (
        <WooCommerceCard
          key={name}
          tenant={props.tenant}
          name={name}
          connection={connection}
          reload={props.reload}
        />
      ))}
      {fortnox.map(([name, connection]) => (
        <FortnoxCard
          key={name}
          tenant={props.tenant}
          name={name}
          connection={connection}
          reload={props.reload}
        />
      ))}
      {woo.length + fortnox.length === 0 && <p>{t('connect.none')}</p>}
    </>
  );
}

function checkPath(tenant: string, connection: string, suffix = 'check') {
  return `/tenants/${enc(tenant)}/connections/${enc(connection)}/${suffix}`;
}

function WooCommerceCard(props: {
  tenant: TenantView;
  name: string;
  connection: ConnectionView;
  reload: () => Promise<void>;
}) {
  const stored = props.connection;
  const [url, setUrl] = useState(String(stored.settings.url ?? ''));
  const [key, setKey] = useState('');
  const [secret, setSecret] = useState('');
  const [result, setResult] = useState<ConnectionCheck | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const keySet = stored.secrets.consumerKey?.set === true || typeof stored.settings.consumerKey === 'string';
  const secretSet = stored.secrets.consumerSecret?.set === true;

  // saved keys: show whether they still work
  useEffect(() => {
    if (!keySet || !secretSet) return;
    api.post<ConnectionCheck>(checkPath(props.tenant.id, props.name)).then(setResult, setError);
  }, [props.tenant.id, props.name]);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    const secrets: Record<string, string> = {};
    if (key.trim()) secrets.consumerKey = key.trim();
    if (secret.trim()) secrets.consumerSecret = secret.trim();
    try {
      const answer = await api.post<ConnectionCheck>(checkPath(props.tenant.id, props.name), {
        settings: { url: url.trim() },
        ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
        save: true,
      });
      setResult(answer);
      if (answer.saved) {
        setKey('');
        setSecret('');
        await props.reload();
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title={t('connect.woo.title')}>
      <form onSubmit={submit} data-testid="woo-form">
        <Field
          label={t('connect.woo.url')}
          value={url}
          onInput={setUrl}
          inputMode="url"
          placeholder="https://butik.example.se"
          required
        />
        <Field
          label={t('connect.woo.key')}
          value={key}
          onInput={setKey}
          placeholder={keySet ? t('connect.secretSet') : 'ck_…'}
          hint={t('connect.woo.keyHint')}
        />
        <Field
          label={t('connect.woo.secret')}
          type="password"
          value={secret}
          onInput={setSecret}
          placeholder={secretSet ? t('connect.secretSet') : 'cs_…'}
        />
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('connect.testing') : t('connect.woo.test')}
        </button>
      </form>
      <div aria-live="polite" data-testid="woo-result">
        {result?.ok && <Status>{t('connect.woo.ok', { url: result.account ?? url })}</Status>}
        {result && <Notices problems={result.problems} warnings={result.warnings} />}
        <ErrorText error={error} />
      </div>
    </Section>
  );
}

function FortnoxCard(props: {
  tenant: TenantView;
  name: string;
  connection: ConnectionView;
  reload: () => Promise<void>;
}) {
  const stored = props.connection;
  const [status, setStatus] = useState<ConnectionCheck | undefined>();
  const [error, setError] = useState<unknown>();
  const [checking, setChecking] = useState(true);
  const [clientId, setClientId] = useState(String(stored.settings.clientId ?? ''));
  const [clientSecret, setClientSecret] = useState('');
  const secretSet = stored.secrets.clientSecret?.set === true;

  const check = async () => {
    setChecking(true);
    try {
      setStatus(await api.post<ConnectionCheck>(checkPath(props.tenant.id, props.name)));
    } catch (e) {
      setError(e);
    } finally {
      setChecking(false);
    }
  };

  useEffect(() => {
    const query = new URLSearchParams(location.search);
    const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
      tenant: string;
      connection: string;
      state: string;
    } | null;
    const back = query.get('state');
    if (back && pending && pending.connection === props.name && pending.tenant === props.tenant.id) {
      // back from Fortnox: spend the code once, then take it out of the address bar
      sessionStorage.removeItem(PENDING);
      history.replaceState(null, '', location.pathname);
      const code = query.get('code');
      if (!code) {
        setChecking(false);
        setError(
          new Error(
            t('connect.fortnox.denied', {
              reason: query.get('error_description') ?? query.get('error') ?? '',
            }),
          ),
        );
        return;
      }
      api
        .post<ConnectionCheck>(checkPath(props.tenant.id, props.name, 'consent/code'), { code, state: back })
        .then(setStatus, setError)
        .finally(() => setChecking(false));
      return;
    }
    void check();
  }, [props.tenant.id, props.name]);

  const connect = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      if (clientId !== String(stored.settings.clientId ?? '') || clientSecret) {
        await api.patch(`/tenants/${enc(props.tenant.id)}`, {
          connections: {
            [props.name]: {
              settings: { clientId },
              ...(clientSecret ? { secrets: { clientSecret } } : {}),
            },
          },
        });
      }
      const { url, state } = await api.post<{ url: string; state: string }>(
        checkPath(props.tenant.id, props.name, 'consent'),
        { redirectUri: `${location.origin}/admin/connect` },
      );
      sessionStorage.setItem(
        PENDING,
        JSON.stringify({ tenant: props.tenant.id, connection: props.name, state }),
      );
      location.assign(url);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Section title={t('connect.fortnox.title')}>
      <div aria-live="polite" data-testid="fortnox-status">
        {checking ? (
          <Loading />
        ) : status?.ok ? (
          <Status>{t('connect.fortnox.connected', { company: status.account ?? '?' })}</Status>
        ) : (
          <p class="notice warning">{t('connect.fortnox.notConnected')}</p>
        )}
        {status && (
          <Notices
            problems={status.ok ? [] : status.problems.filter((p) => p.code !== 'not_connected')}
            warnings={status.warnings}
          />
        )}
        <ErrorText error={error} />
      </div>
      <form onSubmit={connect}>
        <details open={!stored.settings.clientId || !secretSet}>
          <summary>{t('connect.fortnox.app')}</summary>
          <Field label={t('connect.fortnox.clientId')} value={clientId} onInput={setClientId} />
          <Field
            label={t('connect.fortnox.clientSecret')}
            type="password"
            value={clientSecret}
            onInput={setClientSecret}
            placeholder={secretSet ? t('connect.secretSet') : ''}
          />
        </details>
        <p class="muted small">{t('connect.fortnox.explain')}</p>
        <div class="buttons">
          <button type="submit" class="primary">
            {status?.ok ? t('connect.fortnox.reconnect') : t('connect.fortnox.connect')}
          </button>
          <button type="button" onClick={() => void check()}>
            {t('connect.fortnox.check')}
          </button>
        </div>
      </form>
    </Section>
  );
}
