import { validateExpression, validateTemplate, type ExpressionProblem } from '../../expr/index.ts';
import { expressionSites } from './expression-sites.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

const RULE_FOR_PROBLEM: Record<ExpressionProblem['code'], string> = {
  'unknown-operator': 'unknown-operator',
  'disallowed-operator': 'unknown-operator',
  'argument-count': 'invalid-expression',
  'invalid-argument': 'invalid-expression',
  'not-an-expression': 'invalid-expression',
  'invalid-template': 'invalid-template',
  'unknown-template-ref': 'unknown-template',
  'template-ref-cycle': 'unknown-template',
};

/**
 * Every expression and template in the pipeline: operators Koppla knows, argument counts, `$each`
 * and `$ref` shapes. Reported under the specific rule ids above, at the operator's position.
 */
export const expressions: PipelineLintRule = {
  id: 'invalid-expression',
  description:
    'Expressions use known operators correctly; templates are well formed and $ref existing templates.',
  check(context) {
    const named = context.pipeline.templates ?? {};
    return expressionSites(context.pipeline).flatMap((site) => {
      const problems =
        site.kind === 'expression'
          ? validateExpression(site.value, site.pointer)
          : validateTemplate(site.value, named);
      return problems.map((problem) => {
        const pointer = site.kind === 'template' ? `${site.pointer}${problem.pointer}` : problem.pointer;
        return report(context, RULE_FOR_PROBLEM[problem.code], pointer, problem.message);
      });
    });
  },
};
