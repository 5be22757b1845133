import type { Diagnostic } from '../../diagnostics/index.ts';
import { joinPointer, type YamlSource } from '../../config/index.ts';
import { validateExpression, validateTemplate, type ExpressionProblem } from '../../expr/index.ts';
import { CONDITION_KEY, replaceConditions } from '../conditions.ts';
import type { PackCheck } from './pack-check.ts';

/** Problems that name an operator point at the operator's key, the rest at the offending value. */
const ON_OPERATOR_KEY = new Set(['unknown-operator', 'disallowed-operator']);

/** An expression or template of a pack, where it is written. */
export interface ExpressionRoot {
  readonly pointer: string;
  readonly kind: 'expression' | 'template';
  readonly value: unknown;
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Every expression (conditions, `when`) and template (`then`) of a pack. Tolerant of a document that
 * failed its schema, so schema findings inside expressions can be replaced by these sharper ones.
 */
export function expressionRoots(document: unknown): ExpressionRoot[] {
  if (!isObject(document)) return [];
  const roots: ExpressionRoot[] = [];
  if (isObject(document.conditions)) {
    for (const [name, value] of Object.entries(document.conditions)) {
      roots.push({ pointer: joinPointer('/conditions', name), kind: 'expression', value });
    }
  }
  if (Array.isArray(document.rules)) {
    document.rules.forEach((rule: unknown, i) => {
      if (!isObject(rule)) return;
      if (Object.hasOwn(rule, 'when'))
        roots.push({ pointer: `/rules/${i}/when`, kind: 'expression', value: rule.when });
      if (Object.hasOwn(rule, 'then'))
        roots.push({ pointer: `/rules/${i}/then`, kind: 'template', value: rule.then });
    });
  }
  if (isObject(document.default) && Object.hasOwn(document.default, 'then')) {
    roots.push({ pointer: '/default/then', kind: 'template', value: document.default.then });
  }
  return roots;
}

/**
 * `{ condition: name }` is the pack's own reference, not an operator (unknown-condition checks it).
 * It stands in as a `var`: valid everywhere, and, unlike a literal, not checked as a literal argument.
 */
const CONDITION_STAND_IN = Object.freeze({ var: 'condition' });

export function withoutConditionReferences(expression: unknown): unknown {
  return replaceConditions(expression, () => CONDITION_STAND_IN);
}

/**
 * The expression layer's findings for one root, each under the layer's own problem code:
 * `unknown-operator` (with did-you-mean), `disallowed-operator`, `argument-count`,
 * `invalid-argument`, `not-an-expression`, `invalid-template`.
 */
export function expressionDiagnostics(source: YamlSource, root: ExpressionRoot): Diagnostic[] {
  const problems: ExpressionProblem[] =
    root.kind === 'expression'
      ? validateExpression(withoutConditionReferences(root.value))
      : validateTemplate(root.value);
  return problems.map((problem) => {
    const pointer = root.pointer + problem.pointer;
    const position = ON_OPERATOR_KEY.has(problem.code)
      ? source.keyPositionOf(pointer)
      : source.positionOf(pointer);
    const message =
      root.kind === 'template' && problem.code === 'unknown-operator' && pointer.endsWith(`/${CONDITION_KEY}`)
        ? `${problem.message}: named conditions work in when and in conditions, not in then`
        : problem.message;
    return { ...position, severity: 'error', rule: problem.code, message, pointer };
  });
}

export const expressionProblems: PackCheck = {
  id: 'unknown-operator',
  description:
    'Expressions use only Koppla operators, with the right number and kind of arguments; templates are well-formed.',
  check(context) {
    return expressionRoots(context.pack).flatMap((root) => expressionDiagnostics(context.source, root));
  },
};
