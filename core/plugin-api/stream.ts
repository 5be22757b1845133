import type { IsoTimestamp } from '../model/common.ts';
import type { ConnectionSettings, StreamContext } from './context.ts';
import type { JsonSchema } from './json.ts';

export interface StreamReadParams {
  /**
   * Where the previous run stopped: the `cursor` of the last page the runtime committed. Absent on
   * the first run, or when the runtime re-reads from `since`.
   */
  readonly cursor?: string;
  /** Read records changed at or after this instant (the runtime applies the pipeline's lookback). */
  readonly since?: IsoTimestamp;
  /** A hint; the connector may cap it at what the service allows. */
  readonly pageSize?: number;
}

/**
 * A source item the connector could not turn into a record (e.g. an order whose lines do not add
 * up to its total). The runtime dead-letters it and goes on with the rest: one bad item must not
 * stop a pipeline.
 */
export interface RejectedRecord {
  /** What identifies it in the source, e.g. `order:1042`. */
  readonly key: string;
  /** The item as the service sent it. */
  readonly raw: unknown;
  readonly error: {
    readonly message: string;
    readonly kind: string;
    readonly field?: string;
    readonly code?: string;
  };
}

export interface StreamPage<R> {
  readonly records: readonly R[];
  readonly rejected?: readonly RejectedRecord[];
  /** Pass this back as `StreamReadParams.cursor` to continue after this page. */
  readonly cursor: string;
}

/** Records a connector reads from a remote system, oldest first, in pages. */
export interface StreamDefinition<R = unknown, S extends object = ConnectionSettings> {
  readonly description: string;
  /**
   * The schema of one record, or a reference to a canonical model schema, e.g.
   * `{ $ref: MODEL_SCHEMA_IDS.salesOrder }` for a stream that emits `SalesOrder`s.
   */
  readonly recordSchema: JsonSchema;
  /** The record field the stream is ordered by, e.g. `modifiedAt`. */
  readonly cursorField: string;
  /** Yields pages until the stream is exhausted; stops early when `ctx.signal` aborts. */
  read(ctx: StreamContext<S>, params: StreamReadParams): AsyncIterable<StreamPage<R>>;
  /** How long one page may take before the runtime aborts the read (`TransientError`). Default 120 000 ms. */
  readonly timeoutMs?: number;
  /**
   * One record as the service's own API returns it (a WooCommerce order as JSON), mapped as `read`
   * maps it, or `undefined` when `native` is not such a record. Lets `koppla explain --input` take a
   * record copied from the service, not only the canonical one. `settings` are the connection's when
   * known; the mapping must work without them (defaults).
   */
  fromNative?(native: unknown, settings?: Partial<S>): R | undefined;
}

export type AnyStreamDefinition = StreamDefinition<unknown, object>;

/** Types one stream: `defineStream<SalesOrder, Settings>({ … })`. Returns its argument. */
export function defineStream<R, S extends object = ConnectionSettings>(
  definition: StreamDefinition<R, S>,
): StreamDefinition<R, S> {
  return definition;
}
