import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KopplaUserError } from '../../../core/diagnostics/index.ts';
import {
  PLUGIN_API_VERSION,
  connectorManifest,
  type RateLimit,
  type RateLimiter,
} from '../../../core/plugin-api/index.ts';
import fortnox from '../../../connectors/fortnox/connector.ts';
import woocommerce from '../../../connectors/woocommerce/connector.ts';
import {
  BUILTIN_PLUGINS,
  builtinConnectors,
  registryWithBuiltins,
} from '../../../runtime/registry/builtin-connectors.ts';
import { ConnectorRegistry } from '../../../runtime/registry/connector-registry.ts';
import {
  InMemoryKeyValueStore,
  InMemoryTokenStore,
  PluginLoadError,
  isIsolated,
  loadPlugin,
  registerConfiguredPlugins,
} from '../../../runtime/plugins/index.ts';
import { received } from './fixtures/factory-plugin.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const root = fileURLToPath(new URL('../../../', import.meta.url));

async function loadError(specifier: string): Promise<PluginLoadError> {
  const error = await loadPlugin(specifier).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PluginLoadError);
  return error as PluginLoadError;
}

describe('the built-in connectors', () => {
  it('are plugin specifiers relative to the package, loaded like any plugin', async () => {
    expect(BUILTIN_PLUGINS).toEqual([
      './runtime/registry/builtin/fortnox.ts',
      './connectors/woocommerce/connector.ts',
    ]);
    const builtins = builtinConnectors();
    expect(builtins.map((c) => c.meta.id)).toEqual(['fortnox', 'woocommerce']);
    expect(builtins.every(isIsolated)).toBe(true);
    // the same declarations as the connectors' own modules
    expect(connectorManifest(builtins[0]!)).toEqual(connectorManifest(fortnox));
    expect(connectorManifest(builtins[1]!)).toEqual(connectorManifest(woocommerce));
    // and by path, as a third-party plugin would be named
    const byPath = await loadPlugin(BUILTIN_PLUGINS[1]!, { baseDir: root });
    expect(connectorManifest(byPath)).toEqual(connectorManifest(woocommerce));
  });

  it('registryWithBuiltins registers them under their ids', () => {
    const registry = registryWithBuiltins();
    expect([...registry.manifests().keys()]).toEqual(['fortnox', 'woocommerce']);
    expect(isIsolated(registry.get('woocommerce'))).toBe(true);
  });
});

describe('loadPlugin refuses what it cannot use, naming the plugin', () => {
  it('a plugin written for another plugin API: both versions in the message', async () => {
    const error = await loadError(fixture('incompatible-plugin.ts'));
    expect(error.message).toContain(fixture('incompatible-plugin.ts'));
    expect(error.message).toContain('future-books@3.1.0 is written for plugin API ^2.0.0');
    expect(error.message).toContain(`this Koppla provides plugin API ${PLUGIN_API_VERSION}`);
  });

  it('a declaration with bad names and no examples: every problem listed', async () => {
    const error = await loadError(fixture('invalid-plugin.ts'));
    expect(error.problems).toEqual([
      'meta.id "Bad_Books" is not lower-case kebab case',
      'operation "invoices.create" needs at least one example',
    ]);
    expect(error.message).toBe(
      `connector plugin "${fixture('invalid-plugin.ts')}" is invalid:\n` +
        '  - meta.id "Bad_Books" is not lower-case kebab case\n' +
        '  - operation "invoices.create" needs at least one example',
    );
  });

  it('examples that do not fit their schemas, a schema that does not compile', async () => {
    const error = await loadError(fixture('unfit-example-plugin.ts'));
    expect(error.problems).toHaveLength(3);
    expect(error.problems[0]).toMatch(/^stream "customers": recordSchema is not a valid JSON Schema: /);
    expect(error.problems[1]).toBe(
      `operation "invoices.create", example "empty": input does not fit inputSchema: / must have required property 'CustomerNumber'`,
    );
    expect(error.problems[2]).toBe(
      'operation "invoices.create", example "empty": output does not fit outputSchema: /DocumentNumber must be string',
    );
  });

  it('a module that exports no connector, a path that does not exist', async () => {
    expect((await loadError(fixture('no-export.ts'))).message).toContain(
      'exports no connector (export it as default or as "connector", or export createConnector(services))',
    );
    expect((await loadError('./no/such/plugin.ts')).message).toMatch(
      /^connector plugin "\.\/no\/such\/plugin\.ts": cannot be loaded: /,
    );
    expect((await loadError('@acme/koppla-connector-nowhere')).message).toMatch(/cannot be loaded/);
  });
});

describe('loadPlugin', () => {
  it('loads a plugin folder by path (its connector.ts)', async () => {
    const connector = await loadPlugin('./examples/connector-http-json', { baseDir: root });
    expect(connector.meta.id).toBe('http-json');
  });

  it('gives a createConnector factory the runtime’s services: a token store under the plugin’s id, its budget', async () => {
    const tokenStore = new InMemoryTokenStore();
    const budgets: { rateLimit: RateLimit; connectorId: string }[] = [];
    const acquired: string[] = [];
    const connector = await loadPlugin(fixture('factory-plugin.ts'), {
      host: {
        tokenStore,
        rateLimiterFor: (rateLimit, connectorId): RateLimiter => {
          budgets.push({ rateLimit, connectorId });
          return { acquire: async (key) => (acquired.push(key), () => undefined) };
        },
      },
    });
    const ctx = { tenantId: 'acme', settings: {}, signal: new AbortController().signal, logger: console };
    const output = await connector.operations['tokens.roundTrip']!.run(ctx, { value: 'a' });
    expect(output).toEqual({ value: 'a' });
    expect(await tokenStore.get('token-books:acme')).toEqual({ value: 'a' });
    expect(await tokenStore.get('acme')).toBeUndefined();
    expect(budgets).toEqual([
      { rateLimit: { requests: 2, perMs: 60_000, scope: 'tenant' }, connectorId: 'token-books' },
    ]);
    expect(acquired).toEqual(['token-books:acme']);
    expect(Object.keys(received.at(-1)!).sort()).toEqual(['keyValueStore', 'rateLimiter', 'tokenStore']);
  });

  it('gives a factory a key-value store under the plugin’s id', async () => {
    const keyValueStore = new InMemoryKeyValueStore();
    await loadPlugin(fixture('factory-plugin.ts'), { host: { keyValueStore } });
    const lent = received.at(-1)!.keyValueStore!;
    await lent.setMany([['sku:acme:A', { id: '1' }]]);
    expect(await keyValueStore.getMany(['token-books:sku:acme:A'])).toEqual(
      new Map([['token-books:sku:acme:A', { id: '1' }]]),
    );
    expect(await lent.getMany(['sku:acme:A', 'sku:acme:B'])).toEqual(new Map([['sku:acme:A', { id: '1' }]]));
    await lent.deleteMany(['sku:acme:A']);
    expect((await keyValueStore.getMany(['token-books:sku:acme:A'])).size).toBe(0);
  });
});

describe('registerConfiguredPlugins (koppla.yaml `plugins:`)', () => {
  function config(plugins: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'koppla-plugins-'));
    const file = join(dir, 'koppla.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: koppla/v1',
        'kind: Tenants',
        'plugins:',
        ...plugins.map((p) => `  - ${JSON.stringify(p)}`),
        'tenants: []',
        '',
      ].join('\n'),
    );
    return file;
  }

  it('registers the listed plugins, paths relative to the file', async () => {
    const file = config([join(root, 'examples/connector-http-json')]);
    const registry = new ConnectorRegistry();
    const loaded = await registerConfiguredPlugins(registry, file);
    expect(loaded.map((c) => c.meta.id)).toEqual(['http-json']);
    expect(registry.get('http-json').meta.name).toBe('HTTP JSON');
  });

  it('stops boot with each bad plugin at its line, and registers none', async () => {
    const file = config([
      join(root, 'examples/connector-http-json'),
      fixture('incompatible-plugin.ts'),
      fixture('invalid-plugin.ts'),
    ]);
    const registry = new ConnectorRegistry();
    const error = await registerConfiguredPlugins(registry, file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KopplaUserError);
    const { diagnostics, message } = error as KopplaUserError;
    expect(message).toMatch(/koppla\.yaml: 2 connector plugins cannot be loaded$/);
    expect(diagnostics.map((d) => [d.line, d.col, d.rule])).toEqual([
      [5, 5, 'invalid-plugin'],
      [6, 5, 'invalid-plugin'],
    ]);
    expect(diagnostics[0]!.message).toContain('written for plugin API ^2.0.0');
    expect(diagnostics[1]!.message).toContain('meta.id "Bad_Books" is not lower-case kebab case');
    expect(registry.manifests().size).toBe(0);
  });

  it('a plugin that repeats a registered connector id is refused at its line', async () => {
    const file = config([join(root, 'connectors/woocommerce/connector.ts')]);
    const error = await registerConfiguredPlugins(registryWithBuiltins(), file).catch((e: unknown) => e);
    expect((error as KopplaUserError).diagnostics[0]).toMatchObject({
      line: 4,
      message: 'connector "woocommerce" is registered twice',
    });
  });
});
