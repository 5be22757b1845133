/**
 * The Fortnox sandbox as the contract suites use it: one sandbox per file, reset and seeded before
 * each test, every call of the client going through the OpenAPI check (openapi-check.ts).
 */
import { expect } from 'vitest';
import {
  FortnoxClient,
  InMemoryTokenStore,
  defaultClientDeps,
  type ClientDeps,
  type FortnoxSettings,
} from '../../../connectors/fortnox/client/index.ts';
import { createFortnoxConnector } from '../../../connectors/fortnox/connector.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
  type SandboxConfigInput,
  type SandboxSeed,
} from '../../../connectors/fortnox/sandbox/index.ts';
import { openApiCheckedFetch, type OpenApiCheck } from './openapi-check.ts';
import { FAST_RETRY, contextFor } from './target.ts';

export const DEFAULT_TEST_SEED: SandboxSeed = {
  articles: [{ ArticleNumber: '101', Description: 'Hammer', SalesPrice: 10, QuantityInStock: 5 }],
  customers: [{ Name: 'Updated name', City: 'New York', ZipCode: '10001', Email: 'anna@example.se' }],
};

export class SandboxHarness {
  sandbox!: RunningFortnoxSandbox;
  settings!: FortnoxSettings;
  /** One per test, as the runtime shares one across calls: the seeded refresh token is single use. */
  tokenStore = new InMemoryTokenStore();
  /** Shared by every test of the file, so the counts add up. */
  readonly check: OpenApiCheck = openApiCheckedFetch();

  async start(config: SandboxConfigInput = {}): Promise<void> {
    this.sandbox = await startFortnoxSandbox({ config });
    this.settings = {
      clientId: DEFAULT_CLIENT.clientId,
      clientSecret: DEFAULT_CLIENT.clientSecret,
      refreshToken: DEFAULT_REFRESH_TOKEN,
      apiUrl: this.sandbox.url,
      authUrl: this.sandbox.url,
    };
  }

  async stop(): Promise<void> {
    await this.sandbox.stop();
  }

  async reset(seed: SandboxSeed = DEFAULT_TEST_SEED): Promise<void> {
    this.tokenStore = new InMemoryTokenStore();
    await fetch(`${this.sandbox.url}/__admin/reset`, { method: 'POST' });
    await this.seed(seed);
  }

  async seed(seed: SandboxSeed): Promise<void> {
    const response = await fetch(`${this.sandbox.url}/__admin/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(seed),
    });
    expect(response.status).toBe(200);
  }

  async fault(body: Record<string, unknown>): Promise<void> {
    const response = await fetch(`${this.sandbox.url}/__admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
  }

  deps(overrides: Partial<ClientDeps> = {}): Partial<ClientDeps> {
    return { retry: FAST_RETRY, tokenStore: this.tokenStore, fetch: this.check.fetch, ...overrides };
  }

  client(overrides: Partial<ClientDeps> = {}, tenant = 'tenant-a', settings = this.settings): FortnoxClient {
    return new FortnoxClient(settings, tenant, defaultClientDeps(this.deps(overrides)));
  }

  connector(overrides: Partial<ClientDeps> = {}) {
    return createFortnoxConnector(this.deps(overrides));
  }

  ctx(settings: FortnoxSettings = this.settings) {
    return contextFor(settings);
  }

  /** Mismatches found since the last call (asserted empty after each test). */
  takeMismatches(): string[] {
    return this.check.mismatches.splice(0);
  }
}
