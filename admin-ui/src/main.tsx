import { render } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, enc, setSession, whenSignedOut, type SessionInfo, type TenantView } from './api.ts';
import { ErrorText, Loading } from './components.tsx';
import { setLang, t, useLang, type Lang } from './i18n.ts';
import { Activity } from './screens/Activity.tsx';
import { Connect } from './screens/Connect.tsx';
import { Flows } from './screens/Flows.tsx';
import { HealthScreen } from './screens/Health.tsx';
import { Rules } from './screens/Rules.tsx';
import { SignIn } from './screens/SignIn.tsx';
import './styles.css';

const SCREENS = ['connect', 'flows', 'rules', 'activity', 'health'] as const;
type Screen = (typeof SCREENS)[number];
const BASE = '/admin/';

function screenOf(path: string): Screen {
  const name = path.startsWith(BASE) ? path.slice(BASE.length).split('/')[0] : '';
  return (SCREENS as readonly string[]).includes(name ?? '') ? (name as Screen) : 'health';
}

export function navigate(screen: Screen, query = ''): void {
  history.pushState(null, '', `${BASE}${screen}${query}`);
  dispatchEvent(new PopStateEvent('popstate'));
}

function LanguageSwitch() {
  const current = useLang();
  const other: Lang = current === 'sv' ? 'en' : 'sv';
  return (
    <button type="button" class="link" lang={other} onClick={() => setLang(other)} data-testid="lang-switch">
      {t(`lang.switchTo.${other}`)}
    </button>
  );
}

function App() {
  useLang();
  const [session, setSessionState] = useState<SessionInfo | null | undefined>(undefined);
  const [screen, setScreen] = useState<Screen>(screenOf(location.pathname));
  const [tenants, setTenants] = useState<readonly TenantView[]>([]);
  const [tenantId, setTenantId] = useState<string>(sessionStorage.getItem('koppla.tenant') ?? '');
  const [tenant, setTenant] = useState<TenantView | undefined>();
  const [error, setError] = useState<unknown>();

  const signedIn = useCallback((info: SessionInfo | null) => {
    setSession(info ?? undefined);
    setSessionState(info);
  }, []);

  useEffect(() => {
    whenSignedOut(() => signedIn(null));
    api.session().then(signedIn, () => signedIn(null));
    const onPop = () => setScreen(screenOf(location.pathname));
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, [signedIn]);

  useEffect(() => {
    if (!session) return;
    api
      .get<{ tenants: TenantView[] }>('/tenants')
      .then(({ tenants: list }) => {
        setTenants(list);
        const wanted =
          session.tenant ?? (list.some((x) => x.id === tenantId) ? tenantId : (list[0]?.id ?? ''));
        setTenantId(wanted);
      })
      .catch(setError);
  }, [session]);

  const reload = useCallback(async () => {
    if (!tenantId) return;
    sessionStorage.setItem('koppla.tenant', tenantId);
    try {
      setTenant(await api.get<TenantView>(`/tenants/${enc(tenantId)}`));
      setError(undefined);
    } catch (e) {
      setError(e);
    }
  }, [tenantId]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    const title = t(`nav.${screen}`);
    document.title = `${title} · Koppla`;
  }, [screen, session]);

  if (session === undefined) return <Loading />;
  if (session === null)
    return (
      <div class="shell narrow">
        <header class="top">
          <span class="brand">Koppla</span>
          <LanguageSwitch />
        </header>
        <main id="main">
          <SignIn onSignedIn={signedIn} />
        </main>
      </div>
    );

  const signOut = async () => {
    await api.signOut().catch(() => undefined);
    signedIn(null);
  };

  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t('nav.skip')}
      </a>
      <header class="top">
        <span class="brand">Koppla</span>
        {session.kind === 'operator' && tenants.length > 0 ? (
          <label class="tenant-pick">
            <span class="muted small">{t('tenant.choose')}</span>
            <select
              value={tenantId}
              data-testid="tenant-select"
              onChange={(event) => setTenantId((event.currentTarget as HTMLSelectElement).value)}
            >
              {tenants.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name} ({x.id})
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span class="tenant-name" data-testid="tenant-name">
            {tenant?.name ?? ''}
          </span>
        )}
        <span class="spacer" />
        <span class="muted small who">{t('session.who', { name: session.name })}</span>
        <LanguageSwitch />
        <button type="button" class="link" onClick={signOut}>
          {t('session.signOut')}
        </button>
      </header>
      <nav aria-label={t('nav.label')}>
        <ul>
          {SCREENS.map((name) => (
            <li key={name}>
              <a
                href={`${BASE}${name}`}
                aria-current={screen === name ? 'page' : undefined}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(name);
                }}
              >
                {t(`nav.${name}`)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        <h1>{t(`nav.${screen}`)}</h1>
        <ErrorText error={error} />
        {!tenant ? (
          tenants.length === 0 && session.kind === 'operator' ? (
            <p>{t('tenant.none')}</p>
          ) : (
            <Loading />
          )
        ) : screen === 'connect' ? (
          <Connect tenant={tenant} reload={reload} />
        ) : screen === 'flows' ? (
          <Flows tenant={tenant} reload={reload} />
        ) : screen === 'rules' ? (
          <Rules tenant={tenant} />
        ) : screen === 'activity' ? (
          <Activity tenant={tenant} />
        ) : (
          <HealthScreen tenant={tenant} />
        )}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app')!);
