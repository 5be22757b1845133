import { useEffect, useState } from 'preact/hooks';
import en from './i18n/en.json';
import sv from './i18n/sv.json';

/** Every string the page shows lives in i18n/<lang>.json; the keys of both files are the same. */
export type Lang = 'sv' | 'en';
type Messages = Readonly<Record<string, string>>;
const MESSAGES: Readonly<Record<Lang, Messages>> = { sv, en };
const STORAGE_KEY = 'koppla.lang';

function initial(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'sv' || saved === 'en') return saved;
  return navigator.language.toLowerCase().startsWith('sv') ? 'sv' : 'en';
}

let current: Lang = initial();
const listeners = new Set<() => void>();
document.documentElement.lang = current;

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

/** The message `key` in the chosen language, `{name}` replaced from `values`. */
export function t(key: string, values: Readonly<Record<string, string | number>> = {}): string {
  const text = MESSAGES[current][key] ?? MESSAGES.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] === undefined ? whole : String(values[name]),
  );
}

/** A notice's text: its code's message when the page has one, else the server's English message. */
export function noticeText(notice: {
  code: string;
  message: string;
  values?: Readonly<Record<string, string>>;
}): string {
  const key = `notice.${notice.code}`;
  return key in MESSAGES[current] ? t(key, notice.values ?? {}) : notice.message;
}

/** Re-renders the calling component when the language changes. */
export function useLang(): Lang {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((n) => n + 1);
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }, []);
  return current;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return t('common.never');
  return new Intl.DateTimeFormat(current === 'sv' ? 'sv-SE' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
  }).format(new Date(value));
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return t('common.ms', { n: ms });
  return t('common.seconds', { n: (ms / 1000).toFixed(1) });
}

/** "5 minutes" from milliseconds, in the form the API takes back. */
export function intervalText(ms: number | null): string {
  if (ms === null) return '';
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} hours`;
  if (ms % 60_000 === 0) return `${ms / 60_000} minutes`;
  return `${Math.round(ms / 1000)} seconds`;
}
