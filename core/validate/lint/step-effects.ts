import { isBuiltinStep } from '../../plan/pipeline-document.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

/**
 * forEach, key and shared shape how an operation's effects are kept in the ledger, so they belong on
 * operation steps only; `as` means nothing without forEach, and a shared effect needs the key it is
 * shared under. A `fail` step should say why it stops the record: the message is what the dead letter shows.
 */
export const stepEffects: PipelineLintRule = {
  id: 'step-effects',
  description:
    'forEach, as, key, shared and fresh sit on operation steps (as needs forEach, shared needs key); a fail step has a message.',
  check(context) {
    const diagnostics = [];
    for (const [i, step] of context.pipeline.steps.entries()) {
      const at = (key: string) => `/steps/${i}/${key}`;
      if (isBuiltinStep(step.uses)) {
        for (const key of ['forEach', 'as', 'key', 'shared', 'fresh'] as const) {
          if (step[key] !== undefined)
            diagnostics.push(
              report(context, this.id, at(key), `${key} applies to operation steps, not to ${step.uses}`),
            );
        }
        const message = (step.with as { message?: unknown } | undefined)?.message;
        if (step.uses === 'fail' && message === undefined)
          diagnostics.push(
            report(
              context,
              this.id,
              `/steps/${i}`,
              'a fail step needs with.message: what went wrong and what to fix before the replay',
            ),
          );
        continue;
      }
      if (step.as !== undefined && step.forEach === undefined)
        diagnostics.push(
          report(context, this.id, at('as'), 'as names the element of forEach; this step has none'),
        );
      if (step.fresh === true && step.shared === true)
        diagnostics.push(
          report(context, this.id, at('fresh'), 'a fresh read is never kept, so it cannot be shared'),
        );
      if (step.shared === true && step.key === undefined)
        diagnostics.push(
          report(
            context,
            this.id,
            at('shared'),
            'a shared effect needs key: the value records share it under',
          ),
        );
    }
    return diagnostics;
  },
};
