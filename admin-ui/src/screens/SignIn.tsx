import { useState } from 'preact/hooks';
import { api, ApiError, type SessionInfo } from '../api.ts';
import { Field } from '../components.tsx';
import { t } from '../i18n.ts';

export function SignIn(props: { onSignedIn: (session: SessionInfo) => void }) {
  const [mode, setMode] = useState<'user' | 'key'>('user');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      props.onSignedIn(await api.signIn(mode === 'key' ? { apiKey } : { username, password }));
    } catch (e) {
      setError(
        e instanceof ApiError && e.status === 401
          ? t('signIn.wrong')
          : e instanceof ApiError && e.status === 429
            ? t('signIn.tooMany')
            : t('signIn.failed'),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card">
      <h1>{t('signIn.title')}</h1>
      <p class="muted">{t('signIn.intro')}</p>
      <div class="tabs" role="radiogroup" aria-label={t('signIn.how')}>
        <label>
          <input type="radio" name="mode" checked={mode === 'user'} onChange={() => setMode('user')} />
          {t('signIn.withUser')}
        </label>
        <label>
          <input type="radio" name="mode" checked={mode === 'key'} onChange={() => setMode('key')} />
          {t('signIn.withKey')}
        </label>
      </div>
      <form onSubmit={submit}>
        {mode === 'user' ? (
          <>
            <Field
              label={t('signIn.username')}
              name="username"
              value={username}
              onInput={setUsername}
              autoComplete="username"
              required
            />
            <Field
              label={t('signIn.password')}
              name="password"
              type="password"
              value={password}
              onInput={setPassword}
              autoComplete="current-password"
              required
            />
          </>
        ) : (
          <Field
            label={t('signIn.apiKey')}
            name="apiKey"
            type="password"
            value={apiKey}
            onInput={setApiKey}
            hint={t('signIn.apiKeyHint')}
            required
          />
        )}
        {error && (
          <p class="notice error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {t('signIn.submit')}
        </button>
      </form>
    </section>
  );
}
