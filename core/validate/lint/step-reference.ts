import { collectTemplateVarPaths, collectVarPaths } from '../../expr/index.ts';
import { didYouMean } from '../did-you-mean.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

/**
 * `steps.<id>` may only name a step that runs earlier; `decisions.*` only after a rules.evaluate
 * step. Otherwise the value is always missing at run time — a silent bug the linter can see.
 */
export const stepReference: PipelineLintRule = {
  id: 'step-reference',
  description: 'steps.<id> names an earlier step; decisions are read only after rules.evaluate.',
  check(context) {
    const { steps } = context.pipeline;
    const named = context.pipeline.templates ?? {};
    const diagnostics = [];
    const ids = steps.map((s) => s.id);
    const rulesAt = steps.findIndex((s) => s.uses === 'rules.evaluate');
    for (const [i, step] of steps.entries()) {
      const references = [
        ...collectVarPaths(step.if, `/steps/${i}/if`),
        ...collectVarPaths(step.lookupFirst?.value, `/steps/${i}/lookupFirst/value`),
        ...collectVarPaths(step.forEach, `/steps/${i}/forEach`),
        ...collectVarPaths(step.key, `/steps/${i}/key`),
        ...collectTemplateVarPaths(step.with, named).map((r) => ({
          ...r,
          pointer: r.template === undefined ? `/steps/${i}/with${r.pointer}` : `/steps/${i}/with`,
        })),
      ].filter((r) => r.scope === 'root');
      for (const ref of references) {
        const [root, target] = ref.path.split('.');
        if (root === 'steps' && target !== undefined) {
          const at = ids.indexOf(target);
          if (at === -1)
            diagnostics.push(
              report(
                context,
                this.id,
                ref.pointer,
                `"${ref.path}": no step "${target}"${didYouMean(target, ids)}`,
              ),
            );
          else if (at >= i)
            diagnostics.push(
              report(
                context,
                this.id,
                ref.pointer,
                at === i
                  ? `"${ref.path}": a step cannot read its own output`
                  : `"${ref.path}": step "${target}" runs after "${step.id}", so its output is not there yet`,
              ),
            );
        } else if (root === 'decisions' && (rulesAt === -1 || rulesAt >= i)) {
          diagnostics.push(
            report(
              context,
              this.id,
              ref.pointer,
              rulesAt === -1
                ? `"${ref.path}": no rules.evaluate step makes decisions`
                : `"${ref.path}": decisions are made by step "${steps[rulesAt]?.id}", which runs later`,
            ),
          );
        }
      }
    }
    return diagnostics;
  },
};
