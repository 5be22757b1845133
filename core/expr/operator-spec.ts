import { ExpressionError } from './errors.ts';

/** Where an argument sits, so a coercion failure can name operator, position and parameter. */
export interface ArgSite {
  readonly operator: string;
  readonly param: string;
  /** 1-based, as a person counts arguments. */
  readonly position: number;
}

/** Turns a raw JSON-Logic argument into what the operator works with, or throws ExpressionError. */
export type Coerce<T> = (value: unknown, site: ArgSite) => T;

interface ParamBase<T> {
  readonly name: string;
  readonly optional: boolean;
  readonly coerce: Coerce<T>;
}
export interface SingleParam<T> extends ParamBase<T> {
  readonly rest: false;
}
export interface RestParam<T> extends ParamBase<T> {
  readonly rest: true;
}
export type Param<T> = SingleParam<T> | RestParam<T>;

export function required<T>(name: string, coerce: Coerce<T>): SingleParam<T> {
  return { name, optional: false, rest: false, coerce };
}

/**
 * An optional parameter. JSON-Logic turns a missing `var` into null, so null counts as "not given"
 * too: `money.round(x, {var: params.decimals})` falls back to the default when the param is unset.
 */
export function optional<T>(name: string, coerce: Coerce<T>, fallback: T): SingleParam<T> {
  return {
    name,
    optional: true,
    rest: false,
    coerce: (value, site) => (value === undefined || value === null ? fallback : coerce(value, site)),
  };
}

/** Any number of trailing arguments, each coerced the same way. */
export function rest<T>(name: string, coerce: Coerce<T>): RestParam<T> {
  return { name, optional: true, rest: true, coerce };
}

type ParamValues<P extends readonly Param<unknown>[]> = {
  [K in keyof P]: P[K] extends RestParam<infer T> ? T[] : P[K] extends SingleParam<infer T> ? T : never;
};

/** A custom operator as the registry knows it: the callable plus what lint and docs need. */
export interface OperatorSpec {
  readonly name: string;
  /** One or two sentences for the JSON Schema, editor hovers and `koppla explain`. */
  readonly description: string;
  readonly params: readonly Param<unknown>[];
  readonly minArgs: number;
  /** `Infinity` when the last parameter is a rest parameter. */
  readonly maxArgs: number;
  /** `money.round(value, decimals?, mode?)`. */
  readonly signature: string;
  /** What json-logic-js calls: raw arguments in, result out. */
  readonly fn: (...args: unknown[]) => unknown;
}

export interface OperatorDefinition<P extends readonly Param<unknown>[]> {
  readonly name: string;
  readonly description: string;
  readonly params: P;
  /** Receives coerced arguments: operators never see raw JSON-Logic values. */
  readonly run: (...args: ParamValues<P>) => unknown;
}

export function defineOperator<const P extends readonly Param<unknown>[]>(
  definition: OperatorDefinition<P>,
): OperatorSpec {
  const { name, params } = definition;
  const run = definition.run as (...args: unknown[]) => unknown;
  const restIndex = params.findIndex((p) => p.rest);
  if (restIndex !== -1 && restIndex !== params.length - 1) {
    throw new Error(`${name}: only the last parameter may be a rest parameter`);
  }
  const minArgs = params.filter((p) => !p.optional).length;
  const maxArgs = restIndex === -1 ? params.length : Infinity;
  // Sites are fixed per parameter; building them once keeps the hot path allocation-light.
  const sites: ArgSite[] = params.map((p, i) => ({ operator: name, param: p.name, position: i + 1 }));

  const fn = (...args: unknown[]): unknown => {
    if (args.length > maxArgs) {
      const limit = `${maxArgs} argument${maxArgs === 1 ? '' : 's'}`;
      throw new ExpressionError(`${name}: takes at most ${limit}, got ${args.length}`, { operator: name });
    }
    const values: unknown[] = new Array(params.length);
    for (let i = 0; i < params.length; i++) {
      const param = params[i]!;
      if (param.rest) {
        const tail: unknown[] = [];
        for (let j = i; j < args.length; j++) {
          tail.push(param.coerce(args[j], { operator: name, param: param.name, position: j + 1 }));
        }
        values[i] = tail;
      } else if (i >= args.length && !param.optional) {
        throw new ExpressionError(`${name}: argument ${i + 1} (${param.name}) is missing`, {
          operator: name,
        });
      } else {
        values[i] = param.coerce(args[i], sites[i]!);
      }
    }
    return run(...values);
  };

  return Object.freeze({
    name,
    description: definition.description,
    params,
    minArgs,
    maxArgs,
    signature: `${name}(${params.map((p) => (p.rest ? `...${p.name}` : p.optional ? `${p.name}?` : p.name)).join(', ')})`,
    fn,
  });
}
