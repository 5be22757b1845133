import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { modelSchemas } from '../../../core/model/index.ts';

// ajv-formats is CommonJS: under ESM its function is the `default` of the imported module
const addFormats = addFormatsModule.default;

/**
 * An ajv as strict as Koppla's own, which also fails on the warnings strict mode only logs (a union
 * type, a keyword without its type), so a sloppy schema fails the test rather than a log line.
 */
export function strictAjv(): Ajv2020 {
  const fail = (...args: unknown[]): never => {
    throw new Error(`ajv: ${args.map(String).join(' ')}`);
  };
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictTypes: true,
    strictTuples: true,
    allowUnionTypes: true,
    logger: { log: () => undefined, warn: fail, error: fail },
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: 'x-secret', schemaType: 'boolean' });
  return ajv;
}

export function modelAjv(): Ajv2020 {
  const ajv = strictAjv();
  ajv.addSchema([...modelSchemas]);
  return ajv;
}

export interface Finding {
  readonly pointer: string;
  readonly keyword: string;
  readonly params: Record<string, unknown>;
}

/**
 * The distinct errors of a validation as (pointer, keyword, params), the part a diagnostic is built
 * from. ajv adds an `if` error beside every failed `then`, and reports a value again when a
 * conditional rule (e.g. "discount lines are negative") re-checks it; both only repeat what the
 * nested error says, so they are left out.
 */
export function findings(errors: readonly ErrorObject[] | null | undefined): Finding[] {
  const seen = new Set<string>();
  return (errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .map((e) => ({ pointer: e.instancePath, keyword: e.keyword, params: e.params }))
    .filter((f) => {
      const key = `${f.pointer} ${f.keyword}`;
      return !seen.has(key) && Boolean(seen.add(key));
    });
}

/** A deep copy to mutate into an invalid variant; records are plain JSON. */
export function copy<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

type Empty = Record<never, never>;
export type RequiredKeys<T> = { [K in keyof T]-?: Empty extends Pick<T, K> ? never : K }[keyof T];
export type OptionalKeys<T> = { [K in keyof T]-?: Empty extends Pick<T, K> ? K : never }[keyof T];
type Missing<T, L extends readonly unknown[]> = [Exclude<keyof T, L[number]>] extends [never]
  ? unknown
  : { missingKeys: Exclude<keyof T, L[number]> };

/**
 * `keysOf<T>()([...])` compiles only when the list names every key of T, so a field added to a model
 * type without a matching entry here (and in the schema) fails `tsc` and the key test.
 */
export function keysOf<T>() {
  return <const L extends readonly (keyof T & string)[]>(keys: L & Missing<T, L>): readonly string[] => keys;
}

type SchemaNode = { readonly [key: string]: unknown };

/**
 * The object schema at `path` inside the model schema `id`, following `$ref`s on the way and at the
 * end, so a test can compare a nested TS interface with the schema that validates it.
 */
export function schemaAt(id: string, ...path: string[]): SchemaNode {
  let base = id;
  let node = lookup(id);
  for (const step of [...path, '']) {
    while (typeof node.$ref === 'string') {
      const target = new URL(node.$ref, base);
      base = target.href.split('#')[0] ?? base;
      node = lookup(base);
      for (const part of target.hash.replace(/^#\/?/, '').split('/').filter(Boolean))
        node = child(node, part);
    }
    if (step) node = child(node, step);
  }
  return node;
}

function lookup(id: string): SchemaNode {
  const schema = modelSchemas.find((s) => (s as SchemaNode).$id === id);
  if (!schema) throw new Error(`no model schema ${id}`);
  return schema as SchemaNode;
}

function child(node: SchemaNode, key: string): SchemaNode {
  const next = node[key];
  if (typeof next !== 'object' || next === null) throw new Error(`schema has no ${key}`);
  return next as SchemaNode;
}
