import jsonLogic, { type AdditionalOperation, type RulesLogic } from 'json-logic-js';
import { ExpressionError } from './errors.ts';
import { operatorPointers, validateExpression } from './validate.ts';
// validate.ts imports the registry, so by the time evaluate runs Koppla's operators are in place.

/**
 * Expressions already checked, by identity. Plans are compiled once and deep-frozen, so each
 * expression object is validated on its first evaluation only and later calls go straight to
 * json-logic-js: no re-walk, no clone.
 */
const validated = new WeakSet<object>();

/**
 * Evaluates a Koppla JSON-Logic expression against `data`. An expression that fails
 * `validateExpression` (an unknown or refused operator, a wrong argument count) is never run.
 * Every failure is an ExpressionError naming the operator, and its pointer when unambiguous.
 */
export function evaluate(expression: unknown, data: Readonly<Record<string, unknown>>): unknown {
  if (expression === null || typeof expression !== 'object') return expression;
  if (!validated.has(expression)) {
    const problems = validateExpression(expression);
    if (problems.length > 0) {
      const listed = problems
        .map((p) => `${p.message} (at ${p.pointer === '' ? 'the root' : p.pointer})`)
        .join('; ');
      throw new ExpressionError(`invalid expression: ${listed}`, { problems, pointer: problems[0]!.pointer });
    }
    validated.add(expression);
  }
  try {
    return jsonLogic.apply(expression as RulesLogic<AdditionalOperation>, data) as unknown;
  } catch (error) {
    throw locate(error, expression);
  }
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
  return jsonLogic.truthy(value);
}
