/**
 * The admin page on sandboxes, for people and for the browser tests: a worker with the admin page
 * and API on a real database, the WooCommerce and Fortnox sandboxes, two tenants whose shop and
 * Fortnox are not connected yet (that is done on the page), and an operator key. The Fortnox
 * sandbox lacks one article the shop sells, so one order fails until the article is added — the
 * failure a shop owner opens, fixes and replays.
 *
 *   npx tsx scripts/demo/admin-page.ts [--port 8080]   # prints the address, the keys, a shop owner's sign-in
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Db } from 'mongodb';
import { provisionMongo } from '../mongo/provision.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../connectors/woocommerce/sandbox/index.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_SEED,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
} from '../../connectors/fortnox/sandbox/index.ts';
import { AdminKeyring } from '../../runtime/admin/api-keys.ts';
import { serviceConnectors } from '../../runtime/registry/builtin-connectors.ts';
import { SecretBox } from '../../runtime/secrets/secret-box.ts';
import { startWorker, type RunningWorker } from '../../runtime/service/worker.ts';
import { MongoTenantStore } from '../../runtime/tenants/mongo-tenant-store.ts';
import { TenantCatalog } from '../../runtime/tenants/tenant-catalog.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const seed = <T>(name: string): T =>
  JSON.parse(readFileSync(`${ROOT}scripts/demo/seed/${name}`, 'utf8')) as T;

/** The article the Fortnox sandbox starts without: shop order 63 (a rain jacket) fails on it. */
export const MISSING_ARTICLE = 'PUB-JACKET';
export const FAILING_ORDER = '63';

export interface Stack {
  readonly url: string;
  readonly operatorKey: string;
  readonly woo: { readonly url: string; stop(): Promise<void> };
  readonly fortnox: RunningFortnoxSandbox;
  readonly db: Db;
  readonly worker: RunningWorker;
  /** Calls the admin API with the operator key. */
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** Adds the missing article to the Fortnox sandbox (what the shop owner does in Fortnox). */
  addMissingArticle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAdminPageDemo(
  mongoUri: string,
  name: string,
  options: { readonly port?: number } = {},
): Promise<Stack> {
  const articles = seed<{ ArticleNumber: string }[]>('fortnox-articles.json');
  const woo = await startWooSandbox({ seed: seed('woocommerce-store.json') });
  const fortnox = await startFortnoxSandbox({
    seed: { ...DEFAULT_SEED, articles: articles.filter((a) => a.ArticleNumber !== MISSING_ARTICLE) },
  });
  const client = await MongoClient.connect(mongoUri);
  const db = client.db(`e2e_${name}_${randomBytes(4).toString('hex')}`);
  const box = new SecretBox([{ id: 'e2e', key: randomBytes(32) }]);
  const operatorKey = `e2e-operator-${randomBytes(16).toString('hex')}`;
  const catalog = new TenantCatalog({
    fileTenants: [],
    store: new MongoTenantStore(db, box),
    projectDir: ROOT,
  });
  const worker = await startWorker({
    db,
    box,
    connectors: serviceConnectors(db, box, `e2e-${name}`),
    tenants: [],
    tenantCatalog: catalog,
    workerName: `e2e-${name}`,
    processEveryMs: 200,
    ...(options.port === undefined ? {} : { port: options.port }),
    admin: new AdminKeyring({ envKeys: [{ name: 'operator', key: operatorKey }], db }),
  });
  const api = async <T>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${worker.url}/admin/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${operatorKey}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T };
  };
  const pipelines = [
    { pipeline: 'pipelines/orders-to-fortnox.yaml', every: '1 hour' },
    { pipeline: 'pipelines/order-status-to-woocommerce.yaml', enabled: false },
    { pipeline: 'pipelines/stock-to-woocommerce.yaml', enabled: false },
    { pipeline: 'pipelines/products-to-woocommerce.yaml', enabled: false },
  ];
  // the shop is only named: its keys and the Fortnox consent are given on the admin page
  for (const [id, tenantName] of [
    ['demo-shop', 'Demobutiken AB'],
    ['other-shop', 'Andra butiken AB'],
  ] as const) {
    const created = await api('POST', '/tenants', {
      id,
      name: tenantName,
      pipelines,
      connections: {
        shop: { settings: { url: woo.url } },
        ledger: {
          settings: { clientId: DEFAULT_CLIENT.clientId, apiUrl: fortnox.url, authUrl: fortnox.url },
          secrets: { clientSecret: DEFAULT_CLIENT.clientSecret },
        },
      },
    });
    if (created.status !== 201) throw new Error(`tenant ${id}: ${JSON.stringify(created.body)}`);
  }
  return {
    url: worker.url,
    operatorKey,
    woo,
    fortnox,
    db,
    worker,
    api,
    async addMissingArticle() {
      const article = articles.find((a) => a.ArticleNumber === MISSING_ARTICLE);
      const response = await fetch(`${fortnox.url}/__admin/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ articles: [article] }),
      });
      if (!response.ok) throw new Error(`the sandbox refused the article: ${response.status}`);
    },
    async stop() {
      await worker.stop();
      await db.dropDatabase().catch(() => undefined);
      await client.close();
      await fortnox.stop();
      await woo.stop();
    },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.env.KOPPLA_LOG_LEVEL ??= 'warn';
  const at = process.argv.indexOf('--port');
  const port = at > 0 ? Number(process.argv[at + 1]) : 8080;
  const mongo = await provisionMongo();
  const stack = await startAdminPageDemo(mongo.uri, 'demo', { port });
  const password = randomBytes(9).toString('base64url');
  await stack.api('POST', '/tenants/demo-shop/users', { username: 'agare@demobutiken.se', password });
  const say = (line = '') => process.stdout.write(`${line}\n`);
  say(`Koppla's admin page: ${stack.url}/admin/`);
  say();
  say(`  operator (sees every shop): admin API key ${stack.operatorKey}`);
  say(`  shop owner of demo-shop:    agare@demobutiken.se / ${password}`);
  say();
  say(
    `  On "Connect", give the WooCommerce sandbox's keys: ${SANDBOX_CONSUMER_KEY} / ${SANDBOX_CONSUMER_SECRET};`,
  );
  say('  "Connect to Fortnox" goes through the Fortnox sandbox\'s consent page and back.');
  say(`  Order ${FAILING_ORDER} fails (Fortnox lacks article ${MISSING_ARTICLE}); add it with`);
  say(`    curl -X POST ${stack.fortnox.url}/__admin/seed -H 'content-type: application/json' \\`);
  say(
    `      -d '{"articles":[{"ArticleNumber":"${MISSING_ARTICLE}","Description":"Jacka","SalesPrice":129}]}'`,
  );
  say('  and replay it on "Activity". Ctrl-C stops everything.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await stack.stop();
  await mongo.stop();
}
