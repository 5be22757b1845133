import type {
  ConnectorContext,
  ConnectorDefinition,
  Logger,
  RunningSandbox,
  SandboxDefinition,
} from '../core/plugin-api/index.ts';
import { admitPlugin, secretsOf, type HttpExchange } from '../runtime/plugins/index.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';

/** A log line as the connector wrote it. */
export interface LoggedLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

/**
 * A connector under contract test: its sandbox started behind a recording proxy, settings that
 * point at the proxy, and the connector admitted as the runtime admits plugins — once for real and
 * once as a dry run, whose `ctx.http` refuses writes.
 */
export interface ContractTarget {
  readonly sandbox: RunningSandbox;
  readonly proxy: RecordingProxy;
  readonly settings: object;
  /** The settings' secret values (`x-secret`), which must never show up anywhere. */
  readonly secrets: readonly string[];
  readonly connector: ConnectorDefinition;
  readonly dryRun: ConnectorDefinition;
  readonly logs: LoggedLine[];
  readonly exchanges: HttpExchange[];
  context(): ConnectorContext<object>;
  stop(): Promise<void>;
}

export async function startContractTarget(
  connector: ConnectorDefinition,
  sandbox: SandboxDefinition,
  options: {
    readonly seed?: unknown;
    readonly credentials: (url: string) => object;
    readonly timeoutMs: number;
  },
): Promise<ContractTarget> {
  const running = await sandbox.start({
    port: 0,
    host: '127.0.0.1',
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const proxy = await startRecordingProxy(running.url);
  const settings = options.credentials(proxy.url);
  const logs: LoggedLine[] = [];
  const exchanges: HttpExchange[] = [];
  const recorder = { record: (exchange: HttpExchange) => void exchanges.push(exchange) };
  const host = { recorder, defaultTimeoutMs: options.timeoutMs };
  const log = (level: LoggedLine['level']) => (message: string, fields?: Readonly<Record<string, unknown>>) =>
    void logs.push({ level, message, ...(fields === undefined ? {} : { fields }) });
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const specifier = `${connector.meta.id} (contract)`;
  return {
    sandbox: running,
    proxy,
    settings,
    secrets: secretsOf(connector.credentials, settings),
    connector: admitPlugin({ default: connector }, specifier, host),
    dryRun: admitPlugin({ default: connector }, specifier, { ...host, readOnly: true }),
    logs,
    exchanges,
    context: () => ({
      tenantId: 'contract-kit',
      settings,
      signal: AbortSignal.timeout(options.timeoutMs),
      logger,
    }),
    stop: async () => {
      await proxy.stop();
      await running.stop();
    },
  };
}
