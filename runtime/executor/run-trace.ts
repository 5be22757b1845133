import { AsyncLocalStorage } from 'node:async_hooks';
import diagnostics from 'node:diagnostics_channel';
import type { RecordOutcome } from '../../core/plan/execute-record.ts';
import type { AnyStreamDefinition, StreamPage } from '../../core/plugin-api/index.ts';

/** What one run spent on one connection. */
export interface ConnectionUsage {
  /** HTTP requests sent (token refreshes and retries included): what the service's rate limit counts. */
  requests: number;
  /** Operation calls (run or lookup) of the pipeline's steps. */
  operations: number;
  /** Source pages read. */
  pages: number;
  /** Time spent waiting on the connection's calls and pages, request budget waits included. */
  ms: number;
}

/** The rule trace of one record (or batch) of a run, as the runs collection keeps it. */
export interface RecordTrace {
  readonly key: string;
  readonly status: 'processed' | 'failed' | 'retry';
  /** Which rule decided what (pack, rule id, file:line); absent when it was cut (`truncated`). */
  readonly trace?: readonly unknown[];
  readonly decisions?: Readonly<Record<string, unknown>>;
  readonly steps: readonly { readonly id: string; readonly status: string; readonly error?: string }[];
  /** Set when the trace was larger than the per-record cap and was dropped: its size in bytes. */
  readonly truncated?: number;
}

export interface RunTraceLimits {
  /** Traces of the last this many records are kept. */
  readonly records: number;
  /** A record's trace above this many bytes (JSON) is kept without its rule trace and decisions. */
  readonly recordBytes: number;
  /** All traces of a run together stay under this many bytes; the oldest go first. */
  readonly totalBytes: number;
}

export const DEFAULT_RUN_TRACE_LIMITS: RunTraceLimits = {
  records: 20,
  recordBytes: 16 * 1024,
  totalBytes: 256 * 1024,
};

interface CallScope {
  readonly collector: RunTraceCollector;
  readonly connection: string;
}

/**
 * Requests are counted where every `fetch` of the process announces itself (undici's diagnostics
 * channel), attributed through async context to the run and connection whose call sent them: the
 * built-in connectors use their own HTTP clients, and a plugin may too, so counting in `ctx.http`
 * alone would miss them.
 */
const scope = new AsyncLocalStorage<CallScope>();
diagnostics.subscribe('undici:request:create', () => {
  const current = scope.getStore();
  if (current) current.collector.usageOf(current.connection).requests++;
});

/**
 * Collects what the runs collection keeps of one run besides its counts: per connection the requests,
 * operation calls, pages and time, and the rule traces of its last records, capped in number and
 * size so a run of ten thousand records stays one small document.
 */
export class RunTraceCollector {
  readonly #usage = new Map<string, ConnectionUsage>();
  readonly #traces: { readonly trace: RecordTrace; readonly bytes: number }[] = [];
  #bytes = 0;

  readonly limits: RunTraceLimits;
  readonly #scrub: ((text: string) => string) | undefined;

  /** `scrub` takes the tenant's secrets out of the kept traces' texts (a step error may quote one). */
  constructor(
    options: { readonly limits?: Partial<RunTraceLimits>; readonly scrub?: (text: string) => string } = {},
  ) {
    this.limits = { ...DEFAULT_RUN_TRACE_LIMITS, ...options.limits };
    this.#scrub = options.scrub;
  }

  usageOf(connection: string): ConnectionUsage {
    let usage = this.#usage.get(connection);
    if (!usage) this.#usage.set(connection, (usage = { requests: 0, operations: 0, pages: 0, ms: 0 }));
    return usage;
  }

  /** Runs one operation call (or page read) of `connection`, counting it and the requests it sends. */
  async within<T>(connection: string, kind: 'operation' | 'page', call: () => Promise<T>): Promise<T> {
    const usage = this.usageOf(connection);
    if (kind === 'operation') usage.operations++;
    const started = performance.now();
    try {
      return await scope.run({ collector: this, connection }, call);
    } finally {
      usage.ms += performance.now() - started;
    }
  }

  /** The stream, each page read counted on `connection`. */
  stream(connection: string, stream: AnyStreamDefinition): AnyStreamDefinition {
    const pull = <T>(next: () => Promise<T>) => this.within(connection, 'page', next);
    const counted = () => this.usageOf(connection).pages++;
    return {
      ...stream,
      read(ctx, params): AsyncIterable<StreamPage<unknown>> {
        return {
          [Symbol.asyncIterator]() {
            // each `next` in the scope: the stream's requests happen while a page is being pulled
            const pages = stream.read(ctx, params)[Symbol.asyncIterator]();
            return {
              next: async () => {
                const next = await pull(() => pages.next());
                if (!next.done) counted();
                return next;
              },
              return: async (value?: unknown) =>
                (await pages.return?.(value)) ?? { done: true as const, value: undefined },
            };
          },
        };
      },
    };
  }

  /** Keeps a record's outcome; the oldest go once more than `limits.records` or `limits.totalBytes`. */
  record(key: string, status: RecordTrace['status'], outcome: RecordOutcome): void {
    const steps = outcome.steps.map((s) => ({
      id: s.id,
      status: s.status,
      ...(s.error === undefined ? {} : { error: s.error }),
    }));
    let trace: RecordTrace = { key, status, trace: outcome.trace, decisions: outcome.decisions, steps };
    if (this.#scrub) trace = JSON.parse(this.#scrub(JSON.stringify(trace))) as RecordTrace;
    let bytes = byteSize(trace);
    if (bytes > this.limits.recordBytes) {
      trace = { key, status, steps, truncated: bytes };
      bytes = byteSize(trace);
    }
    this.#traces.push({ trace, bytes });
    this.#bytes += bytes;
    while (
      this.#traces.length > this.limits.records ||
      (this.#bytes > this.limits.totalBytes && this.#traces.length > 1)
    ) {
      this.#bytes -= this.#traces.shift()?.bytes ?? 0;
    }
  }

  traces(): RecordTrace[] {
    return this.#traces.map((t) => t.trace);
  }

  /** Per connection, with times in whole milliseconds. */
  usage(): Record<string, ConnectionUsage> {
    return Object.fromEntries(
      [...this.#usage].map(([connection, usage]) => [connection, { ...usage, ms: Math.round(usage.ms) }]),
    );
  }
}

function byteSize(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}
