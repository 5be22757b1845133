import { didYouMean } from '../did-you-mean.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

export const unknownRulePack: PipelineLintRule = {
  id: 'unknown-rule-pack',
  description: 'Every pack under rules.packs is a shipped pack or a local pack file that loads.',
  check(context) {
    return (context.pipeline.rules?.packs ?? []).flatMap((reference, i) =>
      context.packs.has(reference.pack)
        ? []
        : [
            report(
              context,
              this.id,
              `/rules/packs/${i}/pack`,
              `unknown rule pack "${reference.pack}"${didYouMean(reference.pack, context.packs.keys())}`,
            ),
          ],
    );
  },
};
