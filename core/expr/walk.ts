import { childPointer } from './pointer.ts';
import { builtinOperator } from './registry.ts';

/**
 * What a `var` inside an expression is relative to: the record data, or the array element that
 * map/filter/reduce/all/none/some hand to their second argument.
 */
export type VarScope = 'root' | 'element';

/** One `{ operator: args }` node met while walking an expression. */
export interface OperatorNode {
  readonly operator: string;
  /** The arguments as json-logic-js sees them: a non-array value is one argument. */
  readonly args: readonly unknown[];
  readonly argsIsArray: boolean;
  /** Pointer to the operator's value, e.g. `/and/1/money.add`. */
  readonly pointer: string;
  readonly scope: VarScope;
}

export interface ExpressionVisitor {
  operator?(node: OperatorNode): void;
  /** An object that is not `{ operator: args }`: JSON-Logic would pass it through as data. */
  invalidObject?(value: object, pointer: string): void;
}

/** Where argument `index` of an operator node sits. */
export function argumentPointer(node: OperatorNode, index: number): string {
  return node.argsIsArray ? childPointer(node.pointer, index) : node.pointer;
}

/** Visits every operator node of an expression, depth first, in document order. */
export function walkExpression(
  expression: unknown,
  visitor: ExpressionVisitor,
  pointer = '',
  scope: VarScope = 'root',
): void {
  if (Array.isArray(expression)) {
    expression.forEach((element, index) =>
      walkExpression(element, visitor, childPointer(pointer, index), scope),
    );
    return;
  }
  if (expression === null || typeof expression !== 'object') return;
  const keys = Object.keys(expression);
  if (keys.length !== 1) {
    visitor.invalidObject?.(expression, pointer);
    return;
  }
  const operator = keys[0]!;
  const value = (expression as Record<string, unknown>)[operator];
  const argsIsArray = Array.isArray(value);
  const node: OperatorNode = {
    operator,
    args: argsIsArray ? value : [value],
    argsIsArray,
    pointer: childPointer(pointer, operator),
    scope,
  };
  visitor.operator?.(node);
  const scoped = builtinOperator(operator)?.scoped === true;
  node.args.forEach((arg, index) =>
    walkExpression(arg, visitor, argumentPointer(node, index), scoped && index === 1 ? 'element' : scope),
  );
}

/** True for a value with no operator inside: it evaluates to itself. */
export function isConstant(value: unknown): boolean {
  if (Array.isArray(value)) return value.every(isConstant);
  return value === null || typeof value !== 'object';
}
