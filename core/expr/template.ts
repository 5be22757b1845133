import { describeValue } from './args.ts';
import { ExpressionError } from './errors.ts';
import { evaluate } from './evaluate.ts';
import { childPointer } from './pointer.ts';
import { classifyTemplateNode } from './template-node.ts';
import { readPath } from './var-operator.ts';

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
 * `named[name]`; `{ $literal: <value> }` is `value`, untouched; any other object has literal keys
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
      return (data, state) => items.map((render) => render(data, state));
    }
    case 'expression': {
      const { expression } = kind;
      const path = (expression as { var?: unknown }).var;
      // Most template leaves are a plain {"var": "path"}: read it directly, exactly as the
      // registered var operator would, without a trip through json-logic-js.
      if (typeof path === 'string') return (data) => readPath(data, path);
      return (data) => evaluateAt(expression, data, pointer);
    }
    case 'object':
      return compileObject(node as Readonly<Record<string, unknown>>, kind.keys, pointer);
    case 'each':
      return compileEach(kind.source, kind.as, kind.emit, kind.condition, 'condition' in kind, pointer);
    case 'ref':
      return compileRef(kind.name, pointer);
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
  const entries = keys.map((key) => [key, compile(node[key], childPointer(pointer, key))] as const);
  return (data, state) => {
    const out: Record<string, unknown> = {};
    for (const [key, render] of entries) {
      const value = render(data, state);
      if (value === undefined) continue;
      // A "__proto__" key from JSON is data; plain assignment would set the prototype instead.
      if (key === '__proto__')
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
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
  const conditionPointer = childPointer(pointer, 'if');
  const indexName = `${as}Index`;
  return (data, state) => {
    const items = evaluateAt(source, data, sourcePointer);
    if (items === null || items === undefined) return [];
    if (!Array.isArray(items)) {
      throw new ExpressionError(`$each: expected an array to iterate, got ${describeValue(items)}`, {
        pointer: sourcePointer,
      });
    }
    const out: unknown[] = [];
    for (let index = 0; index < items.length; index++) {
      const itemData: Data = { ...data, [as]: items[index], [indexName]: index };
      if (hasCondition && !truthy(evaluateAt(condition, itemData, conditionPointer))) continue;
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

function evaluateAt(expression: unknown, data: Data, pointer: string): unknown {
  try {
    return evaluate(expression, data);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    throw error.located({ pointer: pointer + (error.pointer ?? '') });
  }
}

/** JSON-Logic's truthiness, where an empty array is false. */
function truthy(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}
