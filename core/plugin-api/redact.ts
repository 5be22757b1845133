import { isPlainObject } from './json.ts';

export const REDACTED = '[REDACTED]';

/**
 * `text` with every occurrence of each secret replaced by `[REDACTED]`, also where the secret appears
 * URL-encoded (a WooCommerce key in a query string). Longer secrets go first, so one secret that
 * contains another is hidden whole. Empty secrets are ignored.
 */
export function redact(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const variant of secretVariants(secrets)) result = result.split(variant).join(REDACTED);
  return result;
}

/** `redact` applied to every string inside plain objects and arrays; other values are kept as they are. */
export function redactDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  if (typeof value === 'string') return redact(value, secrets) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, secrets)) as T;
  if (typeof value === 'object' && value !== null && isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([key, member]) => [key, redactDeep(member, secrets)]),
    ) as T;
  }
  return value;
}

function secretVariants(secrets: readonly string[]): string[] {
  const variants = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    variants.add(secret);
    const encoded = encodeURIComponent(secret);
    variants.add(encoded);
    variants.add(encoded.replace(/%20/g, '+'));
  }
  return [...variants].sort((a, b) => b.length - a.length);
}
