import { compileExpression, truthy } from './compile.ts';
import { ExpressionError, type ExpressionProblem } from './errors.ts';
import { operatorPointers, validateExpression } from './validate.ts';
// validate.ts imports the registry, so by the time evaluate runs Koppla's operators are in place.

export type Evaluator = (data: Readonly<Record<string, unknown>>) => unknown;

/**
 * Evaluators of expressions already checked, by identity. Plans are compiled once and
 * deep-frozen, so each expression object is validated and compiled (compile.ts) on its first
 * evaluation only; later calls run the compiled closure: no re-walk, no clone, no interpretation.
 */
const evaluators = new WeakMap<object, Evaluator>();

/**
 * Evaluates a Koppla JSON-Logic expression against `data`. An expression that fails
 * `validateExpression` (an unknown or refused operator, a wrong argument count) is never run.
 * Every failure is an ExpressionError naming the operator, and its pointer when unambiguous.
 */
export function evaluate(expression: unknown, data: Readonly<Record<string, unknown>>): unknown {
  if (expression === null || typeof expression !== 'object') return expression;
  const known = evaluators.get(expression);
  return known === undefined ? evaluatorOf(expression)(data) : known(data);
}

/**
 * `(data) => evaluate(expression, data)`, prepared once: what a caller that holds on to the
 * expression (a compiled template) runs. An invalid expression gives a function that throws the
 * validation error on each call, as evaluate does.
 */
export function evaluator(expression: unknown): Evaluator {
  if (expression === null || typeof expression !== 'object') return () => expression;
  return evaluators.get(expression) ?? evaluatorOf(expression);
}

function evaluatorOf(expression: object): Evaluator {
  const problems = validateExpression(expression);
  if (problems.length > 0) {
    // Not remembered: evaluate validates an invalid expression again each time, as it always did.
    return () => {
      throw invalid(problems);
    };
  }
  const run = compileExpression(expression);
  const evaluateCompiled: Evaluator = (data) => {
    try {
      return run(data);
    } catch (error) {
      throw locate(error, expression);
    }
  };
  evaluators.set(expression, evaluateCompiled);
  return evaluateCompiled;
}

function invalid(problems: readonly ExpressionProblem[]): ExpressionError {
  const listed = problems
    .map((p) => `${p.message} (at ${p.pointer === '' ? 'the root' : p.pointer})`)
    .join('; ');
  return new ExpressionError(`invalid expression: ${listed}`, { problems, pointer: problems[0]!.pointer });
}

function locate(error: unknown, expression: object): ExpressionError {
  if (!(error instanceof ExpressionError)) {
    const message = error instanceof Error ? error.message : String(error);
    return new ExpressionError(`expression failed: ${message}`, { cause: error });
  }
  if (error.pointer !== undefined || error.operator === undefined) return error;
  const pointers = operatorPointers(expression, error.operator);
  return pointers.length === 1 ? error.located({ pointer: pointers[0]! }) : error;
}

/** JSON-Logic truthiness (an empty array is false), for `if` gates and `where` filters. */
export function isTruthy(value: unknown): boolean {
  return truthy(value);
}
