import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AuthError, NotFoundError, TransientError, ValidationError } from '../../../core/plugin-api/index.ts';
import {
  FortnoxAuth,
  FortnoxClient,
  InMemoryTokenStore,
  SlidingWindowRateLimiter,
  defaultClientDeps,
  listAll,
  listPages,
  refreshTokenPair,
  type FortnoxSettings,
} from '../../../connectors/fortnox/client/index.ts';
import { DEFAULT_CLIENT, DEFAULT_REFRESH_TOKEN } from '../../../connectors/fortnox/sandbox/index.ts';
import { SandboxHarness } from './harness.ts';
import { contextFor } from './target.ts';

const WINDOW_MS = 400;

const harness = new SandboxHarness();
let settings: FortnoxSettings;
const sandboxOf = () => harness.sandbox;
const fault = (body: Record<string, unknown>) => harness.fault(body);
const client = (overrides: Parameters<typeof harness.client>[0] = {}) => harness.client(overrides);

beforeAll(async () => {
  // A short window on both sides keeps the rate-limit tests quick; the logic is the same as 25 / 5 s.
  await harness.start({ rateLimit: { requests: 25, windowMs: WINDOW_MS } });
  settings = harness.settings;
});
afterAll(async () => harness.stop());
beforeEach(async () => harness.reset());
afterEach(() => {
  expect(harness.takeMismatches(), 'requests and responses outside the OpenAPI document').toEqual([]);
});

describe('Fortnox contract (sandbox): auth', () => {
  it('rotates the refresh token on refresh and refuses the old one with invalid_grant', async () => {
    const deps = { fetch, now: Date.now };
    const first = await refreshTokenPair(settings, DEFAULT_REFRESH_TOKEN, deps);
    expect(first.refreshToken).toBeDefined();
    expect(first.refreshToken).not.toBe(DEFAULT_REFRESH_TOKEN);
    const reuse = await refreshTokenPair(settings, DEFAULT_REFRESH_TOKEN, deps).catch(
      (error: unknown) => error,
    );
    expect(reuse).toBeInstanceOf(AuthError);
    expect((reuse as AuthError).code).toBe('invalid_grant');
    expect((reuse as AuthError).message).not.toContain(DEFAULT_REFRESH_TOKEN);
    const second = await refreshTokenPair(settings, first.refreshToken as string, deps);
    expect(second.accessToken).not.toBe(first.accessToken);
  });

  it('answers a wrong client secret with the recorded invalid_client body, and never echoes the secret', async () => {
    const wrong = { ...settings, clientSecret: 'not-the-secret-at-all' };
    const error = await refreshTokenPair(wrong, DEFAULT_REFRESH_TOKEN, { fetch, now: Date.now }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
    expect((error as AuthError).code).toBe('invalid_client');
    expect(JSON.stringify((error as AuthError).toJSON())).not.toContain('not-the-secret-at-all');
  });

  it('spends the refresh token once when two workers refresh one tenant at the same time', async () => {
    const store = new InMemoryTokenStore();
    const deps = { store, fetch, now: Date.now };
    const [a, b] = await Promise.all([
      new FortnoxAuth(settings, 'tenant-a', deps).accessToken(),
      new FortnoxAuth(settings, 'tenant-a', deps).accessToken(),
    ]);
    expect(a).toBe(b);
    const tokenCalls = sandboxOf().state.requests.filter((entry) => entry.url.startsWith('/oauth-v1/token'));
    const spent = sandboxOf().state.snapshot().tokens as { refresh: { used: boolean }[] };
    console.info(
      `fortnox concurrent refresh: 2 workers, ${tokenCalls.length} token request(s), ${spent.refresh.filter((t) => t.used).length} refresh token(s) spent`,
    );
    expect(tokenCalls).toHaveLength(1);
    expect(spent.refresh.filter((token) => token.used)).toHaveLength(1);
    expect((await store.get('tenant-a'))?.refreshToken).not.toBe(DEFAULT_REFRESH_TOKEN);
  });

  it('gets a token with the client-credentials flow and the TenantId header', async () => {
    const service = { ...settings, flow: 'client_credentials' as const, tenantId: '1' };
    const fortnox = new FortnoxClient(
      service,
      'tenant-a',
      defaultClientDeps(harness.deps({ tokenStore: new InMemoryTokenStore() })),
    );
    const { body } = await fortnox.request<{ Customers: unknown[] }>('GET', '/3/customers');
    expect(body.Customers).toHaveLength(1);
  });

  it('refreshes once and retries when the API refuses the access token (401)', async () => {
    const fortnox = client();
    await fortnox.request('GET', '/3/customers');
    sandboxOf().state.accessTokens.clear(); // as if the token had been revoked
    const { status } = await fortnox.request('GET', '/3/customers');
    expect(status).toBe(200);
  });
});

describe('Fortnox contract (sandbox): errors', () => {
  it('maps a too-long field to a ValidationError naming the field, with Fortnox code and status', async () => {
    const error = await client()
      .request('POST', '/3/customers', { body: { Customer: { Name: 'Anna', ZipCode: '123456789012' } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      status: 400,
      field: 'Customer.ZipCode',
      code: sandboxOf().config.errors.tooLong.code.toString(),
    });
    expect((error as ValidationError).retryable).toBe(false);
    // Sent on purpose without the client's text policy: the OpenAPI check flags it too.
    expect(harness.takeMismatches()).toEqual([expect.stringContaining('ZipCode must NOT have more than 10')]);
  });

  it('maps an unknown property (2001399) and a wrong type (2000108) to ValidationErrors', async () => {
    const unknown = await client()
      .request('POST', '/3/customers', { body: { Customer: { Name: 'Anna', Nickname: 'A' } } })
      .catch((e: unknown) => e);
    expect(unknown).toMatchObject({ kind: 'validation', code: '2001399', field: 'Customer.Nickname' });
    const wrongType = await client()
      .request('POST', '/3/articles', { body: { Article: { Description: 'Saw', PurchasePrice: 'cheap' } } })
      .catch((e: unknown) => e);
    expect(wrongType).toMatchObject({ kind: 'validation', code: '2000108', field: 'Article.PurchasePrice' });
    expect(harness.takeMismatches()).toEqual([
      expect.stringContaining('must NOT have additional properties'),
      expect.stringContaining('PurchasePrice must be number'),
    ]);
  });

  it('maps a 404 to a NotFoundError with the recorded code', async () => {
    const error = await client()
      .request('GET', '/3/orders/123456789')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ status: 404, code: '2000439' });
  });

  it('retries a 429 and succeeds', async () => {
    await fault({ type: 'status', status: 429, count: 2, path: '/3/customers' });
    const { status } = await client().request('GET', '/3/customers');
    expect(status).toBe(200);
    const faulted = sandboxOf().state.requests.filter((entry) => entry.fault === '429');
    expect(faulted).toHaveLength(2);
  });

  it('retries a 500 and a dropped connection on a read', async () => {
    await fault({ type: 'status', status: 500, count: 1, path: '/3/customers' });
    await fault({ type: 'drop', count: 1, path: '/3/customers' });
    const { status } = await client().request('GET', '/3/customers');
    expect(status).toBe(200);
    expect(sandboxOf().state.requests.filter((entry) => entry.url.startsWith('/3/'))).toHaveLength(3);
  });

  it('does not retry a 500 on a create, which may have been applied (the effects ledger looks it up)', async () => {
    await fault({ type: 'status', status: 500, count: 1, path: '/3/orders' });
    const error = await client()
      .request('POST', '/3/orders', { body: { Order: { CustomerNumber: '1' } } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect(sandboxOf().state.requests.filter((entry) => entry.url.startsWith('/3/orders'))).toHaveLength(1);
  });

  it('never puts a token or the client secret in an error', async () => {
    const error = await client()
      .request('GET', '/3/orders/999')
      .catch((e: unknown) => e);
    const text = JSON.stringify((error as NotFoundError).toJSON()) + String((error as Error).stack);
    for (const token of sandboxOf().state.accessTokens.keys()) expect(text).not.toContain(token);
    expect(text).not.toContain(DEFAULT_CLIENT.clientSecret);
  });
});

describe('Fortnox contract (sandbox): lists and operations', () => {
  it('pages through 3 pages and stops after @TotalPages', async () => {
    const fortnox = client();
    for (let i = 0; i < 6; i++) {
      await fortnox.request('POST', '/3/customers', { body: { Customer: { Name: `Kund ${i}` } } });
    }
    const pages = [];
    for await (const page of listPages(fortnox, '/3/customers', 'Customers', { limit: 3 })) pages.push(page);
    expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(pages.map((page) => page.meta['@CurrentPage'])).toEqual([1, 2, 3]);
    expect(await listAll(fortnox, '/3/customers', 'Customers', { query: { name: 'no such name' } })).toEqual(
      [],
    );
  });

  it('creates an order and its lookup finds it by YourOrderNumber; createInvoice links both', async () => {
    const connector = harness.connector();
    const ctx = contextFor(settings);
    const create = connector.operations['orders.create'];
    const input = {
      CustomerNumber: '1',
      YourOrderNumber: '1060',
      OrderRows: [{ ArticleNumber: '101', OrderedQuantity: '2', DeliveredQuantity: '2', Price: '10.125' }],
    };
    expect(await create.lookup?.(ctx, input)).toBeUndefined();
    const order = await create.run(ctx, input);
    expect(order).toMatchObject({
      YourOrderNumber: '1060',
      ExternalInvoiceReference1: '1060',
      Total: '25.33',
    });
    const found = await create.lookup?.(ctx, input);
    expect(found?.DocumentNumber).toBe(order.DocumentNumber);
    // A substring hit ("1060" inside "10601") must not count.
    expect(await create.lookup?.(ctx, { ...input, YourOrderNumber: '106' })).toBeUndefined();

    const invoice = await connector.operations['orders.createInvoice'].run(ctx, {
      DocumentNumber: String(order.DocumentNumber),
    });
    expect(invoice.OrderReference).toBe(order.DocumentNumber);
    const again = await connector.operations['orders.createInvoice'].lookup?.(ctx, {
      DocumentNumber: String(order.DocumentNumber),
    });
    expect(again?.DocumentNumber).toBe(invoice.DocumentNumber);
  });

  it('counts an order a person cancelled as made: its lookup finds it, so a retry never makes a second', async () => {
    const connector = harness.connector();
    const ctx = contextFor(settings);
    const create = connector.operations['orders.create'];
    const input = {
      CustomerNumber: '1',
      YourOrderNumber: '1070',
      OrderRows: [{ ArticleNumber: '101', OrderedQuantity: '1', DeliveredQuantity: '1', Price: '10' }],
    };
    const order = await create.run(ctx, input);
    await connector.operations['orders.cancel'].run(ctx, { DocumentNumber: String(order.DocumentNumber) });
    const found = await create.lookup?.(ctx, input);
    expect(found).toMatchObject({ DocumentNumber: order.DocumentNumber, Cancelled: true });
  });

  it('creates an invoice and its lookup finds it by YourOrderNumber (exact match)', async () => {
    const connector = harness.connector();
    const ctx = contextFor(settings);
    const create = connector.operations['invoices.create'];
    const invoice = await create.run(ctx, {
      CustomerNumber: '1',
      YourOrderNumber: '2060',
      InvoiceRows: [{ ArticleNumber: '101', DeliveredQuantity: '1', Price: '99.90' }],
    });
    expect(invoice).toMatchObject({ Total: '124.88', Balance: '124.88' });
    expect(
      (await create.lookup?.(ctx, { CustomerNumber: '1', YourOrderNumber: '2060' }))?.DocumentNumber,
    ).toBe(invoice.DocumentNumber);
    expect(await create.lookup?.(ctx, { CustomerNumber: '1', YourOrderNumber: '206' })).toBeUndefined();
  });

  it('upserts a customer: found by e-mail, updated only when changed', async () => {
    const connector = harness.connector();
    const ctx = contextFor(settings);
    const upsert = connector.operations['customers.upsert'];
    const same = await upsert.run(ctx, { Name: 'Updated name', Email: 'anna@example.se' });
    expect(same.CustomerNumber).toBe('1');
    expect(sandboxOf().state.requests.filter((entry) => entry.method === 'PUT')).toHaveLength(0);
    const changed = await upsert.run(ctx, { Name: 'Anna Andersson', Email: 'anna@example.se' });
    expect(changed).toMatchObject({ CustomerNumber: '1', Name: 'Anna Andersson' });
    const created = await upsert.run(ctx, { Name: 'Bolaget AB', OrganisationNumber: '556677-8899' });
    expect(created.CustomerNumber).toBe('2');
    const byVat = await upsert.run(ctx, { Name: 'Bolaget AB', VATNumber: 'SE556677889901' });
    expect(byVat.CustomerNumber).toBe('2');
  });

  it('lists articles changed since an instant, with decimal strings', async () => {
    const connector = harness.connector();
    const { Articles } = await connector.operations['articles.list'].run(contextFor(settings), {
      since: '2000-01-01T00:00:00Z',
    });
    expect(Articles).toEqual([
      expect.objectContaining({ ArticleNumber: '101', QuantityInStock: '5', SalesPrice: '10' }),
    ]);
    const none = await connector.operations['articles.list'].run(contextFor(settings), {
      since: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(none.Articles).toEqual([]);
  });
});

describe('Fortnox contract (sandbox): OpenAPI check', () => {
  it('checked request bodies and responses against the OpenAPI document', () => {
    console.info(
      `fortnox OpenAPI check (sandbox suite): ${harness.check.checked.requests} request bodies, ${harness.check.checked.responses} responses`,
    );
    expect(harness.check.checked.requests).toBeGreaterThan(0);
    expect(harness.check.checked.responses).toBeGreaterThan(0);
  });
});

describe('Fortnox contract (sandbox): rate limit', () => {
  // The sandbox and the client share a 25 / 400 ms window here. Asserted on the sandbox's recorded
  // arrival times, not on elapsed time: no 25 accepted requests of a tenant fall within one window.
  for (const calls of [60, 200]) {
    it(`a backlog of ${calls} requests never exceeds 25 per window and no 429 reaches the caller`, async () => {
      // Counts the 429s the client itself receives (it would retry them, so the caller never sees one).
      let seen429 = 0;
      const counting: typeof fetch = async (input, init) => {
        const response = await harness.check.fetch(input, init);
        if (response.status === 429) seen429++;
        return response;
      };
      const fortnox = client({
        rateLimiter: new SlidingWindowRateLimiter({ requests: 25, windowMs: WINDOW_MS }),
        fetch: counting,
      });
      const started = Date.now();
      const results = await Promise.all(
        Array.from({ length: calls }, () => fortnox.request('GET', '/3/articles')),
      );
      const elapsed = Date.now() - started;
      const bound = Math.floor((calls - 1) / 25) * WINDOW_MS;
      console.info(
        `fortnox rate limit: ${calls} calls, ${seen429} × 429 seen by the client, ${elapsed} ms elapsed (bound ≥ ${bound} ms: ${Math.ceil(calls / 25)} windows of ${WINDOW_MS} ms)`,
      );
      expect(results.every((result) => result.status === 200)).toBe(true);
      expect(seen429).toBe(0);
      const api = sandboxOf().state.requests.filter((entry) => entry.url.startsWith('/3/'));
      expect(api.filter((entry) => entry.status === 429)).toHaveLength(0);
      // A lower bound only (never flaky): the budget cannot be beaten, however fast the machine.
      expect(elapsed).toBeGreaterThanOrEqual(bound);
      const times = sandboxOf()
        .state.acceptedTimes('1')
        .sort((a, b) => a - b);
      expect(times).toHaveLength(calls);
      for (let i = 25; i < times.length; i++) {
        expect((times[i] as number) - (times[i - 25] as number)).toBeGreaterThanOrEqual(WINDOW_MS);
      }
    });
  }
});
