import { didYouMean } from '../did-you-mean.ts';
import { BUILTIN_STEPS, isBuiltinStep, splitUses } from '../../plan/pipeline-document.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

export const unknownOperation: PipelineLintRule = {
  id: 'unknown-operation',
  description: 'Every step uses an operation its connector offers (or a built-in step).',
  check(context) {
    const diagnostics = [];
    for (const [i, step] of context.pipeline.steps.entries()) {
      if (isBuiltinStep(step.uses)) continue;
      const { connection, operation } = splitUses(step.uses);
      if (connection === 'rules') {
        diagnostics.push(
          report(
            context,
            this.id,
            `/steps/${i}/uses`,
            `unknown step "${step.uses}"${didYouMean(step.uses, Object.keys(BUILTIN_STEPS))}`,
          ),
        );
        continue;
      }
      const connectorId = context.pipeline.connections[connection]?.connector;
      const connector = connectorId ? context.connectors.get(connectorId) : undefined;
      if (!connector || Object.hasOwn(connector.operations, operation)) continue;
      const offered = Object.keys(connector.operations).map((o) => `${connection}.${o}`);
      diagnostics.push(
        report(
          context,
          this.id,
          `/steps/${i}/uses`,
          `connector "${connector.id}" has no operation "${operation}"${didYouMean(step.uses, offered)}`,
        ),
      );
    }
    return diagnostics;
  },
};
