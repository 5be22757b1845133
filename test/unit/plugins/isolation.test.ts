import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  TransientError,
  isConnectorError,
  type ConnectorDefinition,
  type LogFields,
  type Logger,
  type OperationContext,
} from '../../../core/plugin-api/index.ts';
import {
  DEFAULT_CALL_TIMEOUT_MS,
  isolateConnector,
  loadPlugin,
  withDeadline,
} from '../../../runtime/plugins/index.ts';
import misbehaving, { seen } from './fixtures/misbehaving-plugin.ts';
import { ConnectorRegistry } from '../../../runtime/registry/connector-registry.ts';

const lines: { message: string; fields?: LogFields }[] = [];
const logger: Logger = {
  debug: (message, fields) => void lines.push({ message, ...(fields ? { fields } : {}) }),
  info: (message, fields) => void lines.push({ message, ...(fields ? { fields } : {}) }),
  warn: (message, fields) => void lines.push({ message, ...(fields ? { fields } : {}) }),
  error: (message, fields) => void lines.push({ message, ...(fields ? { fields } : {}) }),
};

function context(signal = new AbortController().signal): OperationContext<object> {
  return { tenantId: 'acme', settings: { apiKey: 'sk_live_abc' }, signal, logger, idempotencyKey: 'k1' };
}

describe('a plugin as the runtime calls it', () => {
  let plugin: ConnectorDefinition;
  beforeAll(async () => {
    plugin = await loadPlugin(fileURLToPath(new URL('./fixtures/misbehaving-plugin.ts', import.meta.url)));
  });

  it('an operation that never answers fails with a TransientError at its timeoutMs, and its signal is aborted', async () => {
    seen.length = 0;
    const error = await plugin.operations['things.hang']!.run(context(), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({
      kind: 'transient',
      retryable: true,
      code: 'timeout',
      message: 'misbehaving operation things.hang did not finish within 100 ms',
    });
    expect(seen.map((entry) => [entry.call, entry.signal.aborted])).toEqual([['things.hang', true]]);
  });

  it('gets only tenant, settings, signal, logger, http and the idempotency key — no container, no database', async () => {
    seen.length = 0;
    await plugin.operations['things.hang']!.run(context(), {}).catch(() => undefined);
    expect(seen[0]!.keys).toEqual(['http', 'idempotencyKey', 'logger', 'settings', 'signal', 'tenantId']);
  });

  it('logs under its own name', async () => {
    lines.length = 0;
    await plugin.operations['things.hang']!.run(context(), {}).catch(() => undefined);
    expect(lines).toEqual([{ message: 'about to hang', fields: { connector: 'misbehaving', step: 1 } }]);
  });

  it('what a plugin throws is passed on as it is: the runner classifies it', async () => {
    const error = await plugin.operations['things.fail']!.run(context(), {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isConnectorError(error)).toBe(false);
    expect((error as Error).message).toBe('boom');
  });

  it('a stream that stalls fails at the page it stalls on; the pages before it arrive', async () => {
    const pages: unknown[] = [];
    const error = await (async () => {
      for await (const page of plugin.streams.items!.read(context(), {})) pages.push(page);
    })().catch((e: unknown) => e);
    expect(pages).toEqual([{ records: [{ id: '1' }], cursor: '1' }]);
    expect(error).toMatchObject({
      kind: 'transient',
      message: 'misbehaving stream items (page 2) did not finish within 100 ms',
    });
  });

  it('the run’s own abort (shutdown) reaches the plugin and ends the call at once', async () => {
    seen.length = 0;
    const shutdown = new AbortController();
    const running = plugin.operations['things.hang']!.run(context(shutdown.signal), {}).catch(
      (e: unknown) => e,
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    shutdown.abort(new Error('worker stopping'));
    expect(await running).toMatchObject({ kind: 'transient', code: 'aborted' });
    expect(seen[0]?.signal.aborted).toBe(true);
  });

  it('is wrapped once; declarations are the plugin’s own', () => {
    expect(isolateConnector(plugin)).toBe(plugin);
    expect(plugin.operations['things.hang']!.examples).toBe(misbehaving.operations['things.hang'].examples);
    expect(DEFAULT_CALL_TIMEOUT_MS).toBe(120_000);
  });
});

describe('withDeadline', () => {
  it('returns what the call returns when it is in time', async () => {
    expect(await withDeadline('quick', 1_000, new AbortController().signal, async () => 42)).toBe(42);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const error = await withDeadline('sync', 1_000, new AbortController().signal, () => {
      throw new Error('at once');
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('at once');
  });
});

describe('ConnectorRegistry.register', () => {
  it('wraps a connector that did not come through the loader, so its calls have a deadline too', async () => {
    const registry = new ConnectorRegistry();
    registry.register(misbehaving);
    const error = await registry
      .get('misbehaving')
      .operations['things.hang']!.run(context(), {})
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout' });
    expect(registry.manifests().get('misbehaving')?.operations['things.hang']?.examples).toEqual([
      { name: 'hang', input: {}, output: {} },
    ]);
  });
});
