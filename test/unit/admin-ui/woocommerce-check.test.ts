/**
 * The WooCommerce connection check against the sandbox, in plain words: a wrong secret, an unknown
 * key, a plain-HTTP store that takes only OAuth 1.0a, WordPress with permalinks off, nothing there.
 */
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { checkConnectionLive } from '../../../runtime/admin/connection-check.ts';
import { builtinConnectors } from '../../../runtime/registry/builtin-connectors.ts';

const woocommerce = builtinConnectors().find((c) => c.meta.id === 'woocommerce')!;
const quiet = { debug() {}, info() {}, warn() {}, error() {} } as never;
const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const stop of stops) await stop();
});

const check = (settings: Record<string, unknown>) =>
  checkConnectionLive({ connector: woocommerce, tenantId: 't', settings, logger: quiet });

describe('WooCommerce connection check', () => {
  it('tells a wrong secret from an unknown key, and passes with the right pair', async () => {
    const store = await startSandbox();
    stops.push(() => store.stop());
    const wrongSecret = await check({
      url: store.url,
      consumerKey: SANDBOX_CONSUMER_KEY,
      consumerSecret: 'cs_nope',
    });
    expect(wrongSecret).toMatchObject({ ok: false, problems: [{ code: 'wrong_secret' }] });
    const unknownKey = await check({ url: store.url, consumerKey: 'ck_unknown', consumerSecret: 'cs_nope' });
    expect(unknownKey.problems.map((p) => p.code)).toEqual(['wrong_key_http']);
    const right = await check({
      url: store.url,
      consumerKey: SANDBOX_CONSUMER_KEY,
      consumerSecret: SANDBOX_CONSUMER_SECRET,
    });
    expect(right).toMatchObject({ ok: true, problems: [], settings: { auth: 'basic' } });
    expect(right.warnings.map((w) => w.code)).toEqual(['http_plain']);
    expect(
      (await check({ url: store.url, consumerKey: 'secret-not-key', consumerSecret: 'x' })).problems[0]?.code,
    ).toBe('key_format');
  });

  it('signs with OAuth 1.0a for a plain-HTTP store that takes nothing else, and says so', async () => {
    const store = await startSandbox({ transport: 'http' });
    stops.push(() => store.stop());
    const basic = await check({
      url: store.url,
      consumerKey: SANDBOX_CONSUMER_KEY,
      consumerSecret: SANDBOX_CONSUMER_SECRET,
      auth: 'basic',
    });
    expect(basic).toMatchObject({
      ok: true,
      settings: { auth: 'oauth1' },
      warnings: [{ code: 'http_oauth1' }],
    });
  });

  it('recognises WordPress with plain permalinks, and an address where nothing answers', async () => {
    // WordPress with permalinks "Plain": /wp-json/ is an HTML 404, the API answers at ?rest_route=
    const wordpress = Fastify();
    wordpress.get('/*', async (request, reply) => {
      const route = (request.query as { rest_route?: string }).rest_route;
      if (route === '/') return { namespaces: ['oembed/1.0', 'wp/v2', 'wc/v3'] };
      return reply.code(404).type('text/html').send('<html><body>Page not found</body></html>');
    });
    const url = await wordpress.listen({ port: 0, host: '127.0.0.1' });
    stops.push(() => wordpress.close());
    const plain = await check({
      url,
      consumerKey: SANDBOX_CONSUMER_KEY,
      consumerSecret: SANDBOX_CONSUMER_SECRET,
    });
    expect(plain).toMatchObject({ ok: false, problems: [{ code: 'permalinks_off' }] });

    const closed = Fastify();
    const closedUrl = await closed.listen({ port: 0, host: '127.0.0.1' });
    await closed.close();
    const nothing = await check({
      url: closedUrl,
      consumerKey: SANDBOX_CONSUMER_KEY,
      consumerSecret: SANDBOX_CONSUMER_SECRET,
    });
    expect(nothing.problems[0]?.code).toBe('unreachable');
  });
});
