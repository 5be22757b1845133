/**
 * A Fortnox sandbox on a clock the test moves, with a connector and a client that share it: for the
 * streams, whose cursors and `lastmodified` bounds are all about time.
 */
import type { StreamPage, StreamReadParams } from '../../../../core/plugin-api/index.ts';
import {
  FortnoxClient,
  InMemoryTokenStore,
  SlidingWindowRateLimiter,
  defaultClientDeps,
  type ClientDeps,
  type FortnoxSettings,
} from '../../../../connectors/fortnox/client/index.ts';
import { createFortnoxConnector } from '../../../../connectors/fortnox/connector.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
  type FortnoxSandboxOptions,
  type RunningFortnoxSandbox,
} from '../../../../connectors/fortnox/sandbox/index.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

export interface StreamSandbox {
  readonly sandbox: RunningFortnoxSandbox;
  readonly connector: ReturnType<typeof createFortnoxConnector>;
  readonly settings: FortnoxSettings;
  /** Moves the shared clock (sandbox and connector) forward. */
  advance(ms: number): void;
  now(): number;
  /** A plain authenticated request, as a person working in Fortnox would cause a change. */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** Every page of one read of a stream, with the cursor it leaves. */
  read<R>(
    stream: 'orders' | 'articles',
    params?: StreamReadParams,
    settings?: Partial<FortnoxSettings> & Record<string, unknown>,
  ): Promise<{ records: R[]; pages: StreamPage<R>[]; cursor: string }>;
  /** API requests (`/3/…`) the sandbox has answered since the last call, as "METHOD path". */
  takeRequests(): string[];
  stop(): Promise<void>;
}

export async function startStreamSandbox(
  options: FortnoxSandboxOptions = {},
  start = Date.parse('2026-11-27T09:00:00Z'),
): Promise<StreamSandbox> {
  let clock = start;
  const now = () => clock;
  const sandbox = await startFortnoxSandbox({
    ...options,
    config: { ...options.config, now, rateLimit: { requests: 100_000 } },
  });
  const deps: Partial<ClientDeps> = {
    now,
    tokenStore: new InMemoryTokenStore(),
    rateLimiter: new SlidingWindowRateLimiter({ requests: 100_000 }),
    retry: { retries: 0, minTimeoutMs: 1, maxTimeoutMs: 1, factor: 1, randomize: false },
  };
  const connector = createFortnoxConnector(deps);
  const settings: FortnoxSettings = {
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    refreshToken: DEFAULT_REFRESH_TOKEN,
    apiUrl: sandbox.url,
    authUrl: sandbox.url,
  };
  const client = new FortnoxClient(settings, 'stream-tests', defaultClientDeps(deps));
  let seen = 0;
  return {
    sandbox,
    connector,
    settings,
    advance(ms) {
      clock += ms;
    },
    now,
    async api<T>(method: string, path: string, body?: unknown) {
      const response = await client.request<T>(method, path, body === undefined ? {} : { body });
      return response.body;
    },
    async read<R>(
      stream: 'orders' | 'articles',
      params: StreamReadParams = {},
      extra: Record<string, unknown> = {},
    ) {
      const pages: StreamPage<R>[] = [];
      const context = {
        tenantId: 'stream-tests',
        settings: { ...settings, ...extra },
        signal: new AbortController().signal,
        logger: silent,
      };
      const definition = connector.streams[stream] as unknown as {
        read(ctx: typeof context, params: StreamReadParams): AsyncIterable<StreamPage<R>>;
      };
      for await (const page of definition.read(context, params)) pages.push(page);
      return {
        pages,
        records: pages.flatMap((page) => [...page.records]),
        cursor: pages.at(-1)?.cursor ?? '',
      };
    },
    takeRequests() {
      const requests = sandbox.state.requests.slice(seen).filter((r) => r.url.startsWith('/3/'));
      seen = sandbox.state.requests.length;
      return requests.map((r) => `${r.method} ${decodeURIComponent(r.url.replaceAll('+', ' '))}`);
    },
    stop: () => sandbox.stop(),
  };
}
