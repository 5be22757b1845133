import {
  TransientError,
  type AnyOperationDefinition,
  type AnyStreamDefinition,
  type ConnectorContext,
  type ConnectorDefinition,
  type Logger,
  type RateLimiter,
  type StreamPage,
  type StreamReadParams,
  type WebhookDefinition,
  type WebhookRegistrationInput,
} from '../../core/plugin-api/index.ts';
import { createHttpClient, type HttpRecorder } from './http-client.ts';
import { secretsOf } from './secrets-of.ts';

/** How long one operation call or one stream page may take when the connector does not say. */
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;

export interface IsolationOptions {
  /** The connector's request budget for `ctx.http` (already sized to its `rateLimit`). */
  readonly rateLimiter?: RateLimiter;
  readonly recorder?: HttpRecorder;
  /** A dry run: `ctx.http` refuses writes. */
  readonly readOnly?: boolean;
  readonly fetch?: typeof fetch;
  /** Overrides `DEFAULT_CALL_TIMEOUT_MS` for calls whose definition names no `timeoutMs`. */
  readonly defaultTimeoutMs?: number;
}

const ISOLATED = Symbol.for('koppla.isolated-connector');

export function isIsolated(connector: ConnectorDefinition): boolean {
  return ISOLATED in connector;
}

/**
 * The connector as the runtime calls it. Every call gets only what the plugin API promises — the
 * tenant's settings, a logger that names the connector, `ctx.http` with the tenant's request budget
 * and recording, a signal — and a deadline: an operation call or a stream page that takes longer
 * than its `timeoutMs` is aborted and fails with a `TransientError`, so a plugin that hangs fails
 * that step, not the worker. What a plugin throws is passed on unchanged: the runner classifies and
 * scrubs it. Declarations (names, schemas, examples, sandbox) are the plugin's own objects.
 */
export function isolateConnector<D extends ConnectorDefinition>(
  connector: D,
  options: IsolationOptions = {},
): D {
  if (isIsolated(connector)) return connector;
  const id = connector.meta.id;
  const fallbackMs = options.defaultTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  const contextFor = <C extends ConnectorContext<object>>(ctx: C, signal: AbortSignal): C => ({
    ...ctx,
    signal,
    logger: namedLogger(ctx.logger, id),
    http:
      ctx.http ??
      createHttpClient({
        connector: id,
        tenantId: ctx.tenantId,
        signal,
        secrets: secretsOf(connector.credentials, ctx.settings),
        ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
        ...(options.recorder ? { recorder: options.recorder } : {}),
        ...(options.readOnly ? { readOnly: true } : {}),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      }),
  });

  const operations = Object.fromEntries(
    Object.entries(connector.operations).map(([name, operation]): [string, AnyOperationDefinition] => {
      const ms = operation.timeoutMs ?? fallbackMs;
      const label = `${id} operation ${name}`;
      const { lookup } = operation;
      return [
        name,
        Object.freeze({
          ...operation,
          run: (ctx, input) =>
            withDeadline(label, ms, ctx.signal, (signal) =>
              operation.run.call(operation, contextFor(ctx, signal), input),
            ),
          ...(lookup
            ? {
                lookup: (ctx, input) =>
                  withDeadline(`${label} (lookup)`, ms, ctx.signal, (signal) =>
                    lookup.call(operation, contextFor(ctx, signal), input),
                  ),
              }
            : {}),
        } satisfies AnyOperationDefinition),
      ];
    }),
  );

  const streams = Object.fromEntries(
    Object.entries(connector.streams).map(([name, stream]): [string, AnyStreamDefinition] => [
      name,
      Object.freeze({
        ...stream,
        read: (ctx, params) =>
          readWithDeadline(`${id} stream ${name}`, stream.timeoutMs ?? fallbackMs, ctx, params, (c, p) =>
            stream.read.call(stream, contextFor(c, c.signal), p),
          ),
      } satisfies AnyStreamDefinition),
    ]),
  );

  const { checkConnection, webhooks } = connector;
  const isolated = {
    ...connector,
    streams: Object.freeze(streams),
    operations: Object.freeze(operations),
    ...(checkConnection
      ? {
          checkConnection: (ctx: ConnectorContext<object>) =>
            withDeadline(`${id} checkConnection`, fallbackMs, ctx.signal, (signal) =>
              checkConnection.call(connector, contextFor(ctx, signal)),
            ),
        }
      : {}),
    ...(webhooks
      ? {
          webhooks: {
            ...namedWebhooks(webhooks, id),
            ...(webhooks.register
              ? {
                  register: (ctx: ConnectorContext<object>, input: WebhookRegistrationInput) =>
                    withDeadline(`${id} webhooks.register`, fallbackMs, ctx.signal, (signal) =>
                      webhooks.register!.call(webhooks, contextFor(ctx, signal), input),
                    ),
                }
              : {}),
          },
        }
      : {}),
  };
  Object.defineProperty(isolated, ISOLATED, { value: true });
  return Object.freeze(isolated) as D;
}

/** The plugin's log lines carry `connector: <id>`, so a noisy or leaky plugin is easy to find. */
function namedLogger(logger: Logger, connector: string): Logger {
  return {
    debug: (message, fields) => logger.debug(message, { connector, ...fields }),
    info: (message, fields) => logger.info(message, { connector, ...fields }),
    warn: (message, fields) => logger.warn(message, { connector, ...fields }),
    error: (message, fields) => logger.error(message, { connector, ...fields }),
  };
}

function namedWebhooks(webhooks: WebhookDefinition, connector: string): WebhookDefinition {
  return {
    receive: (ctx, request) =>
      webhooks.receive.call(webhooks, { ...ctx, logger: namedLogger(ctx.logger, connector) }, request),
  };
}

/**
 * Runs `call` with a signal that aborts when `parent` does or when `ms` have passed; in the second
 * case the returned promise rejects with a `TransientError` even if `call` never settles.
 */
export async function withDeadline<T>(
  label: string,
  ms: number,
  parent: AbortSignal,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let stop: (error: Error) => void = () => undefined;
  // the run's own abort (shutdown) ends the call too, also when the plugin ignores its signal
  const onAbort = () => {
    controller.abort(parent.reason);
    stop(new TransientError(`${label} was aborted`, { code: 'aborted', cause: parent.reason }));
  };
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    stop = reject;
    timer = setTimeout(() => {
      const error = new TransientError(`${label} did not finish within ${ms} ms`, { code: 'timeout' });
      controller.abort(error);
      reject(error);
    }, ms);
  });
  if (parent.aborted) onAbort();
  else parent.addEventListener('abort', onAbort, { once: true });
  const work = Promise.resolve().then(() => call(controller.signal));
  // a call that loses the race may still reject later: that is no longer anyone's business
  work.catch(() => undefined);
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    parent.removeEventListener('abort', onAbort);
  }
}

async function* readWithDeadline(
  label: string,
  ms: number,
  ctx: ConnectorContext<object>,
  params: StreamReadParams,
  read: (ctx: ConnectorContext<object>, params: StreamReadParams) => AsyncIterable<StreamPage<unknown>>,
): AsyncGenerator<StreamPage<unknown>, void, undefined> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(ctx.signal.reason);
  if (ctx.signal.aborted) onAbort();
  else ctx.signal.addEventListener('abort', onAbort, { once: true });
  let finished = false;
  const pages = read({ ...ctx, signal: controller.signal }, params)[Symbol.asyncIterator]();
  try {
    for (let page = 1; ; page++) {
      const step = await withDeadline(`${label} (page ${page})`, ms, controller.signal, () => pages.next());
      if (step.done) {
        finished = true;
        return;
      }
      yield step.value;
    }
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    if (!finished) {
      controller.abort(new Error(`${label}: read stopped`));
      // a hung generator may never answer return(); do not wait for it
      void pages.return?.().catch(() => undefined);
    }
  }
}
