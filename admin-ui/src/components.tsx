import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import type { Notice } from './api.ts';
import { noticeText, t } from './i18n.ts';

/** A labelled on/off switch: a real checkbox (keyboard and screen readers know it) drawn as a switch. */
export function Switch(props: {
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  disabled?: boolean;
  description?: string | null;
  testId?: string;
}) {
  const id = useId();
  return (
    <div class="switch-row">
      <input
        id={id}
        type="checkbox"
        role="switch"
        class="switch"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.description ? `${id}-d` : undefined}
        data-testid={props.testId}
        onChange={(event) => props.onChange((event.currentTarget as HTMLInputElement).checked)}
      />
      <label for={id}>
        <span class="switch-label">{props.label}</span>
        {props.description && (
          <span id={`${id}-d`} class="muted small">
            {props.description}
          </span>
        )}
      </label>
    </div>
  );
}

export function Field(props: {
  label: string;
  value: string;
  onInput: (value: string) => void;
  type?: 'text' | 'password' | 'url';
  hint?: string;
  placeholder?: string;
  autoComplete?: string;
  name?: string;
  required?: boolean;
  inputMode?: 'text' | 'url' | 'numeric';
}) {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        // preact's input types are a union per type; this field takes only plain text kinds
        {...({ type: props.type ?? 'text' } as { type: 'text' })}
        value={props.value}
        placeholder={props.placeholder}
        autoComplete={props.autoComplete ?? 'off'}
        required={props.required}
        inputMode={props.inputMode}
        aria-describedby={props.hint ? `${id}-h` : undefined}
        onInput={(event) => props.onInput((event.currentTarget as HTMLInputElement).value)}
      />
      {props.hint && (
        <p id={`${id}-h`} class="muted small">
          {props.hint}
        </p>
      )}
    </div>
  );
}

/** Problems and warnings of a check, worded in the reader's language. */
export function Notices(props: { problems?: readonly Notice[]; warnings?: readonly Notice[] }) {
  return (
    <>
      {(props.problems ?? []).map((n) => (
        <p key={`p-${n.code}`} class="notice error" role="alert" data-code={n.code}>
          {noticeText(n)}
        </p>
      ))}
      {(props.warnings ?? []).map((n) => (
        <p key={`w-${n.code}`} class="notice warning" data-code={n.code}>
          {noticeText(n)}
        </p>
      ))}
    </>
  );
}

export function ErrorText(props: { error: unknown }) {
  if (!props.error) return null;
  const message = props.error instanceof Error ? props.error.message : String(props.error);
  return (
    <p class="notice error" role="alert">
      {message}
    </p>
  );
}

export function Status(props: { children: ComponentChildren }) {
  return (
    <p class="notice ok" role="status">
      {props.children}
    </p>
  );
}

export function Section(props: { title: string; children: ComponentChildren; id?: string }) {
  const id = useId();
  return (
    <section class="card" aria-labelledby={props.id ?? id}>
      <h2 id={props.id ?? id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

export function Loading() {
  return (
    <p class="muted" role="status">
      {t('common.loading')}
    </p>
  );
}

/** A run or check status as a coloured badge with its word (never colour alone). */
export function Badge(props: { tone: 'ok' | 'warn' | 'bad' | 'idle'; children: ComponentChildren }) {
  return <span class={`badge ${props.tone}`}>{props.children}</span>;
}
