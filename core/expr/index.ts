/**
 * Koppla's expression layer: JSON-Logic with a frozen operator set, exact decimal money, pure
 * dates, and templates that build connector payloads. Nothing outside core/expr imports
 * json-logic-js; everything goes through here.
 */
export {
  ExpressionError,
  type ExpressionErrorDetails,
  type ExpressionProblem,
  type ExpressionProblemCode,
} from './errors.ts';
export { evaluate, isTruthy } from './evaluate.ts';
export { validateExpression } from './validate.ts';
export { collectVarPaths, type VarReference } from './var-paths.ts';
export type { VarScope } from './walk.ts';
export { OPERATORS, describeOperator, type OperatorInfo } from './registry.ts';
export {
  collectTemplateVarPaths,
  renderTemplate,
  validateTemplate,
  type TemplateVarReference,
} from './template.ts';
