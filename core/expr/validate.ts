import { ExpressionError, type ExpressionProblem } from './errors.ts';
import type { OperatorSpec } from './operator-spec.ts';
import { OPERATORS, customOperator, describeOperator, disallowedBuiltin } from './registry.ts';
import { nearestName } from '../data/nearest-name.ts';
import { argumentPointer, isConstant, walkExpression, type OperatorNode } from './walk.ts';

/**
 * Static checks of an expression: operators Koppla does not know (with the nearest valid name)
 * or refuses, wrong argument counts, literal arguments an operator would reject at run time
 * (`{"money.add": [{"var": "x"}, 0.1]}`), and objects that are not `{ operator: args }`.
 * Pointers are relative to the expression root; `prefix` prepends the expression's own location.
 */
export function validateExpression(expression: unknown, prefix = ''): ExpressionProblem[] {
  const problems: ExpressionProblem[] = [];
  walkExpression(
    expression,
    {
      operator: (node) => problems.push(...checkOperator(node)),
      invalidObject: (value, pointer) => problems.push(notAnExpression(value, pointer)),
    },
    prefix,
  );
  return problems;
}

export function checkOperator(node: OperatorNode): ExpressionProblem[] {
  const { operator, pointer } = node;
  if (!OPERATORS.has(operator)) return [unknownOperator(operator, pointer)];

  const info = describeOperator(operator)!;
  const count = node.args.length;
  if (count < info.minArgs || count > info.maxArgs) {
    return [
      {
        code: 'argument-count',
        pointer,
        message: `${operator} takes ${arityText(info.minArgs, info.maxArgs)} (${info.signature}), got ${count}`,
      },
    ];
  }
  const custom = customOperator(operator);
  return custom === undefined ? [] : checkLiteralArguments(custom, node);
}

export function unknownOperator(operator: string, pointer: string): ExpressionProblem {
  const refused = disallowedBuiltin(operator);
  if (refused !== undefined) {
    return {
      code: 'disallowed-operator',
      pointer,
      message: `operator "${operator}" is not allowed: ${refused.reason}`,
      ...(refused.instead === undefined ? {} : { suggestion: refused.instead }),
    };
  }
  const suggestion = nearestName(operator, OPERATORS);
  return {
    code: 'unknown-operator',
    pointer,
    message: `unknown operator "${operator}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`,
    ...(suggestion === undefined ? {} : { suggestion }),
  };
}

function notAnExpression(value: object, pointer: string): ExpressionProblem {
  const keys = Object.keys(value);
  return {
    code: 'not-an-expression',
    pointer,
    message:
      keys.length === 0
        ? 'an empty object is not an expression'
        : `an object in an expression must have exactly one key, its operator; this one has ${keys.length} ` +
          `(${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''}). Tables belong in params, read with lookup`,
  };
}

function arityText(min: number, max: number): string {
  const plural = (n: number): string => `${n} argument${n === 1 ? '' : 's'}`;
  if (max === Infinity) return `at least ${plural(min)}`;
  if (min === max) return plural(min);
  return `${min} to ${plural(max)}`;
}

/** Runs the operator's own coercion on arguments that are literals: the run-time check, early. */
function checkLiteralArguments(spec: OperatorSpec, node: OperatorNode): ExpressionProblem[] {
  const problems: ExpressionProblem[] = [];
  node.args.forEach((arg, index) => {
    const param = spec.params[Math.min(index, spec.params.length - 1)];
    if (param === undefined || !isConstant(arg)) return;
    try {
      param.coerce(arg, { operator: spec.name, param: param.name, position: index + 1 });
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.push({
        code: 'invalid-argument',
        pointer: argumentPointer(node, index),
        message: error.message,
      });
    }
  });
  return problems;
}

/** Pointers of every node using `operator`: lets a run-time error name its node when unique. */
export function operatorPointers(expression: unknown, operator: string): string[] {
  const pointers: string[] = [];
  walkExpression(expression, {
    operator: (node) => {
      if (node.operator === operator) pointers.push(node.pointer);
    },
  });
  return pointers;
}
