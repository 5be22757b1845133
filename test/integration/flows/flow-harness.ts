/**
 * One shipped pipeline end to end: a WooCommerce sandbox, a Fortnox sandbox and the real runtime
 * (run lease, cursor, effects ledger, dead letters) on the test database, for one tenant.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from 'mongodb';
import type { DependencyContainer } from 'tsyringe';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
  type SandboxSeed,
} from '../../../connectors/fortnox/sandbox/index.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { createRuntimeContainer } from '../../../runtime/container/create-container.ts';
import { TOKENS } from '../../../runtime/container/tokens.ts';
import type { DeadLetterStore } from '../../../runtime/dead-letter/dead-letter-store.ts';
import { PipelineRunner, type RunOutcome } from '../../../runtime/executor/pipeline-runner.ts';
import { serviceConnectors } from '../../../runtime/registry/builtin-connectors.ts';
import { SecretBox } from '../../../runtime/secrets/secret-box.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';

export const pipelineFile = (name: string): string =>
  fileURLToPath(new URL(`../../../pipelines/${name}`, import.meta.url));

type WooSandbox = Awaited<ReturnType<typeof startWooSandbox>>;
type WooDoc = Record<string, unknown>;

/** The demo shop's WooCommerce documents, to copy from (real WooCommerce 10 shapes). */
export const demoStore = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../scripts/demo/seed/woocommerce-store.json', import.meta.url)),
    'utf8',
  ),
) as { products: WooDoc[]; variations: WooDoc[]; orders: WooDoc[]; taxClasses: WooDoc[]; taxes: WooDoc[] };

export interface FlowHarness {
  readonly shop: WooSandbox;
  readonly fortnox: RunningFortnoxSandbox;
  readonly tenant: Tenant;
  run(): Promise<RunOutcome>;
  /** Runs a dead-lettered record again (`koppla replay`). */
  replay(deadLetterId: string): ReturnType<PipelineRunner['replay']>;
  /** Requests that changed the shop since the last call (method and route). */
  takeShopWrites(): string[];
  /** A request to the Fortnox sandbox as a person working in Fortnox would make it. */
  fortnoxApi<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  deadLetters(): Promise<Awaited<ReturnType<DeadLetterStore['list']>>>;
  stop(): Promise<void>;
}

export interface FlowOptions {
  readonly db: Db;
  readonly pipeline: string;
  readonly wooSeed: Record<string, unknown>;
  readonly fortnoxSeed: SandboxSeed;
  readonly params?: Tenant['params'];
  /** Extra Fortnox connection settings (the streams' options). */
  readonly ledgerSettings?: Record<string, unknown>;
  /** Extra WooCommerce connection settings (pricesIncludeTax, weightUnit, …). */
  readonly shopSettings?: Record<string, unknown>;
}

let flows = 0;

export async function startFlow(options: FlowOptions): Promise<FlowHarness> {
  const shop = await startWooSandbox({ seed: options.wooSeed });
  const fortnox = await startFortnoxSandbox({ seed: options.fortnoxSeed });
  const file = pipelineFile(options.pipeline);
  const tenant: Tenant = {
    // a tenant of its own per flow: tokens and cursors in the shared test database stay apart
    id: `flow-shop-${++flows}`,
    name: 'Flödesbutiken AB',
    enabled: true,
    pipelines: [{ file, enabled: true, everyMs: 300_000 }],
    toggles: { packs: {}, rules: {} },
    params: options.params ?? {},
    connections: {
      shop: {
        settings: { url: shop.url, auth: 'basic', ...options.shopSettings },
        secrets: { consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET },
      },
      ledger: {
        settings: {
          clientId: DEFAULT_CLIENT.clientId,
          apiUrl: fortnox.url,
          authUrl: fortnox.url,
          ...options.ledgerSettings,
        },
        secrets: { clientSecret: DEFAULT_CLIENT.clientSecret, refreshToken: DEFAULT_REFRESH_TOKEN },
      },
    },
  };
  const container: DependencyContainer = await createRuntimeContainer({
    db: options.db,
    connectors: serviceConnectors(
      options.db,
      new SecretBox([{ id: 'flows', key: randomBytes(32) }]),
      'flows',
    ),
    tenants: [tenant],
    workerName: 'flows',
  });
  const runner = container.createChildContainer().resolve(PipelineRunner);
  const planId = runner.plan(tenant, file).plan.id;
  let shopCallsSeen = 0;
  // a token of its own: the connector's refresh token is single use, and the runtime holds it
  let token: string | undefined;
  const fortnoxToken = async () => {
    if (token) return token;
    await fetch(`${fortnox.url}/__admin/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshTokens: [{ token: 'flow-person', clientId: DEFAULT_CLIENT.clientId }] }),
    });
    const response = await fetch(`${fortnox.url}/oauth-v1/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${DEFAULT_CLIENT.clientId}:${DEFAULT_CLIENT.clientSecret}`).toString('base64')}`,
      },
      body: 'grant_type=refresh_token&refresh_token=flow-person',
    });
    token = ((await response.json()) as { access_token: string }).access_token;
    return token;
  };
  return {
    shop,
    fortnox,
    tenant,
    run: () => runner.run(tenant.id, planId),
    replay: (deadLetterId) => runner.replay(deadLetterId),
    takeShopWrites() {
      const calls = shop.state.calls.slice(shopCallsSeen);
      shopCallsSeen = shop.state.calls.length;
      return calls.filter((call) => call.method !== 'GET').map((call) => `${call.method} ${call.path}`);
    },
    async fortnoxApi<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${fortnox.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await fortnoxToken()}`,
          'content-type': 'application/json',
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`Fortnox sandbox ${method} ${path}: ${response.status} ${text}`);
      return (text ? JSON.parse(text) : {}) as T;
    },
    deadLetters: () => container.resolve<DeadLetterStore>(TOKENS.DeadLetters).list({ tenant: tenant.id }),
    async stop() {
      await fortnox.stop();
      await shop.stop();
    },
  };
}
