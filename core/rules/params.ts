import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { KopplaUserError, type Diagnostic } from '../diagnostics/index.ts';
import { joinPointer, parsePointer } from '../config/index.ts';
import { didYouMean } from '../validate/did-you-mean.ts';
import { deepFreeze } from '../data/deep-freeze.ts';
import type { CompiledRulePack } from './types.ts';

// ajv-formats is CommonJS: under ESM its function is the `default` of the imported module
const addFormats = addFormatsModule.default;

export type Params = Readonly<Record<string, unknown>>;

/** A finding in a pack's params schema, relative to the pack's `/params`. */
export interface ParamsSchemaProblem {
  readonly pointer: string;
  readonly onKey: boolean;
  readonly message: string;
}

let ajv: Ajv2020 | undefined;

/**
 * A separate ajv for the packs' own params schemas: it fills in defaults (`useDefaults`), which the
 * shared ajv for Koppla's file formats must never do. Strict about unknown keywords (a misspelt
 * `defualt` would silently drop a default), quiet about type-inference niceties.
 */
function paramsAjv(): Ajv2020 {
  if (!ajv) {
    ajv = new Ajv2020({
      allErrors: true,
      // parentSchema in errors: messages list the parameters the pack does take
      verbose: true,
      useDefaults: true,
      allowUnionTypes: true,
      strictSchema: true,
      strictNumbers: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
    });
    addFormats(ajv);
  }
  return ajv;
}

/** Compiles a params schema, or says what is wrong with it. */
export function compileParamsSchema(schema: Params): {
  validate?: ValidateFunction;
  problems: ParamsSchemaProblem[];
} {
  const instance = paramsAjv();
  if (!instance.validateSchema(schema)) {
    // the meta-schema reports one mistake several times over (enum, type, anyOf): keep the first per place
    const firstPerPlace = (instance.errors ?? []).filter(
      (e, i, all) => all.findIndex((other) => other.instancePath === e.instancePath) === i,
    );
    const problems = firstPerPlace.map((e) => ({
      pointer: e.instancePath,
      onKey: false,
      message: `params schema: ${e.instancePath ? `${e.instancePath.slice(1)} ` : ''}${e.message ?? e.keyword}`,
    }));
    return { problems };
  }
  try {
    return { validate: instance.compile(schema), problems: [] };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const keyword = /unknown keyword: "([^"]+)"/.exec(message)?.[1];
    const at = keyword === undefined ? undefined : findKey(schema, keyword, '');
    return {
      problems: [
        {
          pointer: at ?? '',
          onKey: at !== undefined,
          message: `params schema: ${message}${keyword ? didYouMean(keyword, KNOWN_KEYWORDS) : ''}`,
        },
      ],
    };
  }
}

/** Keywords people most often mean when ajv reports an unknown one. */
const KNOWN_KEYWORDS = [
  'type',
  'default',
  'description',
  'title',
  'enum',
  'const',
  'properties',
  'required',
  'items',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'additionalProperties',
  'examples',
];

/** JSON Pointer of the first key named `key` in a schema tree (for positions of strict-mode errors). */
function findKey(node: unknown, key: string, at: string): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  for (const [k, child] of Object.entries(node)) {
    if (k === key) return joinPointer(at, k);
    const found = findKey(child, key, joinPointer(at, k));
    if (found !== undefined) return found;
  }
  return undefined;
}

// Compiled validators per pack. Kept beside the frozen pack, not in it: ajv writes `.errors` on its
// validate function at every call.
const validators = new WeakMap<CompiledRulePack, ValidateFunction>();
/** The params schema of a pack that declares none: it takes no parameters. */
export const NO_PARAMS_SCHEMA: Params = Object.freeze({ type: 'object', additionalProperties: false });

export function rememberParamsValidator(pack: CompiledRulePack, validate: ValidateFunction): void {
  validators.set(pack, validate);
}

function validatorOf(pack: CompiledRulePack): ValidateFunction {
  let validate = validators.get(pack);
  if (!validate) {
    // a pack not made by compileRulePack (or one without params): compile on first use
    const { validate: compiled, problems } = compileParamsSchema(pack.paramsSchema ?? NO_PARAMS_SCHEMA);
    if (!compiled)
      throw new KopplaUserError(
        `rule pack "${pack.id}": invalid params schema`,
        problems.map((p) => ({
          ...pack.paramsSource,
          severity: 'error' as const,
          rule: 'invalid-params-schema',
          message: p.message,
        })),
      );
    validate = compiled;
    validators.set(pack, validate);
  }
  return validate;
}

// Resolved params per (pack, pipeline params, tenant params), only for frozen inputs: those cannot
// change under us, and the runtime passes the same frozen objects for every record.
const NONE: Params = Object.freeze({});
const resolved = new WeakMap<CompiledRulePack, WeakMap<Params, WeakMap<Params, Params>>>();

/**
 * The pack's params: pipeline params, then the tenant's over them key by key, checked against the
 * pack's schema with defaults filled in, frozen. Throws KopplaUserError (rule `invalid-params`) naming
 * the pack when they do not fit.
 */
export function resolvePackParams(pack: CompiledRulePack, params?: Params, overrides?: Params): Params {
  const base = params ?? NONE;
  const over = overrides ?? NONE;
  const cacheable = Object.isFrozen(base) && Object.isFrozen(over);
  if (cacheable) {
    const hit = resolved.get(pack)?.get(base)?.get(over);
    if (hit) return hit;
  }
  // a copy: ajv writes defaults into the object it checks, and the caller's may be frozen
  const merged = structuredClone({ ...base, ...over }) as Record<string, unknown>;
  const validate = validatorOf(pack);
  if (!validate(merged)) {
    const diagnostics = (validate.errors ?? []).map((e) => paramsDiagnostic(pack, e));
    throw new KopplaUserError(
      `rule pack "${pack.id}": invalid params: ${diagnostics.map((d) => d.message).join('; ')}`,
      diagnostics,
    );
  }
  const result = deepFreeze(merged);
  if (cacheable) {
    let byPack = resolved.get(pack);
    if (!byPack) resolved.set(pack, (byPack = new WeakMap()));
    let byBase = byPack.get(base);
    if (!byBase) byPack.set(base, (byBase = new WeakMap()));
    byBase.set(over, result);
  }
  return result;
}

function paramsDiagnostic(pack: CompiledRulePack, error: ErrorObject): Diagnostic {
  const path = ['params', ...parsePointer(error.instancePath)].join('.');
  const p = error.params as Record<string, unknown>;
  let message: string;
  if (error.keyword === 'additionalProperties') {
    const name = String(p.additionalProperty);
    const allowed = Object.keys(
      (error.parentSchema as { properties?: object } | undefined)?.properties ?? {},
    );
    message =
      allowed.length === 0 && error.instancePath === ''
        ? `pack "${pack.id}" takes no parameters, got "${name}"`
        : `pack "${pack.id}": unknown parameter ${path}.${name}${didYouMean(name, allowed)}`;
  } else if (error.keyword === 'required') {
    message = `pack "${pack.id}": missing parameter ${path}.${String(p.missingProperty)}`;
  } else {
    message = `pack "${pack.id}": ${path} ${error.message ?? `fails ${error.keyword}`}`;
  }
  return { ...pack.paramsSource, severity: 'error', rule: 'invalid-params', message };
}
