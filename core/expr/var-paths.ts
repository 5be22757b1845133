import { argumentPointer, walkExpression, type VarScope } from './walk.ts';

/** A data path an expression reads, for lint rules that check `var` roots. */
export interface VarReference {
  /** The dotted path as written: `record.customer.email`; `""` is the whole data. */
  readonly path: string;
  /** Pointer to the reference, relative to the expression root: `/and/0/var`. */
  readonly pointer: string;
  /**
   * `root`: relative to the data the expression is evaluated with. `element`: inside the second
   * argument of map/filter/reduce/all/none/some, relative to the array element (reduce:
   * `current` / `accumulator`); a root check does not apply to these.
   */
  readonly scope: VarScope;
}

/**
 * Every data path an expression reads: each `var` with a literal path, and the literal paths of
 * `missing` and `missing_some` (they read data the same way). A `var` whose path is itself
 * computed cannot be known statically and is not reported; the expression computing it is walked.
 */
export function collectVarPaths(expression: unknown, prefix = ''): VarReference[] {
  const references: VarReference[] = [];
  walkExpression(
    expression,
    {
      operator: (node) => {
        const add = (path: unknown, pointer: string): void => {
          const literal = literalPath(path);
          if (literal !== undefined) references.push({ path: literal, pointer, scope: node.scope });
        };
        if (node.operator === 'var') {
          add(node.args[0], node.pointer);
        } else if (node.operator === 'missing') {
          const [first] = node.args;
          if (node.args.length === 1 && Array.isArray(first)) {
            first.forEach((path, index) => add(path, `${argumentPointer(node, 0)}/${index}`));
          } else {
            node.args.forEach((path, index) => add(path, argumentPointer(node, index)));
          }
        } else if (node.operator === 'missing_some' && Array.isArray(node.args[1])) {
          node.args[1].forEach((path, index) => add(path, `${argumentPointer(node, 1)}/${index}`));
        }
      },
    },
    prefix,
  );
  return references;
}

function literalPath(path: unknown): string | undefined {
  if (path === undefined || path === null) return '';
  if (typeof path === 'string') return path;
  if (typeof path === 'number' && Number.isInteger(path)) return String(path);
  return undefined;
}
