import { didYouMean } from '../did-you-mean.ts';
import { isBuiltinStep, splitUses } from '../../plan/pipeline-document.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

export const unknownConnection: PipelineLintRule = {
  id: 'unknown-connection',
  description: 'The source and every connector step use a connection declared under connections.',
  check(context) {
    const names = Object.keys(context.pipeline.connections);
    const known = new Set(names);
    const diagnostics = [];
    const source = context.pipeline.source.connection;
    if (!known.has(source)) {
      diagnostics.push(
        report(
          context,
          this.id,
          '/source/connection',
          `unknown connection "${source}"${didYouMean(source, names)}`,
        ),
      );
    }
    for (const [i, step] of context.pipeline.steps.entries()) {
      if (isBuiltinStep(step.uses)) continue;
      const { connection } = splitUses(step.uses);
      // `rules.<typo>` is a misspelt built-in step: unknown-operation reports it
      if (!known.has(connection) && connection !== 'rules') {
        const candidates = [...names, 'transform'];
        diagnostics.push(
          report(
            context,
            this.id,
            `/steps/${i}/uses`,
            `"${step.uses}": unknown connection "${connection}"${didYouMean(connection, candidates)}`,
          ),
        );
      }
    }
    return diagnostics;
  },
};
