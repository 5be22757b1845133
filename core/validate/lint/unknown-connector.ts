import { didYouMean } from '../did-you-mean.ts';
import { joinPointer } from '../../config/index.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

export const unknownConnector: PipelineLintRule = {
  id: 'unknown-connector',
  description: 'Every connection names a registered connector plugin.',
  check(context) {
    return Object.entries(context.pipeline.connections).flatMap(([name, connection]) =>
      context.connectors.has(connection.connector)
        ? []
        : [
            report(
              context,
              this.id,
              joinPointer('/connections', name, 'connector'),
              `unknown connector "${connection.connector}"${didYouMean(connection.connector, context.connectors.keys())}`,
            ),
          ],
    );
  },
};
