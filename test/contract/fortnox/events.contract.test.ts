/**
 * Fortnox's WebSocket events, client against the sandbox's `/topics-v1`: events from REST changes
 * arrive as `ServiceEvent`s, offsets let a reconnect or a restart resume without loss or repeats,
 * one socket carries several tenants, and refused credentials fail clearly without leaking tokens.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  AuthError,
  InMemoryOffsetStore,
  type ConnectorError,
  type EventSubscription,
  type ServiceEvent,
} from '../../../core/plugin-api/index.ts';
import { createFortnoxConnector } from '../../../connectors/fortnox/connector.ts';
import {
  FortnoxAuth,
  FortnoxClient,
  defaultClientDeps,
  type ClientDeps,
  type FortnoxSettings,
} from '../../../connectors/fortnox/client/index.ts';
import { EventConnection, fortnoxEvents } from '../../../connectors/fortnox/events/index.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../../connectors/fortnox/sandbox/index.ts';
import { FAST_RETRY, contextFor } from './target.ts';

const FAST = {
  reconnect: { minDelayMs: 5, maxDelayMs: 20 },
  responseTimeoutMs: 2000,
  heartbeatMs: 1000,
};

let sandbox: RunningFortnoxSandbox;
let settings: FortnoxSettings;
let deps: ClientDeps;
const open: EventSubscription[] = [];

beforeEach(async () => {
  sandbox = await startFortnoxSandbox({
    seed: {
      customers: [{ CustomerNumber: '1', Name: 'Kund AB' }],
      articles: [{ ArticleNumber: '101', Description: 'Vara' }],
      refreshTokens: [{ token: 'tenant-2-refresh-token', clientId: DEFAULT_CLIENT.clientId, tenantId: '2' }],
    },
  });
  settings = {
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    refreshToken: DEFAULT_REFRESH_TOKEN,
    apiUrl: sandbox.url,
    authUrl: sandbox.url,
  };
  // One token store for REST and events: the sandbox's refresh tokens are single use, like Fortnox's.
  deps = defaultClientDeps({ retry: FAST_RETRY });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((subscription) => subscription.close()));
  await sandbox.stop();
});

function collector() {
  const events: ServiceEvent[] = [];
  const errors: ConnectorError[] = [];
  return {
    events,
    errors,
    listener: async (event: ServiceEvent) => {
      events.push(event);
    },
    onError: (error: ConnectorError) => errors.push(error),
    names: () => events.map((e) => `${e.event} ${e.entityId}`),
  };
}

async function subscribe(
  seen: ReturnType<typeof collector>,
  options: { offsets?: InMemoryOffsetStore; tenant?: string; settings?: FortnoxSettings } = {},
) {
  const events = fortnoxEvents(deps, FAST);
  const subscription = await events.subscribe(
    contextFor(options.settings ?? settings, options.tenant ?? 'tenant-a'),
    seen.listener,
    { onError: seen.onError, ...(options.offsets ? { offsets: options.offsets } : {}) },
  );
  open.push(subscription);
  return subscription;
}

const rest = (tenant = 'tenant-a', s = settings) => new FortnoxClient(s, tenant, deps);
const newArticle = (number: string, tenant?: string, s?: FortnoxSettings) =>
  rest(tenant, s).request('POST', '/3/articles', {
    body: { Article: { ArticleNumber: number, Description: number } },
  });
const admin = async (path: string) =>
  (await fetch(`${sandbox.url}/__admin/${path}`, { method: 'POST' })).json();

describe('Fortnox events (sandbox)', () => {
  it('turns REST changes into events: orders, invoices and articles, in order, with entity ids', async () => {
    const seen = collector();
    await subscribe(seen);
    const connector = createFortnoxConnector(deps);
    const ctx = contextFor(settings);
    const order = await connector.operations['orders.create'].run(ctx, {
      CustomerNumber: '1',
      YourOrderNumber: '2001',
      OrderRows: [{ ArticleNumber: '101', OrderedQuantity: '1', DeliveredQuantity: '1', Price: '100' }],
    });
    const invoice = await connector.operations['orders.createInvoice'].run(ctx, {
      DocumentNumber: String(order.DocumentNumber),
    });
    await rest().request('PUT', `/3/invoices/${String(invoice.DocumentNumber)}/bookkeep`);
    await rest().request('PUT', '/3/articles/101', { body: { Article: { Description: 'Vara 2' } } });
    const expected = [
      `order.created ${String(order.DocumentNumber)}`,
      `order.updated ${String(order.DocumentNumber)}`,
      `invoice.created ${String(invoice.DocumentNumber)}`,
      `invoice.bookkeep ${String(invoice.DocumentNumber)}`,
      'article.updated 101',
    ];
    await vi.waitFor(() => expect(seen.names()).toEqual(expected));
    expect(seen.events[0]).toMatchObject({ type: 'order-created-v1', id: expect.stringMatching(/^orders:/) });
    expect(seen.events[0]?.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/);
    expect(seen.errors).toEqual([]);
  });

  it('resumes from the saved offsets after a restart: nothing missed, nothing twice', async () => {
    const offsets = new InMemoryOffsetStore();
    const first = collector();
    const subscription = await subscribe(first, { offsets });
    await newArticle('A-1');
    await vi.waitFor(() => expect(first.names()).toEqual(['article.created A-1']));
    await subscription.close();
    expect(await offsets.get(`${DEFAULT_CLIENT.clientId}:articles`)).toEqual(expect.any(String));

    // While nobody listens.
    await newArticle('A-2');
    await newArticle('A-3');

    const second = collector();
    await subscribe(second, { offsets });
    await newArticle('A-4');
    await vi.waitFor(() =>
      expect(second.names()).toEqual(['article.created A-2', 'article.created A-3', 'article.created A-4']),
    );
  });

  it('reconnects by itself after the connection drops and resumes where it was', async () => {
    const seen = collector();
    await subscribe(seen);
    await newArticle('B-1');
    await vi.waitFor(() => expect(seen.names()).toEqual(['article.created B-1']));
    expect(await admin('events/disconnect')).toEqual({ disconnected: 1 });
    await newArticle('B-2');
    await newArticle('B-3');
    await vi.waitFor(() =>
      expect(seen.names()).toEqual(['article.created B-1', 'article.created B-2', 'article.created B-3']),
    );
    expect(seen.errors.length).toBeGreaterThan(0);
    expect(seen.errors.every((e) => e.kind === 'transient')).toBe(true);
  });

  it('a listener that fails gets the same event again, and the events behind it wait (at least once)', async () => {
    const delivered: string[] = [];
    const errors: ConnectorError[] = [];
    let failOnce = true;
    const events = fortnoxEvents(deps, FAST);
    open.push(
      await events.subscribe(
        contextFor(settings),
        async (event) => {
          delivered.push(`${event.event} ${event.entityId}`);
          if (event.entityId === 'C-1' && failOnce) {
            failOnce = false;
            throw new Error('database down');
          }
        },
        { onError: (e) => errors.push(e) },
      ),
    );
    await newArticle('C-1');
    await newArticle('C-2');
    await vi.waitFor(() => expect(delivered.at(-1)).toBe('article.created C-2'));
    expect(delivered).toEqual(['article.created C-1', 'article.created C-1', 'article.created C-2']);
    expect(errors.map((e) => e.kind)).toContain('transient');
    expect(errors.map((e) => e.message).join()).toMatch(
      /listener of connection "tenant-a" failed .*trying the event again/,
    );
  });

  it('carries two tenants of one client on one socket, each getting only its own events', async () => {
    const a = collector();
    const b = collector();
    const settingsB = { ...settings, refreshToken: 'tenant-2-refresh-token' };
    const events = fortnoxEvents(deps, FAST);
    open.push(await events.subscribe(contextFor(settings, 'tenant-a'), a.listener));
    open.push(await events.subscribe(contextFor(settingsB, 'tenant-b'), b.listener));
    const state = (await (await fetch(`${sandbox.url}/__admin/events`)).json()) as { connections: number };
    expect(state.connections).toBe(1);
    await newArticle('T1-1');
    await newArticle('T2-1', 'tenant-b', settingsB);
    await vi.waitFor(() => {
      expect(a.names()).toEqual(['article.created T1-1']);
      expect(b.names()).toEqual(['article.created T2-1']);
    });
  });

  it('an offset Fortnox cannot resume from is reported, and the feed goes on from now', async () => {
    const offsets = new InMemoryOffsetStore();
    await offsets.save(`${DEFAULT_CLIENT.clientId}:articles`, 'no-such-offset');
    const seen = collector();
    await subscribe(seen, { offsets });
    expect(seen.errors.map((e) => e.code)).toEqual(['fortnox_events_offset_refused']);
    await newArticle('D-1');
    await vi.waitFor(() => expect(seen.names()).toEqual(['article.created D-1']));
  });
});

describe('Fortnox events: refused credentials', () => {
  it('a token Fortnox does not know: an AuthError naming the connection, with neither token nor secret', async () => {
    const bogus = 'eyJhbGciOiJIUzI1NiJ9.bogus-access-token.signature';
    await deps.tokenStore.save(`fortnox:${settings.clientId}:tenant-a`, {
      accessToken: bogus,
      expiresAt: Date.now() + 3_600_000,
    });
    const error = await fortnoxEvents(deps, FAST)
      .subscribe(contextFor(settings), async () => undefined)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ kind: 'auth', code: 'fortnox_events_token_refused' });
    expect((error as Error).message).toMatch(/refused the access token of connection "tenant-a"/);
    const text = JSON.stringify((error as AuthError).toJSON()) + String((error as Error).stack);
    expect(text).not.toContain(bogus);
    expect(text).not.toContain(settings.clientSecret);
  });

  it('a wrong client secret: refused the same way, and the real token stays out of the error', async () => {
    const token = await new FortnoxAuth(settings, 'probe', {
      store: deps.tokenStore,
      fetch,
      now: Date.now,
    }).accessToken();
    const connection = new EventConnection({
      url: `${sandbox.url.replace('http:', 'ws:')}/topics-v1`,
      clientId: settings.clientId,
      clientSecret: 'not-the-client-secret',
      topics: ['orders'],
      offsets: new InMemoryOffsetStore(),
      ...FAST,
    });
    const error = await connection
      .add({ key: 'tenant-a', accessToken: async () => token, listener: async () => undefined })
      .catch((e: unknown) => e);
    await connection.close();
    expect(error).toBeInstanceOf(AuthError);
    const text = JSON.stringify((error as AuthError).toJSON()) + String((error as Error).stack);
    expect(text).not.toContain(token);
    expect(text).not.toContain('not-the-client-secret');
  });

  it('an endpoint that is not there fails the subscription after a few attempts, as transient', async () => {
    const error = await fortnoxEvents(deps, {
      ...FAST,
      url: `${sandbox.url.replace('http:', 'ws:')}/nowhere`,
      firstConnectAttempts: 2,
    })
      .subscribe(contextFor(settings), async () => undefined)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'transient' });
    expect((error as Error).message).toMatch(/could not open the event feed .* after 2 attempts/);
  });
});
