import { useId, useState } from 'preact/hooks';
import { api, ApiError, enc, type JsonSchema, type PackView } from './api.ts';
import { Status } from './components.tsx';
import { t } from './i18n.ts';

type Values = Record<string, unknown>;

function resolve(schema: JsonSchema | undefined, root: JsonSchema): JsonSchema {
  if (!schema) return {};
  const ref = schema.$ref;
  if (ref?.startsWith('#/$defs/')) {
    const target = root.$defs?.[ref.slice('#/$defs/'.length)];
    return { ...resolve(target, root), ...schema, $ref: undefined };
  }
  return schema;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((x) => x !== 'null') : schema.type;
  if (type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object')
    return 'map';
  if (type === 'array') return 'list';
  return typeof type === 'string' ? type : 'json';
}

/** A JSON merge patch taking `before` to `after`: removed keys become null. */
export function mergePatchOf(before: unknown, after: unknown): unknown {
  const isObject = (v: unknown): v is Values => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(before) || !isObject(after)) return after;
  const patch: Values = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(before[key]) === JSON.stringify(value)) continue;
    patch[key] = mergePatchOf(before[key], value);
  }
  return patch;
}

/**
 * A pack's params as a form made from its params schema: switches, choices, text, lists, maps
 * (e.g. OSS accounts per country). The server checks the result against the same schema and says
 * what does not fit.
 */
export function ParamsEditor(props: { tenant: string; pack: PackView; onSaved: () => void }) {
  const root = props.pack.paramsSchema ?? {};
  const properties = Object.entries(root.properties ?? {});
  const [values, setValues] = useState<Values>({ ...props.pack.params });
  const [error, setError] = useState<string>('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  if (properties.length === 0) return null;

  const set = (key: string, value: unknown) => {
    setSaved(false);
    setValues((current) => {
      const next = { ...current };
      if (value === undefined) delete next[key];
      else next[key] = value;
      return next;
    });
  };

  const save = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const patch = mergePatchOf(props.pack.params, values);
      await api.patch(`/tenants/${enc(props.tenant)}/toggles`, { params: { [props.pack.id]: patch } });
      setSaved(true);
      props.onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? t('params.invalid', { message: e.message }) : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="params" onSubmit={save} data-testid={`params-${props.pack.id}`}>
      <fieldset>
        <legend>{t('params.title')}</legend>
        {properties.map(([key, raw]) => (
          <ParamField
            key={key}
            name={key}
            schema={resolve(raw, root)}
            value={values[key]}
            onChange={(value) => set(key, value)}
          />
        ))}
      </fieldset>
      {error && (
        <p class="notice error" role="alert">
          {error}
        </p>
      )}
      {saved && <Status>{t('params.saved')}</Status>}
      <button type="submit" disabled={busy}>
        {t('params.save', { pack: props.pack.title ?? props.pack.id })}
      </button>
    </form>
  );
}

function ParamField(props: {
  name: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
}) {
  const id = useId();
  const { schema, value, name } = props;
  const kind = typeOf(schema);
  const hint = schema.description ? (
    <p id={`${id}-h`} class="muted small">
      {schema.description}
    </p>
  ) : null;
  const shown = value ?? schema.default;
  if (kind === 'boolean')
    return (
      <div class="field check">
        <input
          id={id}
          type="checkbox"
          checked={shown === true}
          aria-describedby={hint ? `${id}-h` : undefined}
          onChange={(e) => props.onChange((e.currentTarget as HTMLInputElement).checked)}
        />
        <label for={id}>{name}</label>
        {hint}
      </div>
    );
  if (kind === 'enum')
    return (
      <div class="field">
        <label for={id}>{name}</label>
        <select
          id={id}
          value={shown === undefined ? '' : String(shown)}
          aria-describedby={hint ? `${id}-h` : undefined}
          onChange={(e) => {
            const v = (e.currentTarget as HTMLSelectElement).value;
            props.onChange(v === '' ? undefined : (schema.enum ?? []).find((x) => String(x) === v));
          }}
        >
          <option value="">{t('params.default')}</option>
          {(schema.enum ?? []).map((x) => (
            <option key={String(x)} value={String(x)}>
              {String(x)}
            </option>
          ))}
        </select>
        {hint}
      </div>
    );
  if (kind === 'list')
    return (
      <div class="field">
        <label for={id}>{name}</label>
        <input
          id={id}
          value={Array.isArray(shown) ? shown.join(', ') : ''}
          aria-describedby={`${id}-l`}
          onChange={(e) => {
            const text = (e.currentTarget as HTMLInputElement).value;
            props.onChange(
              text.trim() === ''
                ? undefined
                : text
                    .split(',')
                    .map((x) => x.trim())
                    .filter(Boolean),
            );
          }}
        />
        <p id={`${id}-l`} class="muted small">
          {t('params.listHint')} {schema.description ?? ''}
        </p>
      </div>
    );
  if (kind === 'map') return <MapField {...props} />;
  if (kind === 'string' || kind === 'number' || kind === 'integer')
    return (
      <div class="field">
        <label for={id}>{name}</label>
        <input
          id={id}
          value={value === undefined ? '' : String(value)}
          placeholder={schema.default === undefined ? '' : String(schema.default)}
          inputMode={kind === 'string' ? 'text' : 'numeric'}
          aria-describedby={hint ? `${id}-h` : undefined}
          onInput={(e) => {
            const text = (e.currentTarget as HTMLInputElement).value;
            props.onChange(text === '' ? undefined : kind === 'string' ? text : Number(text));
          }}
        />
        {hint}
      </div>
    );
  return <JsonField {...props} />;
}

/** `{ "DE": "3109", "FI": "3110" }`: one row per key. */
function MapField(props: {
  name: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
}) {
  const entries = Object.entries((props.value ?? {}) as Record<string, unknown>);
  const [newKey, setNewKey] = useState('');
  const keyId = useId();
  const update = (next: [string, unknown][]) =>
    props.onChange(next.length === 0 ? undefined : Object.fromEntries(next));
  return (
    <fieldset class="map">
      <legend>{props.name}</legend>
      {props.schema.description && <p class="muted small">{props.schema.description}</p>}
      {entries.map(([key, value], index) => (
        <div class="map-row" key={key}>
          <label for={`${keyId}-${index}`}>{key}</label>
          <input
            id={`${keyId}-${index}`}
            value={String(value ?? '')}
            onInput={(e) => {
              const next = [...entries];
              next[index] = [key, (e.currentTarget as HTMLInputElement).value];
              update(next);
            }}
          />
          <button type="button" onClick={() => update(entries.filter((_, i) => i !== index))}>
            {t('params.remove', { key })}
          </button>
        </div>
      ))}
      <div class="map-row">
        <label for={`${keyId}-new`}>{t('params.newKey')}</label>
        <input
          id={`${keyId}-new`}
          value={newKey}
          onInput={(e) => setNewKey((e.currentTarget as HTMLInputElement).value)}
        />
        <button
          type="button"
          disabled={newKey.trim() === '' || entries.some(([k]) => k === newKey.trim())}
          onClick={() => {
            update([...entries, [newKey.trim(), '']]);
            setNewKey('');
          }}
        >
          {t('params.add')}
        </button>
      </div>
    </fieldset>
  );
}

function JsonField(props: {
  name: string;
  schema: JsonSchema;
  value: unknown;
  onChange: (value: unknown) => void;
}) {
  const id = useId();
  const [text, setText] = useState(props.value === undefined ? '' : JSON.stringify(props.value, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <div class="field">
      <label for={id}>{props.name}</label>
      <textarea
        id={id}
        rows={4}
        value={text}
        aria-invalid={bad}
        aria-describedby={`${id}-h`}
        onInput={(e) => {
          const next = (e.currentTarget as HTMLTextAreaElement).value;
          setText(next);
          try {
            props.onChange(next.trim() === '' ? undefined : JSON.parse(next));
            setBad(false);
          } catch {
            setBad(true);
          }
        }}
      />
      <p id={`${id}-h`} class="muted small">
        {bad ? t('params.badJson') : t('params.jsonHint')} {props.schema.description ?? ''}
      </p>
    </div>
  );
}
