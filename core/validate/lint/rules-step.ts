import { report, type PipelineLintRule } from './lint-rule.ts';

export const rulesStep: PipelineLintRule = {
  id: 'rules-step',
  description:
    'A rules.evaluate step has packs to evaluate, and packs are only listed when a step evaluates them.',
  check(context) {
    const { pipeline } = context;
    const packs = pipeline.rules?.packs ?? [];
    const ruleSteps = pipeline.steps.flatMap((s, i) => (s.uses === 'rules.evaluate' ? [i] : []));
    const diagnostics = [];
    if (ruleSteps.length > 0 && packs.length === 0)
      diagnostics.push(
        report(
          context,
          this.id,
          `/steps/${ruleSteps[0]}/uses`,
          'rules.evaluate, but rules.packs lists no pack',
        ),
      );
    if (ruleSteps.length === 0 && packs.length > 0)
      diagnostics.push(
        report(context, this.id, '/rules', 'rule packs are listed but no step uses rules.evaluate', {
          severity: 'warning',
        }),
      );
    for (const extra of ruleSteps.slice(1))
      diagnostics.push(
        report(
          context,
          this.id,
          `/steps/${extra}/uses`,
          'rules.evaluate appears twice; decisions are made once',
        ),
      );
    return diagnostics;
  },
};
