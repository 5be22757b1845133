import { describeValue } from './args.ts';
import { ExpressionError } from './errors.ts';
import { evaluator, type Evaluator } from './evaluate.ts';
import { childPointer } from './pointer.ts';
import { classifyTemplateNode } from './template-node.ts';

export { collectTemplateVarPaths, validateTemplate, type TemplateVarReference } from './template-inspect.ts';

type Data = Readonly<Record<string, unknown>>;
type NamedTemplates = Readonly<Record<string, unknown>>;

interface RenderState {
  readonly named: NamedTemplates | undefined;
  /** How many `$ref`s deep we are: a cycle must fail, not overflow the stack. */
  readonly depth: number;
}

type Render = (data: Data, state: RenderState) => unknown;

/** Deeper than any sane template, shallow enough to stop a `$ref` cycle early. */
const MAX_REF_DEPTH = 32;

/**
 * Builds a value from a template: a single-key object whose key is an allowed operator is an
 * expression (evaluated); `{ $each: <expr>, as: <name>, emit: <template>, if?: <expr> }` maps
 * over an array, binding each element to `<name>` and its index to `<name>Index` (a null or
 * missing array gives `[]`; emitted `undefined`s are skipped); `{ $ref: <name> }` renders
 * `named[name]`; `{ $omit: <condition>, value: <template> }` is `value`, or nothing when the
 * condition holds (the key, or the array element, is left out); `{ $literal: <value> }` is `value`, untouched; any other object has literal keys
 * with template values (keys that render to `undefined` are left out); arrays render element-wise;
 * scalars are themselves.
 *
 * A template is compiled once per object identity (plans are deep-frozen), so repeated renders do
 * not re-inspect it. The result is new objects and arrays, but values read with `var` or written
 * with `$literal` are shared with the data and the template: treat the result as read-only.
 */
export function renderTemplate(template: unknown, data: Data, named?: NamedTemplates): unknown {
  return compiled(template)(data, { named, depth: 0 });
}

const compiledTemplates = new WeakMap<object, Render>();

function compiled(template: unknown): Render {
  if (template === null || typeof template !== 'object') return () => template;
  let render = compiledTemplates.get(template);
  if (render === undefined) {
    render = compile(template, '');
    compiledTemplates.set(template, render);
  }
  return render;
}

function compile(node: unknown, pointer: string): Render {
  const kind = classifyTemplateNode(node, pointer);
  switch (kind.kind) {
    case 'scalar':
    case 'literal': {
      const { value } = kind;
      return () => value;
    }
    case 'array': {
      const items = kind.items.map((item, index) => compile(item, childPointer(pointer, index)));
      const n = items.length;
      if (kind.items.some((item) => classifyTemplateNode(item, pointer).kind === 'omit')) {
        return (data, state) => items.map((item) => item(data, state)).filter((value) => value !== undefined);
      }
      return (data, state) => {
        const out = new Array<unknown>(n);
        for (let i = 0; i < n; i++) out[i] = items[i]!(data, state);
        return out;
      };
    }
    case 'expression':
      // Validated and compiled to a closure once (evaluate.ts, compile.ts).
      return evaluatorAt(kind.expression, pointer);
    case 'object':
      return compileObject(node as Readonly<Record<string, unknown>>, kind.keys, pointer);
    case 'each':
      return compileEach(kind.source, kind.as, kind.emit, kind.condition, 'condition' in kind, pointer);
    case 'ref':
      return compileRef(kind.name, pointer);
    case 'omit': {
      // undefined is what objects, arrays and $each leave out
      const condition = evaluatorAt(kind.condition, childPointer(pointer, '$omit'));
      const value = compile(kind.value, childPointer(pointer, 'value'));
      return (data, state) => (truthy(condition(data)) ? undefined : value(data, state));
    }
    case 'invalid': {
      const [first] = kind.problems;
      throw new ExpressionError(`invalid template: ${kind.problems.map((p) => p.message).join('; ')}`, {
        problems: kind.problems,
        pointer: first?.pointer ?? pointer,
      });
    }
  }
}

function compileObject(
  node: Readonly<Record<string, unknown>>,
  keys: readonly string[],
  pointer: string,
): Render {
  const n = keys.length;
  const renders = keys.map((key) => compile(node[key], childPointer(pointer, key)));
  if (keys.includes('__proto__')) {
    return (data, state) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < n; i++) {
        const value = renders[i]!(data, state);
        if (value === undefined) continue;
        const key = keys[i]!;
        // A "__proto__" key from JSON is data; plain assignment would set the prototype instead.
        if (key === '__proto__') define(out, key, value);
        else out[key] = value;
      }
      return out;
    };
  }
  return (data, state) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const value = renders[i]!(data, state);
      if (value !== undefined) out[keys[i]!] = value;
    }
    return out;
  };
}

function compileEach(
  source: unknown,
  as: string,
  emit: unknown,
  condition: unknown,
  hasCondition: boolean,
  pointer: string,
): Render {
  const renderEmit = compile(emit, childPointer(pointer, 'emit'));
  const sourcePointer = childPointer(pointer, '$each');
  const evaluateSource = evaluatorAt(source, sourcePointer);
  const evaluateCondition = hasCondition ? evaluatorAt(condition, childPointer(pointer, 'if')) : undefined;
  const indexName = `${as}Index`;
  // `as` is an identifier, and "__proto__" is one: assigning it would set the prototype instead.
  const protoName = as === '__proto__';
  return (data, state) => {
    const items = evaluateSource(data);
    if (items === null || items === undefined) return [];
    if (!Array.isArray(items)) {
      throw new ExpressionError(`$each: expected an array to iterate, got ${describeValue(items)}`, {
        pointer: sourcePointer,
      });
    }
    // Each element sees a copy of the data with its own keys, in order, then `as` and `indexName`:
    // the same object as { ...data, [as]: item, [indexName]: index }. Object.assign into {} is
    // about ten times faster in V8 than a spread followed by new keys, and equal unless the data
    // has an own "__proto__" key, which assignment would turn into the prototype.
    const assignable = !Object.hasOwn(data, '__proto__');
    const out: unknown[] = [];
    for (let index = 0; index < items.length; index++) {
      const itemData: Record<string, unknown> = assignable ? Object.assign({}, data) : { ...data };
      if (protoName) define(itemData, as, items[index]);
      else itemData[as] = items[index];
      itemData[indexName] = index;
      if (evaluateCondition !== undefined && !truthy(evaluateCondition(itemData))) continue;
      const value = renderEmit(itemData, state);
      if (value !== undefined) out.push(value);
    }
    return out;
  };
}

function compileRef(name: string, pointer: string): Render {
  return (data, state) => {
    const { named } = state;
    if (named === undefined || !Object.hasOwn(named, name)) {
      throw new ExpressionError(`$ref: there is no template named "${name}"`, {
        pointer: childPointer(pointer, '$ref'),
      });
    }
    if (state.depth >= MAX_REF_DEPTH) {
      throw new ExpressionError(
        `$ref "${name}": templates nest deeper than ${MAX_REF_DEPTH} (a $ref cycle?)`,
        {
          pointer: childPointer(pointer, '$ref'),
        },
      );
    }
    try {
      return compiled(named[name])(data, { named, depth: state.depth + 1 });
    } catch (error) {
      // Point into the named template, where the mistake is; the innermost template wins.
      if (error instanceof ExpressionError && error.template === undefined)
        throw error.located({ template: name });
      throw error;
    }
  };
}

/**
 * `evaluate(expression, data)` for the expression at `pointer`, prepared once; a failure is
 * located at the expression's place in the template.
 */
function evaluatorAt(expression: unknown, pointer: string): (data: Data) => unknown {
  if (expression === null || typeof expression !== 'object') return () => expression;
  const run: Evaluator = evaluator(expression);
  return (data) => {
    try {
      return run(data);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      throw error.located({ pointer: pointer + (error.pointer ?? '') });
    }
  };
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON-Logic's truthiness, where an empty array is false. */
function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
