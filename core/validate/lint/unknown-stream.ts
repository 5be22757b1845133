import { didYouMean } from '../did-you-mean.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

export const unknownStream: PipelineLintRule = {
  id: 'unknown-stream',
  description: 'The source reads a stream its connector offers.',
  check(context) {
    const { connection, stream } = context.pipeline.source;
    const connectorId = context.pipeline.connections[connection]?.connector;
    const connector = connectorId ? context.connectors.get(connectorId) : undefined;
    if (!connector || Object.hasOwn(connector.streams, stream)) return [];
    return [
      report(
        context,
        this.id,
        '/source/stream',
        `connector "${connector.id}" has no stream "${stream}"${didYouMean(stream, Object.keys(connector.streams))}`,
      ),
    ];
  },
};
