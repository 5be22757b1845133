import { joinPointer } from '../config/index.ts';

/** The operator that names a pack condition: `{ condition: isEU }`. Not a JSON-Logic operator. */
export const CONDITION_KEY = 'condition';

export interface ConditionReference {
  /** The referenced name; undefined when `condition` was not given a string. */
  readonly name: string | undefined;
  /** Pointer of the `{ condition: … }` node inside the document. */
  readonly pointer: string;
}

export function isConditionNode(node: unknown): node is { condition: unknown } {
  return (
    node !== null &&
    typeof node === 'object' &&
    !Array.isArray(node) &&
    Object.keys(node).length === 1 &&
    Object.hasOwn(node, CONDITION_KEY)
  );
}

/** Every `{ condition: … }` in an expression, with its pointer (`base` is the expression's own). */
export function conditionReferences(expression: unknown, base: string): ConditionReference[] {
  const found: ConditionReference[] = [];
  const walk = (node: unknown, at: string): void => {
    if (isConditionNode(node)) {
      found.push({ name: typeof node.condition === 'string' ? node.condition : undefined, pointer: at });
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, joinPointer(at, i)));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) walk(child, joinPointer(at, key));
    }
  };
  walk(expression, base);
  return found;
}

/**
 * A copy of `expression` with every `{ condition: name }` replaced by `resolve(name)`. Callers make
 * sure names exist and do not form a cycle (the compile checks do).
 */
export function replaceConditions(expression: unknown, resolve: (name: string) => unknown): unknown {
  if (isConditionNode(expression)) return resolve(String(expression.condition));
  if (Array.isArray(expression)) return expression.map((item) => replaceConditions(item, resolve));
  if (expression !== null && typeof expression === 'object') {
    return Object.fromEntries(Object.entries(expression).map(([k, v]) => [k, replaceConditions(v, resolve)]));
  }
  return expression;
}

/** Every condition with its references expanded, recursively. Assumes no unknown names and no cycles. */
export function inlineConditions(conditions: Readonly<Record<string, unknown>>): Map<string, unknown> {
  const done = new Map<string, unknown>();
  const resolve = (name: string): unknown => {
    if (!done.has(name)) done.set(name, replaceConditions(conditions[name], resolve));
    return done.get(name);
  };
  for (const name of Object.keys(conditions)) resolve(name);
  return done;
}
