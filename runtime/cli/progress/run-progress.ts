import cliProgress from 'cli-progress';
import type {
  AnyOperationDefinition,
  AnyStreamDefinition,
  ConnectorDefinition,
  StreamPage,
} from '../../../core/plugin-api/index.ts';
import { ConnectorRegistry } from '../../registry/connector-registry.ts';

/** Where the bar is drawn: a terminal (`isTTY`), or anything else, which gets no bar. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(chunk: string): boolean;
}

/**
 * A progress bar for `koppla run`, drawn only on a terminal: records read so far (the total grows
 * as pages arrive, since a source does not say how many it has), records of finished pages, and
 * the operation calls made. It watches the run through the connectors (`watch`), so the runner
 * needs no hook; a record counts as done once the runner asks for the next page.
 */
export class RunProgress {
  readonly #bar: cliProgress.SingleBar | undefined;
  #read = 0;
  #done = 0;
  #calls = 0;

  constructor(stream: ProgressStream, label: string) {
    if (stream.isTTY !== true) return;
    this.#bar = new cliProgress.SingleBar(
      {
        stream: stream as NodeJS.WritableStream,
        format: `${label} [{bar}] {value}/{total} records | {calls} calls | {duration_formatted}`,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(0, 0, { calls: 0 });
  }

  get enabled(): boolean {
    return this.#bar !== undefined;
  }

  /** The connectors with their streams and operations counted; unchanged when there is no bar. */
  watch(connectors: ConnectorRegistry): ConnectorRegistry {
    if (!this.#bar) return connectors;
    const watched = new ConnectorRegistry();
    for (const id of connectors.manifests().keys())
      watched.register(this.#watchConnector(connectors.get(id)));
    return watched;
  }

  /** Removes the bar (the summary is printed after it). */
  stop(): void {
    if (!this.#bar) return;
    this.#done = this.#read;
    this.#draw();
    this.#bar.stop();
  }

  #watchConnector(connector: ConnectorDefinition): ConnectorDefinition {
    const streams = Object.fromEntries(
      Object.entries(connector.streams).map(([name, stream]) => [name, this.#watchStream(stream)]),
    );
    const operations = Object.fromEntries(
      Object.entries(connector.operations).map(([name, operation]): [string, AnyOperationDefinition] => [
        name,
        {
          ...operation,
          run: async (ctx, input) => {
            this.#calls++;
            this.#draw();
            return operation.run(ctx, input);
          },
        },
      ]),
    );
    return { ...connector, streams, operations };
  }

  #watchStream(stream: AnyStreamDefinition): AnyStreamDefinition {
    // a page asked for means the previous one is done
    const arrived = (records: number) => {
      this.#done = this.#read;
      this.#read += records;
      this.#draw();
    };
    const ended = () => {
      this.#done = this.#read;
      this.#draw();
    };
    return {
      ...stream,
      async *read(ctx, params): AsyncGenerator<StreamPage<unknown>> {
        for await (const page of stream.read(ctx, params)) {
          arrived(page.records.length + (page.rejected?.length ?? 0));
          yield page;
        }
        ended();
      },
    };
  }

  #draw(): void {
    this.#bar?.setTotal(this.#read);
    this.#bar?.update(this.#done, { calls: this.#calls });
  }
}
