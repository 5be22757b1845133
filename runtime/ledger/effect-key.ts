/** Identifies one side effect: one step of one record of one pipeline of one tenant. */
export interface EffectAddress {
  readonly tenant: string;
  readonly pipeline: string;
  /** The record's idempotency key, e.g. `order:1042`. */
  readonly recordKey: string;
  /** The pipeline step id, e.g. `invoice`. */
  readonly step: string;
}

/**
 * `<tenant>|<pipeline>|<recordKey>|<step>`, with `%`, `|` and `#` escaped in each part so that no two
 * addresses share a key (a record key may contain anything) and `#<attempt>` can follow it.
 */
export function effectKey(address: EffectAddress): string {
  return [address.tenant, address.pipeline, address.recordKey, address.step].map(escapePart).join('|');
}

/** The `_id` of an attempt: the bare key for the first, `<key>#<n>` for takeovers. */
export function attemptId(key: string, attempt: number): string {
  return attempt === 1 ? key : `${key}#${attempt}`;
}

function escapePart(part: string): string {
  return part.replace(/%/g, '%25').replace(/\|/g, '%7C').replace(/#/g, '%23');
}
