import { report, type PipelineLintRule } from './lint-rule.ts';

export const duplicateId: PipelineLintRule = {
  id: 'duplicate-id',
  description: 'Step ids are unique, and a pack is used at most once per pipeline.',
  check(context) {
    const diagnostics = [];
    const firstStep = new Map<string, number>();
    for (const [i, step] of context.pipeline.steps.entries()) {
      const first = firstStep.get(step.id);
      if (first === undefined) firstStep.set(step.id, i);
      else
        diagnostics.push(
          report(
            context,
            this.id,
            `/steps/${i}/id`,
            `duplicate step id "${step.id}" (first used by step ${first + 1})`,
          ),
        );
    }
    const firstPack = new Map<string, number>();
    for (const [i, reference] of (context.pipeline.rules?.packs ?? []).entries()) {
      const id = context.packs.get(reference.pack)?.id ?? reference.pack;
      const first = firstPack.get(id);
      if (first === undefined) firstPack.set(id, i);
      else
        diagnostics.push(
          report(context, this.id, `/rules/packs/${i}/pack`, `rule pack "${id}" is listed twice`),
        );
    }
    return diagnostics;
  },
};
