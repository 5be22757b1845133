/**
 * Every account, VAT rate and mode of payment a tenant's rule packs can put on a Fortnox document,
 * found without a record: a static reading of each enabled rule's `then` (and the pack's default).
 *
 * Why this way: the values a pack can emit are either literals in `then` or come from its params
 * (`{ var: params.domesticSalesAccounts }`, looked up by rate or country). Records only choose
 * *which* of those values is used, never invent new ones, so "every literal in `then` plus every leaf
 * of every param `then` reads" is a sound upper bound, whatever the conditions are — and it follows
 * the tenant's own params and toggles, with the pack's defaults filled in. A leaf is classified by
 * the nearest property name on its path (output key, param name, or key inside the param value):
 * `…account…` → account, `vatPercent` / `…rate(s)` → VAT rate, `modeOfPayment` → mode of payment.
 * Values that do not look like one (a 4-digit account number, a percentage) are ignored, so rule
 * texts and condition literals cannot pollute the sets.
 */
import { OPERATORS } from '../../core/expr/index.ts';
import type { CompiledRulePack } from '../../core/rules/types.ts';

export type EmittedKind = 'account' | 'vatRate' | 'modeOfPayment';

export interface PackInUse {
  readonly pack: CompiledRulePack;
  /** The pack's params as the tenant's runs see them: pipeline's, tenant's, defaults filled in. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The rule keys (`pack/rule`) that are on for this tenant. */
  readonly enabledRules: ReadonlySet<string>;
}

/** Value → where it comes from (`bas-accounts/freight via params.freightAccounts`). */
export type Emitted = ReadonlyMap<EmittedKind, ReadonlyMap<string, readonly string[]>>;

const ACCOUNT = /^[1-9][0-9]{3}$/;
const RATE = /^(0|[1-9][0-9]?)(\.[0-9]+)?$/;

function kindOf(path: readonly string[]): EmittedKind | undefined {
  for (let i = path.length - 1; i >= 0; i--) {
    const segment = path[i] ?? '';
    if (/modeofpayment/i.test(segment)) return 'modeOfPayment';
    if (/account/i.test(segment)) return 'account';
    if (/^vatpercent$|rates?$/i.test(segment)) return 'vatRate';
  }
  return undefined;
}

function accepts(kind: EmittedKind, value: string): boolean {
  if (kind === 'account') return ACCOUNT.test(value);
  if (kind === 'vatRate') return RATE.test(value);
  return value.length > 0 && value.length <= 25;
}

class Collector {
  readonly found = new Map<EmittedKind, Map<string, string[]>>();

  add(path: readonly string[], value: unknown, source: string): void {
    if (typeof value !== 'string' && typeof value !== 'number') return;
    const kind = kindOf(path);
    const text = String(value);
    if (!kind || !accepts(kind, text)) return;
    let values = this.found.get(kind);
    if (!values) this.found.set(kind, (values = new Map()));
    const sources = values.get(text) ?? [];
    if (!sources.includes(source)) values.set(text, [...sources, source]);
  }

  /** Every leaf of a param value, classified by its path (param name and keys inside). */
  leaves(value: unknown, path: readonly string[], source: string): void {
    if (Array.isArray(value)) for (const item of value) this.leaves(item, path, source);
    else if (typeof value === 'object' && value !== null)
      for (const [key, inner] of Object.entries(value)) this.leaves(inner, [...path, key], source);
    else this.add(path, value, source);
  }
}

function paramAt(params: Readonly<Record<string, unknown>>, dotted: string): unknown {
  let here: unknown = params;
  for (const key of dotted.split('.')) {
    if (typeof here !== 'object' || here === null) return undefined;
    here = (here as Record<string, unknown>)[key];
  }
  return here;
}

function isOperator(node: object): [string, unknown] | undefined {
  const keys = Object.keys(node);
  if (keys.length !== 1 || !OPERATORS.has(keys[0] ?? '')) return undefined;
  const name = keys[0] as string;
  return [name, (node as Record<string, unknown>)[name]];
}

function walk(
  node: unknown,
  path: readonly string[],
  params: Readonly<Record<string, unknown>>,
  out: Collector,
  source: string,
): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, path, params, out, source);
    return;
  }
  if (typeof node !== 'object' || node === null) {
    out.add(path, node, source);
    return;
  }
  const operator = isOperator(node);
  if (!operator) {
    // an output object: its keys name what its values are
    for (const [key, value] of Object.entries(node)) walk(value, [...path, key], params, out, source);
    return;
  }
  const [name, args] = operator;
  if (name === 'var') {
    const [ref, fallback] = Array.isArray(args) ? args : [args];
    if (typeof ref === 'string' && ref.startsWith('params.')) {
      const paramPath = ref.slice('params.'.length);
      out.leaves(paramAt(params, paramPath), [...path, ...paramPath.split('.')], `${source} via ${ref}`);
    } else if (typeof ref === 'object') {
      // a computed path (`{ cat: ['params.x.', …] }`): the literal prefix names the param read
      const prefix = computedParamPrefix(ref);
      if (prefix)
        out.leaves(
          paramAt(params, prefix),
          [...path, ...prefix.split('.')],
          `${source} via params.${prefix}`,
        );
    }
    walk(fallback, path, params, out, source);
    return;
  }
  walk(args, path, params, out, source);
}

/** `{ cat: ['params.accounts.', …] }` → `accounts`: a param read by a key only a record knows. */
function computedParamPrefix(ref: unknown): string | undefined {
  const parts = (ref as { cat?: unknown }).cat;
  const head = Array.isArray(parts) ? parts[0] : undefined;
  if (typeof head !== 'string' || !head.startsWith('params.')) return undefined;
  const path = head.slice('params.'.length).replace(/\.$/, '');
  return path === '' ? undefined : path;
}

/** What the packs in use can emit, by kind, with the rules (and params) each value comes from. */
export function emittedValues(packs: readonly PackInUse[]): Emitted {
  const out = new Collector();
  for (const { pack, params, enabledRules } of packs) {
    for (const rule of pack.rules) {
      if (!enabledRules.has(rule.key)) continue;
      walk(rule.then, [pack.output], params, out, rule.key);
    }
    if (pack.default) walk(pack.default.then, [pack.output], params, out, `${pack.id}/default`);
  }
  return out.found;
}

/** The values of one kind, sorted (numbers numerically). */
export function valuesOf(emitted: Emitted, kind: EmittedKind): string[] {
  return [...(emitted.get(kind)?.keys() ?? [])].sort((a, b) => Number(a) - Number(b) || a.localeCompare(b));
}
