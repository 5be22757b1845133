/**
 * Flow 1 on sandboxes with the real runtime, for the end-to-end test and the orders benchmark: a
 * WooCommerce sandbox holding a generated shop (scripts/demo/seed/shop-generator.ts), a Fortnox sandbox,
 * optionally a fault-injecting proxy in front of each, and the runtime (cursor, effects ledger, dead
 * letters) running pipelines/orders-to-fortnox.yaml until the backlog is drained.
 *
 * The Fortnox sandbox may run its rate-limit clock `speed` times faster (25 requests per 5 s / speed);
 * the client's request budget is set to match, so the ratio of work to limit is Fortnox's.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from 'mongodb';
import { InMemoryTokenStore, SlidingWindowRateLimiter } from '../../connectors/fortnox/client/index.ts';
import { createFortnoxConnector } from '../../connectors/fortnox/connector.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  DEFAULT_SEED,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../connectors/fortnox/sandbox/index.ts';
import wooConnector from '../../connectors/woocommerce/connector.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../connectors/woocommerce/sandbox/index.ts';
import { createRuntimeContainer } from '../../runtime/container/create-container.ts';
import { TOKENS } from '../../runtime/container/tokens.ts';
import type { DeadLetterStore } from '../../runtime/dead-letter/dead-letter-store.ts';
import { PipelineRunner, type RunOutcome } from '../../runtime/executor/pipeline-runner.ts';
import { registryWithBuiltins } from '../../runtime/registry/builtin-connectors.ts';
import type { Tenant } from '../../runtime/tenants/tenant.ts';
import { startFaultInjector, type FaultInjector } from '../../test/integration/flows/fault-injector.ts';
import { generateShop, type GeneratedShop } from '../demo/seed/shop-generator.ts';

export interface OrdersWorldOptions {
  readonly db: Db;
  readonly orders: number;
  readonly seed: number;
  /** The Fortnox sandbox's rate-limit clock runs this many times faster than Fortnox's (default 1). */
  readonly speed?: number;
  /** Share of API calls answered with a fault (429, 500, 503, timeout); default 0. */
  readonly faultRate?: number;
  /** Orders per page of the shop's order stream (a run resumes at the page it stopped in). */
  readonly pageSize?: number;
  readonly tenantId?: string;
}

export interface DrainResult {
  readonly runs: number;
  readonly ms: number;
  readonly outcomes: readonly RunOutcome[];
  /** How long each run took, in ms. */
  readonly durations: readonly number[];
}

export interface OrdersWorld {
  readonly shop: GeneratedShop;
  readonly fortnox: RunningFortnoxSandbox;
  readonly faults: { readonly fortnox?: FaultInjector; readonly woo?: FaultInjector };
  /** Fortnox's limit as the sandbox runs it: requests per window. */
  readonly limit: { readonly requests: number; readonly windowMs: number };
  /** Runs the pipeline until a run ends with nothing left to retry (at most `maxRuns`). */
  drain(maxRuns?: number): Promise<DrainResult>;
  deadLetters(): ReturnType<DeadLetterStore['list']>;
  stop(): Promise<void>;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** The shipped pipeline with a page size of its own (nothing else changed), in a temporary folder. */
function pipelineWithPageSize(pageSize: number): { file: string; dir: string } {
  const text = readFileSync(`${root}pipelines/orders-to-fortnox.yaml`, 'utf8');
  const changed = text.replace(/^source:\n/m, `source:\n  pageSize: ${pageSize}\n`);
  if (changed === text) throw new Error('orders-to-fortnox.yaml: no source: block to give a page size');
  const dir = mkdtempSync(join(tmpdir(), 'koppla-orders-'));
  const file = join(dir, 'orders-to-fortnox.yaml');
  writeFileSync(file, changed);
  return { file, dir };
}

export async function startOrdersWorld(options: OrdersWorldOptions): Promise<OrdersWorld> {
  const speed = options.speed ?? 1;
  const limit = { requests: 25, windowMs: 5000 / speed };
  const shop = generateShop({ orders: options.orders, seed: options.seed });
  const woo = await startWooSandbox({ seed: shop.woo });
  const fortnox = await startFortnoxSandbox({
    seed: { ...DEFAULT_SEED, articles: shop.fortnox.articles.map((article) => ({ ...article })) },
    config: { rateLimit: { requests: limit.requests, windowMs: limit.windowMs } },
  });
  const faults: { fortnox?: FaultInjector; woo?: FaultInjector } = {};
  if (options.faultRate) {
    faults.fortnox = await startFaultInjector({
      upstream: fortnox.url,
      rate: options.faultRate,
      seed: options.seed,
      faultable: (_method, path) => path.startsWith('/3/') || path.startsWith('/api/warehouse/'),
      errorBody: (status) =>
        status === 429
          ? { message: 'Too Many Requests' }
          : { ErrorInformation: { error: 1, message: 'Internal error', code: 2000000 + status } },
    });
    faults.woo = await startFaultInjector({
      upstream: woo.url,
      rate: options.faultRate,
      seed: options.seed + 1,
      faultable: (_method, path) => path.startsWith('/wp-json/'),
      errorBody: (status) => ({ code: 'internal_server_error', message: 'fault', data: { status } }),
    });
  }
  const { file, dir } = pipelineWithPageSize(options.pageSize ?? 10);
  const tenant: Tenant = {
    id: options.tenantId ?? `orders-${options.seed}`,
    name: 'Benchbutiken AB',
    enabled: true,
    pipelines: [{ file, enabled: true, everyMs: 300_000 }],
    toggles: { packs: {}, rules: {} },
    params: {},
    connections: {
      shop: {
        settings: {
          url: faults.woo?.url ?? woo.url,
          auth: 'basic',
          // a fault costs little time: a short timeout and quick retries (reads are retried in the client)
          timeoutMs: options.faultRate ? 150 : 10_000,
          retries: 8,
          retryMinTimeoutMs: 10,
        },
        secrets: { consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET },
      },
      ledger: {
        settings: {
          clientId: DEFAULT_CLIENT.clientId,
          apiUrl: faults.fortnox?.url ?? fortnox.url,
          authUrl: fortnox.url,
          timeoutMs: options.faultRate ? 150 : 10_000,
        },
        secrets: { clientSecret: DEFAULT_CLIENT.clientSecret, refreshToken: DEFAULT_REFRESH_TOKEN },
      },
    },
  };
  // the client's budget at the sandbox's speed, a little under it (Fortnox's advice: ≤ 24 / 5 s)
  const fortnoxConnector = createFortnoxConnector({
    tokenStore: new InMemoryTokenStore(),
    rateLimiter: new SlidingWindowRateLimiter({ requests: 24, windowMs: limit.windowMs }),
    retry: {
      retries: 8,
      minTimeoutMs: Math.max(5, Math.round(1000 / speed)),
      maxTimeoutMs: Math.max(50, Math.round(10_000 / speed)),
      factor: 2,
      randomize: true,
    },
  });
  const registry = registryWithBuiltins([fortnoxConnector, wooConnector]);
  const container = await createRuntimeContainer({
    db: options.db,
    connectors: registry,
    tenants: [tenant],
    workerName: 'orders-world',
  });
  const runner = container.createChildContainer().resolve(PipelineRunner);
  const planId = runner.plan(tenant, file).plan.id;
  return {
    shop,
    fortnox,
    faults,
    limit,
    async drain(maxRuns = 1000) {
      const started = performance.now();
      const outcomes: RunOutcome[] = [];
      const durations: number[] = [];
      for (let run = 1; run <= maxRuns; run++) {
        const began = performance.now();
        const outcome = await runner.run(tenant.id, planId);
        durations.push(performance.now() - began);
        outcomes.push(outcome);
        if (outcome.status === 'skipped') throw new Error(`run skipped: ${outcome.reason}`);
        if (!outcome.summary.retryLater)
          return { runs: run, ms: performance.now() - started, outcomes, durations };
      }
      throw new Error(`the backlog was not drained in ${maxRuns} runs`);
    },
    deadLetters: () => container.resolve<DeadLetterStore>(TOKENS.DeadLetters).list({ tenant: tenant.id }),
    async stop() {
      await faults.fortnox?.stop();
      await faults.woo?.stop();
      await fortnox.stop();
      await woo.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
