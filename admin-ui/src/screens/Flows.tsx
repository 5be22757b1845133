import { useEffect, useState } from 'preact/hooks';
import { api, enc, type PackView, type PipelineView, type StockPoint, type TenantView } from '../api.ts';
import { ErrorText, Section, Status, Switch } from '../components.tsx';
import { t } from '../i18n.ts';
import { ParamsEditor } from '../params.tsx';

const UNITS = [
  ['minutes', 60_000],
  ['hours', 3_600_000],
] as const;

export function flowTitle(id: string | null, fallback: string | null): string {
  const key = `flow.${id}`;
  const text = t(key);
  return text === key ? (fallback ?? id ?? '?') : text;
}

export function Flows(props: { tenant: TenantView; reload: () => Promise<void> }) {
  const [packs, setPacks] = useState<readonly PackView[]>([]);
  const [error, setError] = useState<unknown>();
  const loadPacks = () =>
    api
      .get<{ packs: PackView[] }>(`/tenants/${enc(props.tenant.id)}/toggles`)
      .then((x) => setPacks(x.packs), setError);
  useEffect(() => void loadPacks(), [props.tenant.id]);
  return (
    <>
      <p class="muted">{t('flows.intro')}</p>
      <ErrorText error={error} />
      {props.tenant.pipelines.map((pipeline) => (
        <FlowCard
          key={pipeline.file}
          tenant={props.tenant}
          pipeline={pipeline}
          packs={packs.filter(
            (p) => pipeline.id !== null && p.pipelines.includes(pipeline.id) && p.paramsSchema,
          )}
          reload={props.reload}
          reloadPacks={loadPacks}
        />
      ))}
    </>
  );
}

function FlowCard(props: {
  tenant: TenantView;
  pipeline: PipelineView;
  packs: readonly PackView[];
  reload: () => Promise<void>;
  reloadPacks: () => void;
}) {
  const { pipeline } = props;
  const every = pipeline.everyMs ?? pipeline.scheduleEveryMs;
  const unit = every !== null && every % 3_600_000 === 0 ? 'hours' : 'minutes';
  const [amount, setAmount] = useState(
    every === null ? '' : String(every / (unit === 'hours' ? 3_600_000 : 60_000)),
  );
  const [unitChoice, setUnit] = useState<string>(unit);
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');
  const path = `/tenants/${enc(props.tenant.id)}/pipelines/${enc(pipeline.id ?? pipeline.file)}`;
  const title = flowTitle(pipeline.id, pipeline.title);

  const patch = async (body: unknown, done: string) => {
    setError(undefined);
    setMessage('');
    try {
      await api.patch(path, body);
      await props.reload();
      setMessage(done);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Section title={title}>
      {pipeline.problems.length > 0 && (
        <p class="notice error" role="alert">
          {t('flows.broken')} {pipeline.problems.join('; ')}
        </p>
      )}
      <Switch
        label={t('flows.on', { flow: title })}
        checked={pipeline.enabled}
        testId={`flow-${pipeline.id}`}
        onChange={(on) => void patch({ enabled: on }, on ? t('flows.turnedOn') : t('flows.turnedOff'))}
      />
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          const n = Number(amount);
          if (!Number.isFinite(n) || n <= 0) return setError(new Error(t('flows.badInterval')));
          void patch({ every: `${n} ${unitChoice}` }, t('flows.intervalSaved'));
        }}
      >
        <label for={`every-${pipeline.id}`}>{t('flows.every')}</label>
        <input
          id={`every-${pipeline.id}`}
          inputMode="numeric"
          size={4}
          value={amount}
          onInput={(e) => setAmount((e.currentTarget as HTMLInputElement).value)}
        />
        <label class="visually-hidden" for={`unit-${pipeline.id}`}>
          {t('flows.unit')}
        </label>
        <select
          id={`unit-${pipeline.id}`}
          value={unitChoice}
          onChange={(e) => setUnit((e.currentTarget as HTMLSelectElement).value)}
        >
          {UNITS.map(([name]) => (
            <option key={name} value={name}>
              {t(`flows.unit.${name}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t('flows.saveInterval')}</button>
        <button
          type="button"
          disabled={!pipeline.enabled}
          onClick={async () => {
            setError(undefined);
            try {
              await api.post(`${path}/runs`);
              setMessage(t('flows.queued'));
            } catch (e) {
              setError(e);
            }
          }}
        >
          {t('flows.runNow')}
        </button>
      </form>
      {pipeline.events.length > 0 && (
        <p class="muted small">{t('flows.events', { events: pipeline.events.join(', ') })}</p>
      )}
      <div aria-live="polite">
        {message && <Status>{message}</Status>}
        <ErrorText error={error} />
      </div>
      <FlowOptions tenant={props.tenant} pipeline={pipeline} reload={props.reload} />
      {props.packs.length > 0 && (
        <details>
          <summary>{t('flows.options')}</summary>
          {props.packs.map((pack) => (
            <div key={pack.id}>
              <h3>{pack.title ?? pack.id}</h3>
              <ParamsEditor tenant={props.tenant.id} pack={pack} onSaved={props.reloadPacks} />
            </div>
          ))}
        </details>
      )}
    </Section>
  );
}

const PRODUCT_FIELDS = ['name', 'price', 'weight', 'taxClass'] as const;

/** Options a flow keeps outside rule packs: product fields to write, the stock points to read. */
function FlowOptions(props: { tenant: TenantView; pipeline: PipelineView; reload: () => Promise<void> }) {
  const { tenant, pipeline } = props;
  const fortnox = Object.entries(tenant.connections).find(([, c]) => c.connector === 'fortnox')?.[0];
  const stock = ((
    tenant.connections[fortnox ?? '']?.settings.streams as { stock?: Record<string, unknown> } | undefined
  )?.stock ?? {}) as { stockPoints?: string[]; quantity?: string };
  const savedFields = ((tenant.params['products-to-woocommerce'] ?? {}).fields ?? {}) as Record<
    string,
    boolean
  >;
  const [fields, setFields] = useState<Record<string, boolean>>(
    Object.fromEntries(PRODUCT_FIELDS.map((f) => [f, savedFields[f] !== false])),
  );
  const [points, setPoints] = useState((stock.stockPoints ?? []).join(', '));
  const [quantity, setQuantity] = useState(stock.quantity ?? 'availableStock');
  const [message, setMessage] = useState('');
  const [error, setError] = useState<unknown>();
  // Fortnox's own stock points to tick; typed-in codes when it cannot list them (Lager off, not connected)
  const listsStock = pipeline.id === 'stock-to-woocommerce' && fortnox !== undefined;
  const [known, setKnown] = useState<readonly StockPoint[] | undefined>();
  const [listError, setListError] = useState<string | undefined>();
  useEffect(() => {
    if (!listsStock) return;
    setKnown(undefined);
    setListError(undefined);
    api
      .get<{ stockPoints: StockPoint[] }>(
        `/tenants/${enc(tenant.id)}/connections/${enc(fortnox)}/stock-points`,
      )
      .then(
        (answer) => setKnown(answer.stockPoints),
        (e: unknown) => setListError(e instanceof Error ? e.message : String(e)),
      );
  }, [tenant.id, fortnox, listsStock]);
  const save = async (body: unknown) => {
    setError(undefined);
    setMessage('');
    try {
      await api.patch(`/tenants/${enc(tenant.id)}`, body);
      await props.reload();
      setMessage(t('flows.optionsSaved'));
    } catch (e) {
      setError(e);
    }
  };
  if (pipeline.id === 'products-to-woocommerce')
    return (
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save({ params: { 'products-to-woocommerce': { fields } } });
        }}
      >
        <fieldset>
          <legend>{t('flows.fields')}</legend>
          {PRODUCT_FIELDS.map((field) => (
            <label key={field} class="check">
              <input
                type="checkbox"
                checked={fields[field]}
                onChange={(e) =>
                  setFields({ ...fields, [field]: (e.currentTarget as HTMLInputElement).checked })
                }
              />{' '}
              {t(`flows.field.${field}`)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t('flows.saveOptions')}</button>
        <div aria-live="polite">
          {message && <Status>{message}</Status>}
          <ErrorText error={error} />
        </div>
      </form>
    );
  if (pipeline.id === 'stock-to-woocommerce' && fortnox)
    return (
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const stockPoints = codesOf(points);
          void save({
            connections: {
              [fortnox]: {
                settings: {
                  streams: { stock: { stockPoints: stockPoints.length > 0 ? stockPoints : null, quantity } },
                },
              },
            },
          });
        }}
      >
        {known && known.length > 0 ? (
          <StockPointChoice known={known} points={points} setPoints={setPoints} />
        ) : (
          <div class="field">
            <label for={`points-${pipeline.id}`}>{t('flows.stockPoints')}</label>
            <input
              id={`points-${pipeline.id}`}
              value={points}
              aria-describedby={`points-${pipeline.id}-h`}
              onInput={(e) => setPoints((e.currentTarget as HTMLInputElement).value)}
            />
            <p id={`points-${pipeline.id}-h`} class="muted small">
              {known === undefined && listError === undefined
                ? t('flows.stockPointsLoading')
                : listError !== undefined
                  ? t('flows.stockPointsFailed', { reason: listError })
                  : t('flows.stockPointsHint')}
            </p>
          </div>
        )}
        <div class="field">
          <label for={`quantity-${pipeline.id}`}>{t('flows.quantity')}</label>
          <select
            id={`quantity-${pipeline.id}`}
            value={quantity}
            onChange={(e) => setQuantity((e.currentTarget as HTMLSelectElement).value)}
          >
            <option value="availableStock">{t('flows.quantity.availableStock')}</option>
            <option value="inStock">{t('flows.quantity.inStock')}</option>
          </select>
        </div>
        <button type="submit">{t('flows.saveOptions')}</button>
        <div aria-live="polite">
          {message && <Status>{message}</Status>}
          <ErrorText error={error} />
        </div>
      </form>
    );
  return null;
}

const codesOf = (points: string) =>
  points
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

/** Fortnox's stock points to tick, and any saved code Fortnox no longer has, to untick. */
function StockPointChoice(props: {
  known: readonly StockPoint[];
  points: string;
  setPoints: (points: string) => void;
}) {
  const chosen = codesOf(props.points);
  const unknown = chosen.filter((code) => !props.known.some((p) => p.code === code));
  const toggle = (code: string, on: boolean) =>
    props.setPoints((on ? [...chosen, code] : chosen.filter((c) => c !== code)).join(', '));
  return (
    <fieldset data-testid="stock-points">
      <legend>{t('flows.stockPoints')}</legend>
      <p class="muted small">{t('flows.stockPointsPick')}</p>
      {props.known.map((point) => (
        <label key={point.code} class="check">
          <input
            type="checkbox"
            checked={chosen.includes(point.code)}
            onChange={(e) => toggle(point.code, (e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {point.code} — {point.name}
          {!point.active && <span class="muted small"> ({t('flows.stockPointsInactive')})</span>}
        </label>
      ))}
      {unknown.map((code) => (
        <label key={code} class="check">
          <input type="checkbox" checked onChange={() => toggle(code, false)} /> {code}{' '}
          <span class="muted small">({t('flows.stockPointsUnknown')})</span>
        </label>
      ))}
    </fieldset>
  );
}
