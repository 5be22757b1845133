/**
 * SECURITY.md, control "SSRF": in production a store URL may not reach loopback, private,
 * link-local or metadata addresses, by IP literal or by a name resolving to one; outside production
 * (the sandboxes) and with `allowPrivateTargets` they are allowed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  assertAllowedTarget,
  isPrivateAddress,
} from '../../../connectors/woocommerce/client/target-guard.ts';
import { wooRequest } from '../../../connectors/woocommerce/client/index.ts';
import type { WooSettings } from '../../../connectors/woocommerce/settings.ts';
import { isConnectorError, type ConnectorContext, type Logger } from '../../../core/plugin-api/index.ts';

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

const production = { NODE_ENV: 'production' };

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.8.8',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '[::1]',
    '::',
    'fd00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::10.0.0.1',
    'not-an-ip',
  ])('%s is not public', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});

describe('assertAllowedTarget', () => {
  const refused = async (url: string, resolve?: (host: string) => Promise<string[]>) => {
    try {
      await assertAllowedTarget(new URL(url), {}, { env: production, ...(resolve ? { resolve } : {}) });
      return undefined;
    } catch (error) {
      return error;
    }
  };

  it.each([
    'http://127.0.0.1:8080',
    'http://localhost/',
    'https://shop.localhost/',
    'http://[::1]:3000/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.5/',
    'http://[::ffff:127.0.0.1]/',
    'http://2130706433/', // 127.0.0.1 as one number: URL normalizes it to the dotted form
    'http://0x7f.1/',
  ])('refuses %s in production, not retried', async (url) => {
    const error = await refused(url);
    expect(isConnectorError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'private_target', retryable: false });
  });

  it('refuses a name that resolves to a private address (any of its addresses)', async () => {
    const error = await refused('https://shop.example.se/', async () => ['93.184.216.34', '10.0.0.7']);
    expect(error).toMatchObject({ code: 'private_target' });
    expect((error as Error).message).toContain('10.0.0.7');
  });

  it('allows a name that resolves to public addresses only', async () => {
    expect(await refused('https://shop.example.se/', async () => ['93.184.216.34'])).toBeUndefined();
  });

  it('allows private targets outside production and when the connection allows them', async () => {
    await expect(
      assertAllowedTarget(new URL('http://127.0.0.1/'), {}, { env: { NODE_ENV: 'test' } }),
    ).resolves.toBeUndefined();
    await expect(
      assertAllowedTarget(new URL('http://127.0.0.1/'), { allowPrivateTargets: true }, { env: production }),
    ).resolves.toBeUndefined();
  });
});

describe('the WooCommerce client in production', () => {
  const original = process.env.NODE_ENV;
  afterEach(() => {
    process.env.NODE_ENV = original;
  });

  it('sends nothing to a loopback store URL', async () => {
    let connections = 0;
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => {
      connections += 1;
      res.end('[]');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const settings: WooSettings = {
      url: `http://127.0.0.1:${port}`,
      consumerKey: 'ck_test',
      consumerSecret: 'cs_test',
      retries: 0,
    };
    const ctx: ConnectorContext<WooSettings> = {
      settings,
      signal: new AbortController().signal,
      logger: silentLogger,
      tenantId: 't',
    };
    try {
      process.env.NODE_ENV = 'production';
      await expect(wooRequest(ctx, { path: '/orders' })).rejects.toMatchObject({
        code: 'private_target',
      });
      expect(connections).toBe(0);
      // the operator's explicit choice lets it through
      await expect(
        wooRequest(
          { ...ctx, settings: { ...settings, allowPrivateTargets: true } },
          {
            path: '/orders',
          },
        ),
      ).resolves.toMatchObject({ status: 200 });
      expect(connections).toBe(1);
    } finally {
      process.env.NODE_ENV = original;
      server.close();
    }
  });
});
