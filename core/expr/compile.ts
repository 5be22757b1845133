import jsonLogic, { type AdditionalOperation, type RulesLogic } from 'json-logic-js';
import { builtinOperator, customOperator } from './registry.ts';
import { pathReader, readPath } from './var-operator.ts';

/**
 * Compiles a JSON-Logic expression into a closure tree, once per expression object: the
 * interpreter's per-node work (Object.keys, operator lookup, is_logic checks, argument arrays,
 * path splitting) happens at compile time instead of on every evaluation.
 *
 * The result behaves exactly like `jsonLogic.apply` on the table registry.ts set up (json-logic-js
 * 2.0.5 semantics, Koppla's `var`, the custom operators, the refused built-ins missing):
 * - arguments are evaluated depth-first, left to right, before the operator runs, except in
 *   if/and/or (lazy) and map/filter/reduce/all/none/some (the second argument per element);
 * - an array evaluates to a new array of its evaluated elements; an object that is not
 *   `{ operator: args }` (zero or several keys) is returned as it is;
 * - an operator the table does not hold (a refused built-in, an unknown name) is left to
 *   json-logic-js itself, which fails the same way it always did. Validated expressions never
 *   reach that path; test/unit/expr/compile.test.ts compares both on random expressions.
 *
 * Plans and packs are deep-frozen, so object identity is a safe cache key. An expression object
 * that is changed after its first evaluation keeps its first meaning.
 */
export type CompiledExpression = (data: unknown) => unknown;

const compiledByExpression = new WeakMap<object, CompiledExpression>();

export function compileExpression(expression: unknown): CompiledExpression {
  if (expression === null || typeof expression !== 'object') return constant(expression);
  let compiled = compiledByExpression.get(expression);
  if (compiled === undefined) {
    compiled = compileNode(expression);
    compiledByExpression.set(expression, compiled);
  }
  return compiled;
}

/** JSON-Logic truthiness: JavaScript's, except that an empty array is false. */
export function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length !== 0 : Boolean(value);
}

type Args = readonly CompiledExpression[];

const returnNull: CompiledExpression = () => null;
const returnUndefined: CompiledExpression = () => undefined;

function constant(value: unknown): CompiledExpression {
  if (value === null) return returnNull;
  if (value === undefined) return returnUndefined;
  return () => value;
}

/** json-logic-js's is_logic: a non-array object with exactly one own enumerable key. */
function isLogic(value: unknown): value is Readonly<Record<string, unknown>> {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1
  );
}

/** True for a value with no operator inside, which evaluates to itself (arrays to a copy). */
function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function compileNode(node: unknown): CompiledExpression {
  if (Array.isArray(node)) return compileArray(node);
  if (!isLogic(node)) return constant(node);
  const op = Object.keys(node)[0]!;
  const raw = node[op];
  const values: readonly unknown[] = Array.isArray(raw) ? raw : [raw];

  switch (op) {
    case 'if':
    case '?:':
      return compileIf(values.map(compileNode));
    case 'and':
      return compileAnd(values.map(compileNode));
    case 'or':
      return compileOr(values.map(compileNode));
    case 'filter':
    case 'map':
    case 'reduce':
    case 'all':
    case 'none':
    case 'some':
      return compileScoped(op, values);
  }

  if (op === 'var' && builtinOperator(op) !== undefined) return compileVar(values);
  const args = values.map(compileNode);
  const custom = customOperator(op);
  if (custom !== undefined) return compileCall(custom.fn, args);
  const builtin = builtinOperator(op) === undefined ? undefined : BUILTINS.get(op);
  if (builtin !== undefined) return builtin(args);
  // Not in the table Koppla set up: json-logic-js throws "Unrecognized operation …" after
  // evaluating the arguments; let it, so the failure stays exactly its own.
  return (data) => jsonLogic.apply(node as RulesLogic<AdditionalOperation>, data);
}

function compileArray(items: readonly unknown[]): CompiledExpression {
  const compiled = items.map(compileNode);
  const n = compiled.length;
  if (n === 0) return () => [];
  return (data) => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = compiled[i]!(data);
    return out;
  };
}

/** All arguments, evaluated in order: what json-logic-js passes to an operator. */
function evaluateAll(args: Args, data: unknown): unknown[] {
  const n = args.length;
  const out = new Array<unknown>(n);
  for (let i = 0; i < n; i++) out[i] = args[i]!(data);
  return out;
}

// ---- if / and / or: lazy ------------------------------------------------------------------

function compileIf(args: Args): CompiledExpression {
  const n = args.length;
  if (n === 0) return returnNull;
  if (n === 1) return args[0]!;
  if (n === 2) {
    const [cond, then] = args as [CompiledExpression, CompiledExpression];
    return (data) => (truthy(cond(data)) ? then(data) : null);
  }
  if (n === 3) {
    const [cond, then, otherwise] = args as [CompiledExpression, CompiledExpression, CompiledExpression];
    return (data) => (truthy(cond(data)) ? then(data) : otherwise(data));
  }
  return (data) => {
    let i = 0;
    for (; i < n - 1; i += 2) {
      if (truthy(args[i]!(data))) return args[i + 1]!(data);
    }
    return n === i + 1 ? args[i]!(data) : null;
  };
}

function compileAnd(args: Args): CompiledExpression {
  const n = args.length;
  if (n === 0) return returnUndefined;
  if (n === 1) return args[0]!;
  if (n === 2) {
    const [a, b] = args as [CompiledExpression, CompiledExpression];
    return (data) => {
      const first = a(data);
      return truthy(first) ? b(data) : first;
    };
  }
  return (data) => {
    let current: unknown;
    for (let i = 0; i < n; i++) {
      current = args[i]!(data);
      if (!truthy(current)) return current;
    }
    return current;
  };
}

function compileOr(args: Args): CompiledExpression {
  const n = args.length;
  if (n === 0) return returnUndefined;
  if (n === 1) return args[0]!;
  if (n === 2) {
    const [a, b] = args as [CompiledExpression, CompiledExpression];
    return (data) => {
      const first = a(data);
      return truthy(first) ? first : b(data);
    };
  }
  return (data) => {
    let current: unknown;
    for (let i = 0; i < n; i++) {
      current = args[i]!(data);
      if (truthy(current)) return current;
    }
    return current;
  };
}

// ---- map / filter / reduce / all / none / some: the second argument sees each element -------

function compileScoped(op: string, values: readonly unknown[]): CompiledExpression {
  const source = compileNode(values[0]);
  const logic = compileNode(values[1]);
  switch (op) {
    case 'filter': {
      const keep = (datum: unknown): boolean => truthy(logic(datum));
      return (data) => {
        const items = source(data);
        return Array.isArray(items) ? items.filter(keep) : [];
      };
    }
    case 'map': {
      const each = (datum: unknown): unknown => logic(datum);
      return (data) => {
        const items = source(data);
        return Array.isArray(items) ? items.map(each) : [];
      };
    }
    case 'reduce': {
      const hasInitial = typeof values[2] !== 'undefined';
      const initialOf = compileNode(values[2]);
      const step = (accumulator: unknown, current: unknown): unknown => logic({ current, accumulator });
      return (data) => {
        const items = source(data);
        const initial = hasInitial ? initialOf(data) : null;
        return Array.isArray(items) ? items.reduce(step, initial) : initial;
      };
    }
    case 'all':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items) || !items.length) return false;
        for (let i = 0; i < items.length; i++) if (!truthy(logic(items[i]))) return false;
        return true;
      };
    case 'none':
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items) || !items.length) return true;
        for (let i = 0; i < items.length; i++) if (truthy(logic(items[i]))) return false;
        return true;
      };
    default: // some
      return (data) => {
        const items = source(data);
        if (!Array.isArray(items) || !items.length) return false;
        for (let i = 0; i < items.length; i++) if (truthy(logic(items[i]))) return true;
        return false;
      };
  }
}

// ---- var ---------------------------------------------------------------------------------

/** A node that only reads the data and cannot throw: evaluating it early or late is the same. */
function isPureRead(node: unknown): boolean {
  if (isPrimitive(node)) return true;
  if (!isLogic(node) || !Object.hasOwn(node, 'var')) return false;
  const raw = node.var;
  const values: readonly unknown[] = Array.isArray(raw) ? raw : [raw];
  return values.length <= 2 && values.every(isPrimitive);
}

function compileVar(values: readonly unknown[]): CompiledExpression {
  const path = values[0];
  if (values.length <= 2 && isPrimitive(path) && isPureRead(values[1])) {
    // The common case, {"var": "record.lines"}: the path is split here, once.
    if (path === undefined || path === null || path === '') return (data) => data;
    const segments = String(path).split('.');
    const fallback = values[1];
    if (isPrimitive(fallback)) return pathReader(segments, fallback === undefined ? null : fallback);
    // A default that is itself a plain read ({"var": ["a", {"var": "b"}]}) is only read when needed.
    const readFallback = compileNode(fallback);
    const read = pathReader(segments, MISSING);
    return (data) => {
      const value = read(data);
      if (value !== MISSING) return value;
      const alternative = readFallback(data);
      return alternative === undefined ? null : alternative;
    };
  }
  const args = values.map(compileNode);
  return (data) => {
    const evaluated = evaluateAll(args, data);
    return readPath(data, evaluated[0], evaluated[1]);
  };
}

const MISSING: unknown = Symbol('missing');

// ---- custom operators: called directly, without an arguments array where the arity is small --

type OperatorFn = (...args: unknown[]) => unknown;

function compileCall(fn: OperatorFn, args: Args): CompiledExpression {
  switch (args.length) {
    case 0:
      return () => fn();
    case 1: {
      const [a] = args as [CompiledExpression];
      return (data) => fn(a(data));
    }
    case 2: {
      const [a, b] = args as [CompiledExpression, CompiledExpression];
      return (data) => fn(a(data), b(data));
    }
    case 3: {
      const [a, b, c] = args as [CompiledExpression, CompiledExpression, CompiledExpression];
      return (data) => fn(a(data), b(data), c(data));
    }
    default:
      return (data) => fn(...evaluateAll(args, data));
  }
}

// ---- the other built-ins: json-logic-js 2.0.5's own code, with `this` as the data ----------

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON-Logic compares and indexes whatever it is given */
const OPERATIONS: Readonly<Record<string, (this: unknown, ...args: any[]) => unknown>> = {
  '==': (a, b) => a == b,
  '===': (a, b) => a === b,
  '!=': (a, b) => a != b,
  '!==': (a, b) => a !== b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b, c) => (c === undefined ? a < b : a < b && b < c),
  '<=': (a, b, c) => (c === undefined ? a <= b : a <= b && b <= c),
  '!!': (a) => truthy(a),
  '!': (a) => !truthy(a),
  in: (a, b) => {
    if (!b || typeof b.indexOf === 'undefined') return false;
    return b.indexOf(a) !== -1;
  },
  cat: (...values) => values.join(''),
  substr: (source, start, end) => {
    if (end < 0) {
      // JavaScript doesn't support negative end, this emulates PHP behavior
      const temp = String(source).substr(start);
      return temp.substr(0, temp.length + end);
    }
    return String(source).substr(start, end);
  },
  min: (...values) => Math.min(...values),
  max: (...values) => Math.max(...values),
  merge: (...values) => ([] as unknown[]).concat(...values),
  missing(...args) {
    const missing: unknown[] = [];
    const keys: ArrayLike<unknown> = Array.isArray(args[0]) ? args[0] : args;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const value = isPrimitive(key)
        ? readPath(this, key)
        : jsonLogic.apply({ var: key } as RulesLogic<AdditionalOperation>, this);
      if (value === null || value === '') missing.push(key);
    }
    return missing;
  },
  missing_some(need_count, options) {
    const are_missing = jsonLogic.apply(
      { missing: options } as RulesLogic<AdditionalOperation>,
      this,
    ) as unknown[];
    if (options.length - are_missing.length >= need_count) {
      return [];
    } else {
      return are_missing;
    }
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Operations that ignore `this` and take at most two arguments when given two. */
const BINARY: ReadonlySet<string> = new Set(['==', '===', '!=', '!==', '>', '>=', '<', '<=', 'in']);

/** Built-ins that take their arguments evaluated: the operation, with two-argument fast paths. */
const BUILTINS: ReadonlyMap<string, (args: Args) => CompiledExpression> = new Map(
  Object.entries(OPERATIONS).map(([name, operation]) => {
    const binary = BINARY.has(name) ? (operation as (a: unknown, b: unknown) => unknown) : undefined;
    const compile = (args: Args): CompiledExpression => {
      if (binary !== undefined && args.length === 2) {
        const [a, b] = args as [CompiledExpression, CompiledExpression];
        return (data) => binary(a(data), b(data));
      }
      if (args.length === 1 && (name === '!' || name === '!!')) {
        const [a] = args as [CompiledExpression];
        return name === '!' ? (data) => !truthy(a(data)) : (data) => truthy(a(data));
      }
      return (data) => operation.apply(data, evaluateAll(args, data));
    };
    return [name, compile] as const;
  }),
);
