/**
 * The stock flow (pipelines/stock-to-woocommerce.yaml) at shop scale, on the real runtime and database:
 *
 * 1. 10 000 Fortnox articles (without Lager) and a shop with the same SKUs, in step: a first, full run;
 *    then 500 articles change in Fortnox and a second run syncs them. Prints Fortnox calls (target:
 *    list pages only, ⌈10 000/500⌉ = 20 for a full read, 1 with `lastmodified`), WooCommerce calls
 *    (target: 5 batch writes plus the SKU look-ups) and the run's peak RSS (target < 300 MB).
 * 2. The same full run with 100 000 articles, for memory: RSS should stay flat, not grow tenfold.
 *    (`KOPPLA_BENCH_STOCK_ARTICLES=10000` runs the first part only.)
 *
 * Both sandboxes run in a child process, so the RSS measured here is the runtime's own. Fortnox's
 * rate-limit window runs faster (sandbox and client alike) so the 100 000-article read does not wait
 * 40 s for its budget; the output says by how much. Figures are printed, never asserted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MongoClient, type Db } from 'mongodb';
import { provisionMongo } from '../mongo/provision.ts';

const SPEED = 10;
const PIPELINE = fileURLToPath(new URL('../../pipelines/stock-to-woocommerce.yaml', import.meta.url));
const FIRST_ARTICLE = 100_000;

type Command =
  | { readonly cmd: 'start' }
  | { readonly cmd: 'seed'; readonly articles: number; readonly indexedLookups: boolean }
  | { readonly cmd: 'change'; readonly count: number };

interface Started {
  readonly fortnoxUrl: string;
  readonly shopUrl: string;
}

/** The Fortnox article and shop product `i`; their stock is in step. */
const skuOf = (i: number) => String(FIRST_ARTICLE + i);
const stockOf = (i: number) => (i % 50) + 1;

// ------------------------------------------------------------------------------------------------
// The child: both sandboxes, seeded straight into their state (a bench, not a test of seeding).

async function sandboxes(): Promise<void> {
  const { startFortnoxSandbox, DEFAULT_TENANT } = await import('../../connectors/fortnox/sandbox/index.ts');
  const { startSandbox } = await import('../../connectors/woocommerce/sandbox/index.ts');
  const fortnox = await startFortnoxSandbox({ config: { rateLimit: { windowMs: 5000 / SPEED } } });
  let shop = await startSandbox({ seed: { products: [] } });
  const articles = () => fortnox.state.tenant(DEFAULT_TENANT).records.articles;
  // The sandbox scans every product for a SKU look-up (≈ 70 ms at 100 000 products on this machine).
  // For the memory run, look-ups are answered from an index in front of it, with the same documents.
  const bySku = new Map<string, Record<string, unknown>>();
  let indexed = false;
  const front = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://front');
    const skus = url.searchParams.get('sku');
    if (indexed && request.method === 'GET' && url.pathname === '/wp-json/wc/v3/products' && skus !== null) {
      const found = skus.split(',').flatMap((sku) => bySku.get(sku) ?? []);
      response.writeHead(200, {
        'content-type': 'application/json',
        'x-wp-total': String(found.length),
        'x-wp-totalpages': '1',
      });
      response.end(JSON.stringify(found));
      return;
    }
    const target = new URL(shop.url);
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: request.url,
        method: request.method,
        headers: request.headers,
      },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    request.pipe(forward);
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;

  const handle = async (command: Command): Promise<unknown> => {
    switch (command.cmd) {
      case 'start':
        return { fortnoxUrl: fortnox.url, shopUrl: frontUrl } satisfies Started;
      case 'seed': {
        // a fresh Fortnox (its refresh token is single use, and each size runs on a fresh database)
        await fetch(`${fortnox.url}/__admin/reset`, { method: 'POST' });
        const long = Date.now() - 24 * 3600_000;
        const products = [];
        for (let i = 0; i < command.articles; i++) {
          const stock = stockOf(i);
          articles().set(skuOf(i), {
            data: {
              ArticleNumber: skuOf(i),
              Description: `Artikel ${i}`,
              QuantityInStock: stock,
              ReservedQuantity: 0,
              DisposableQuantity: stock,
              StockGoods: true,
            },
            modifiedAt: long,
          });
          products.push({
            id: 1000 + i,
            name: `Artikel ${i}`,
            type: 'simple',
            status: 'publish',
            sku: skuOf(i),
            price: '100.00',
            regular_price: '100.00',
            sale_price: '',
            tax_status: 'taxable',
            tax_class: '',
            manage_stock: true,
            stock_quantity: stock,
            weight: '',
            parent_id: 0,
            attributes: [],
            date_modified_gmt: '2026-03-01T08:00:00',
          });
        }
        await shop.stop();
        shop = await startSandbox({ seed: { products } });
        bySku.clear();
        indexed = command.indexedLookups;
        if (indexed) for (const product of products) bySku.set(product.sku, product);
        return { fortnoxUrl: fortnox.url, shopUrl: frontUrl } satisfies Started;
      }
      case 'change': {
        // every n-th article loses one unit, as a day of sales would do
        const all = [...articles().values()];
        const step = Math.floor(all.length / command.count);
        for (let k = 0; k < command.count; k++) {
          const stored = all[k * step];
          if (!stored) continue;
          const stock = Number(stored.data.QuantityInStock) - 1;
          stored.data = { ...stored.data, QuantityInStock: stock, DisposableQuantity: stock };
          stored.modifiedAt = Date.now();
        }
        return {};
      }
    }
  };
  process.on('message', (message: { id: number; command: Command }) => {
    void handle(message.command).then(
      (result) => process.send?.({ id: message.id, result }),
      (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
    );
  });
  process.on('disconnect', () => {
    front.close();
    void Promise.all([fortnox.stop(), shop.stop()]).then(() => process.exit(0));
  });
  process.send?.({ ready: true });
}

function startChild(): Promise<{ child: ChildProcess; ask: <T>(command: Command) => Promise<T> }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, KOPPLA_BENCH_STOCK_SANDBOXES: '1' },
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  return new Promise((ready, failed) => {
    child.once('error', failed);
    child.on('message', (message: { ready?: boolean; id?: number; result?: unknown; error?: string }) => {
      if (message.ready) {
        ready({
          child,
          ask: <T>(command: Command) =>
            new Promise<T>((resolve, reject) => {
              const id = next++;
              waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
              child.send({ id, command });
            }),
        });
        return;
      }
      const pending = waiting.get(message.id ?? -1);
      if (!pending) return;
      waiting.delete(message.id ?? -1);
      if (message.error) pending.reject(new Error(message.error));
      else pending.resolve(message.result);
    });
  });
}

// ------------------------------------------------------------------------------------------------
// The parent: the runtime, counting every request it makes.

interface Calls {
  fortnoxApi: number;
  fortnoxListPages: number;
  fortnoxAuth: number;
  shopLookups: number;
  shopReads: number;
  shopWrites: number;
  shopOther: number;
}

const zero = (): Calls => ({
  fortnoxApi: 0,
  fortnoxListPages: 0,
  fortnoxAuth: 0,
  shopLookups: 0,
  shopReads: 0,
  shopWrites: 0,
  shopOther: 0,
});

let calls = zero();
let hosts: { fortnox: string; shop: string } = { fortnox: '', shop: '' };

function countRequests(): void {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (url.host === hosts.fortnox) {
      if (url.pathname.startsWith('/oauth-v1/')) calls.fortnoxAuth++;
      else {
        calls.fortnoxApi++;
        if (method === 'GET' && url.searchParams.has('page')) calls.fortnoxListPages++;
      }
    } else if (url.host === hosts.shop) {
      if (method === 'POST' && url.pathname.endsWith('/batch')) calls.shopWrites++;
      else if (method === 'GET' && url.searchParams.has('sku')) calls.shopLookups++;
      else if (method === 'GET' && url.searchParams.has('include')) calls.shopReads++;
      else calls.shopOther++;
    }
    return original(input, init);
  };
}

async function runtimeFor(db: Db, started: Started) {
  const { createRuntimeContainer } = await import('../../runtime/container/create-container.ts');
  const { PipelineRunner } = await import('../../runtime/executor/pipeline-runner.ts');
  const { builtinConnectors, registryWithBuiltins } =
    await import('../../runtime/registry/builtin-connectors.ts');
  const { LeaseStore, MongoRateBudget } = await import('../../runtime/store/index.ts');
  const { MongoTokenStore } = await import('../../runtime/secrets/mongo-token-store.ts');
  const { SecretBox } = await import('../../runtime/secrets/secret-box.ts');
  const { DEFAULT_CLIENT, DEFAULT_REFRESH_TOKEN } = await import('../../connectors/fortnox/sandbox/index.ts');
  const { SANDBOX_CONSUMER_KEY, SANDBOX_CONSUMER_SECRET } =
    await import('../../connectors/woocommerce/sandbox/index.ts');
  const box = new SecretBox([{ id: 'bench', key: randomBytes(32) }]);
  // the worker's services, with Fortnox's request window SPEED times shorter, as in the sandbox
  const connectors = registryWithBuiltins(
    builtinConnectors({
      tokenStore: new MongoTokenStore(db, new LeaseStore(db), box, { holder: 'bench' }),
      rateLimiterFor: (limit) =>
        new MongoRateBudget(db, { requests: limit.requests, windowMs: limit.perMs / SPEED }),
    }),
  );
  const tenant = {
    id: 'bench-shop',
    name: 'Benchbutiken AB',
    enabled: true,
    pipelines: [{ file: PIPELINE, enabled: true, everyMs: 300_000 }],
    toggles: { packs: {}, rules: {} },
    params: {},
    connections: {
      shop: {
        settings: {
          url: started.shopUrl,
          auth: 'basic',
          currency: 'SEK',
          pricesIncludeTax: true,
          weightUnit: 'kg',
        },
        secrets: { consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET },
      },
      ledger: {
        settings: {
          clientId: DEFAULT_CLIENT.clientId,
          apiUrl: started.fortnoxUrl,
          authUrl: started.fortnoxUrl,
          streams: { stock: { warehouse: 'auto' } },
        },
        secrets: { clientSecret: DEFAULT_CLIENT.clientSecret, refreshToken: DEFAULT_REFRESH_TOKEN },
      },
    },
  };
  const container = await createRuntimeContainer({ db, connectors, tenants: [tenant], workerName: 'bench' });
  return () =>
    container.createChildContainer().resolve(PipelineRunner).run(tenant.id, 'stock-to-woocommerce');
}

/** V8's full collection, to measure what a run leaves behind (exposed on first use). */
let gc: (() => void) | undefined;
function collect(): void {
  if (!gc) {
    v8.setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

interface Measured {
  readonly seconds: number;
  readonly peakRssMb: number;
  /** The heap after the run and a full collection: what the run left behind. */
  readonly heapAfterMb: number;
  readonly calls: Calls;
  readonly summary: string;
}

async function measure(run: () => Promise<{ status: string; summary?: unknown }>): Promise<Measured> {
  calls = zero();
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  try {
    const outcome = await run();
    collect();
    const heapAfterMb = mb(process.memoryUsage().heapUsed);
    const s = outcome.summary as
      { read: number; processed: number; failed: number; batches: number } | undefined;
    return {
      seconds: (performance.now() - started) / 1000,
      peakRssMb: mb(Math.max(peak, process.memoryUsage().rss)),
      heapAfterMb,
      calls: { ...calls },
      summary: s
        ? `${outcome.status}: ${s.read} read, ${s.processed} processed, ${s.failed} failed, ${s.batches} batches`
        : outcome.status,
    };
  } finally {
    clearInterval(sampler);
  }
}

function print(label: string, m: Measured): void {
  const c = m.calls;
  console.log(
    `stock ${label}: ${m.summary} in ${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMb} MB, heap after the run ${m.heapAfterMb} MB`,
  );
  console.log(
    `  Fortnox: ${c.fortnoxApi} API calls (${c.fortnoxListPages} list pages, ${c.fortnoxApi - c.fortnoxListPages} other), ${c.fortnoxAuth} token`,
  );
  console.log(
    `  WooCommerce: ${c.shopWrites} batch writes, ${c.shopLookups} SKU look-ups, ${c.shopReads} current-value reads, ${c.shopOther} other`,
  );
}

export async function benchStock(): Promise<void> {
  process.env.KOPPLA_LOG_LEVEL ??= 'error';
  const { child, ask } = await startChild();
  const mongo = await provisionMongo();
  const client = await MongoClient.connect(mongo.uri);
  countRequests();
  try {
    const sizes = (process.env.KOPPLA_BENCH_STOCK_ARTICLES ?? '10000,100000').split(',').map(Number);
    console.log(
      `stock sync (Fortnox rate-limit window ×${SPEED} faster in the sandbox and the client; RSS before the runs ${mb(process.memoryUsage().rss)} MB):`,
    );
    for (const articles of sizes) {
      const started = await ask<Started>({ cmd: 'seed', articles, indexedLookups: articles > 10_000 });
      hosts = { fortnox: new URL(started.fortnoxUrl).host, shop: new URL(started.shopUrl).host };
      const db = client.db(`bench_stock_${articles}_${process.pid}`);
      const run = await runtimeFor(db, started);
      const lookups = articles > 10_000 ? ', SKU look-ups from an index in front of the shop sandbox' : '';
      print(`${articles} articles, first run (full read, shop in step${lookups})`, await measure(run));
      if (articles === 10_000) {
        await ask({ cmd: 'change', count: 500 });
        print(`${articles} articles, 500 changed in Fortnox`, await measure(run));
        print(`${articles} articles, nothing changed`, await measure(run));
      }
      await db.dropDatabase();
    }
    console.log(
      '  targets: Fortnox list pages only (⌈articles/500⌉, 1 with lastmodified), 5 batch writes per 500 changes, RSS < 300 MB and flat',
    );
    console.log(`  (database: ${mongo.description})`);
  } finally {
    await client.close();
    await mongo.stop();
    child.disconnect();
  }
}

if (process.env.KOPPLA_BENCH_STOCK_SANDBOXES === '1') await sandboxes();
else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchStock();
