/**
 * `npm run chaos [-- --short] [--seed n] [--orders n] [--kills n]`: the whole integration under
 * faults. Three `koppla serve` workers on one database run the four shipped pipelines for a shop
 * whose orders arrive during the run, while
 *
 * - a seeded fault proxy in front of each sandbox answers 20 % of the calls with 429, 500, 503,
 *   timeouts, slow answers and connection resets — also after the sandbox performed a write;
 * - workers are killed with SIGKILL at random moments and restarted;
 * - the database connection is cut and restored (a TCP proxy in front of the server);
 * - webhooks arrive twice, out of order, or not at all;
 * - someone in Fortnox changes stock and article names and cancels orders.
 *
 * Then faults go on but kills stop, Fortnox takes a final stock count, and the run waits for the
 * systems to converge. It prints the figures and a `CHAOS_RESULT {json}` line, and exits 0 only when
 * every order has exactly one Fortnox document set, none is missing, no customer is duplicated,
 * stock, product names and statuses converged, the only dead letters are the orders made invalid on
 * purpose, no refresh token was spent twice and no 429 reached a pipeline as a failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Db } from 'mongodb';
import { provisionMongo } from '../mongo/provision.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  DEFAULT_SEED,
  DEFAULT_TENANT,
  startFortnoxSandbox,
} from '../../connectors/fortnox/sandbox/index.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox as startWooSandbox,
} from '../../connectors/woocommerce/sandbox/index.ts';
import { generateShop } from '../demo/seed/shop-generator.ts';
import { seededRandom } from './prng.ts';
import { startFaultProxy } from './fault-proxy.ts';
import { startTcpProxy } from './tcp-proxy.ts';
import { startWebhookRelay } from './webhook-relay.ts';
import { workerPool, type WorkerPool } from './workers.ts';
import { DESK_REFRESH_TOKEN, fortnoxDesk } from './desk.ts';
import { verify, type ChaosFigures } from './verify.ts';
import { COLLECTIONS } from '../../runtime/store/collections.ts';

type Json = Record<string, unknown>;

export interface ChaosOptions {
  readonly seed: number;
  readonly orders: number;
  readonly kills: number;
  readonly outages: number;
  readonly invalidOrders: number;
  /** Orders arrive over this long; kills and outages are spread over it too. */
  readonly chaosMs: number;
  /** Orders arrive over this long (at most chaosMs). */
  readonly arrivalMs: number;
  /** After the chaos, how long the run may wait for convergence. */
  readonly settleMs: number;
  readonly faultRate: number;
  readonly workers: number;
  readonly accessTokenTtlSeconds: number;
}

export const FULL: ChaosOptions = {
  seed: 20261129,
  orders: 300,
  kills: 55,
  outages: 5,
  invalidOrders: 4,
  chaosMs: 600_000,
  arrivalMs: 300_000,
  settleMs: 1_500_000,
  faultRate: 0.2,
  workers: 3,
  accessTokenTtlSeconds: 120,
};

export const SHORT: ChaosOptions = {
  ...FULL,
  orders: 24,
  kills: 10,
  outages: 2,
  invalidOrders: 2,
  chaosMs: 60_000,
  arrivalMs: 30_000,
  settleMs: 300_000,
  accessTokenTtlSeconds: 90,
};

const PIPELINES = fileURLToPath(new URL('../../pipelines/', import.meta.url));
const RECORDED_STORE = fileURLToPath(new URL('../demo/seed/woocommerce-store.json', import.meta.url));
/** How long the figures must hold before the run counts as settled (the slowest flow polls every 6 s). */
const STABLE_MS = 20_000;
/** A worker is killed only after it has been serving this long. */
const MIN_UPTIME_MS = 8_000;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface ChaosResult {
  readonly ok: boolean;
  readonly seed: number;
  readonly durationMs: number;
  readonly figures: ChaosFigures;
  readonly failures: readonly string[];
  readonly chaos: Json;
}

export async function runChaos(options: ChaosOptions, say: (line: string) => void): Promise<ChaosResult> {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const dir = mkdtempSync(join(tmpdir(), 'koppla-chaos-'));
  const logFile = join(dir, 'workers.log');
  const cleanups: (() => Promise<unknown>)[] = [];
  let keep = Boolean(process.env.KOPPLA_CHAOS_KEEP);
  try {
    const mongo = await provisionMongo();
    cleanups.push(() => mongo.stop());
    const target = new URL(mongo.uri);
    const tcp = await startTcpProxy({ host: target.hostname, port: Number(target.port || 27017) });
    cleanups.push(() => tcp.stop());
    const dbName = `koppla_chaos_${options.seed}_${Date.now()}`;
    const viaProxy = `mongodb://127.0.0.1:${tcp.port}/${dbName}`;

    // --- the shop and the company ------------------------------------------------------------
    const shop = generateShop({ orders: options.orders, seed: options.seed, firstId: 1000 });
    const paid = shop.woo.orders.filter((o) => ['processing', 'completed'].includes(String(o.status)));
    const refunded = new Set(shop.woo.refunds.map((r) => r.orderId));
    // orders made invalid on purpose: a line whose SKU Fortnox has no article for
    const invalid = new Set<number>();
    for (const order of paid) {
      if (invalid.size >= options.invalidOrders) break;
      if (refunded.has(Number(order.id))) continue;
      const line = (order.line_items as Json[])[0]!;
      line.sku = `UTGATT-${String(order.id)}`;
      invalid.add(Number(order.id));
    }
    // some paid orders are cash on delivery: a Fortnox order only, which the desk may cancel
    const cod = new Set<number>();
    for (const order of paid) {
      if (invalid.has(Number(order.id)) || refunded.has(Number(order.id)) || !random.chance(0.15)) continue;
      order.payment_method = 'cod';
      order.payment_method_title = 'Postförskott';
      cod.add(Number(order.id));
    }
    const recorded = JSON.parse(readFileSync(RECORDED_STORE, 'utf8')) as { settingsGeneral: Json[] };
    const webhookSecret = randomBytes(16).toString('hex');
    const live: { pool?: WorkerPool } = {};
    const relay = await startWebhookRelay({
      random: seededRandom(options.seed + 1),
      workers: () => live.pool?.urls() ?? [],
      path: '/webhooks/chaos-shop/shop',
      dropRate: 0.15,
      duplicateRate: 0.25,
      maxDelayMs: 3_000,
    });
    cleanups.push(() => relay.stop());
    const woo = await startWooSandbox({
      seed: {
        products: shop.woo.products,
        variations: shop.woo.variations,
        taxes: shop.woo.taxes,
        taxClasses: shop.woo.taxClasses,
        settingsGeneral: recorded.settingsGeneral,
        refunds: shop.woo.refunds,
        webhooks: ['order.created', 'order.updated'].map((topic) => ({
          topic,
          delivery_url: relay.url,
          secret: webhookSecret,
          status: 'active',
        })),
      } as never,
    });
    cleanups.push(() => woo.stop());
    const fortnox = await startFortnoxSandbox({
      seed: {
        ...DEFAULT_SEED,
        refreshTokens: [
          ...(DEFAULT_SEED.refreshTokens ?? []),
          { token: DESK_REFRESH_TOKEN, clientId: DEFAULT_CLIENT.clientId },
        ],
        articles: shop.fortnox.articles as unknown as Json[],
      },
      config: { accessTokenTtlSeconds: options.accessTokenTtlSeconds },
    });
    cleanups.push(() => fortnox.stop());

    const proxyFor = (name: string, upstream: string, seed: number, fortnoxApi: boolean) =>
      startFaultProxy({
        name,
        upstream,
        random: seededRandom(seed),
        rate: options.faultRate,
        faultable: (_method, path) =>
          fortnoxApi
            ? path.startsWith('/3/') || path.startsWith('/api/warehouse/') || path.startsWith('/oauth-v1/')
            : path.startsWith('/wp-json/'),
        preForwardOnly: (_method, path) => path.startsWith('/oauth-v1/'),
        errorBody: (status) =>
          fortnoxApi
            ? status === 429
              ? { message: 'Too Many Requests' }
              : { ErrorInformation: { error: 1, message: 'System exception', code: 1000003 } }
            : { code: 'internal_server_error', message: 'chaos', data: { status } },
      });
    const fortnoxProxy = await proxyFor('fortnox', fortnox.url, options.seed + 2, true);
    cleanups.push(() => fortnoxProxy.stop());
    const wooProxy = await proxyFor('woocommerce', woo.url, options.seed + 3, false);
    cleanups.push(() => wooProxy.stop());

    // --- koppla.yaml and the workers -----------------------------------------------------------
    // The shipped pipelines, with the clock compressed as the run compresses a busy day into minutes:
    // orders-to-fortnox re-reads 1 minute behind its cursor instead of 15 (else every run re-reads
    // every order of the run: the ledger answers them, but each costs database round trips), and a
    // record that failed for a temporary reason is retried after 2 s, doubling up to 2 min, instead
    // of 30 s up to 30 min (at a 20 % fault rate the shipped backoff leaves records waiting longer
    // than the whole run; the attempts and what each may do are unchanged).
    const compressed = (file: string): string => {
      let text = readFileSync(join(PIPELINES, file), 'utf8');
      const edits: [string, string][] = [
        [
          'backoff: { strategy: exponential, initial: 30s, max: 30m }',
          'backoff: { strategy: exponential, initial: 2s, max: 2m }',
        ],
        ...(file === 'orders-to-fortnox.yaml'
          ? [['lookback: PT15M', 'lookback: PT1M'] as [string, string]]
          : []),
      ];
      for (const [from, to] of edits) {
        if (!text.includes(from)) throw new Error(`${file}: "${from}" changed; update the chaos run`);
        text = text.replace(from, to);
      }
      const copy = join(dir, file);
      writeFileSync(copy, text);
      return copy;
    };
    const configFile = join(dir, 'koppla.yaml');
    writeFileSync(configFile, tenantsFile(wooProxy.url, fortnoxProxy.url, compressed));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      MONGODB_URI: viaProxy,
      KOPPLA_MASTER_KEY: randomBytes(32).toString('base64'),
      KOPPLA_LOG_LEVEL: 'warn',
      CHAOS_WOO_KEY: SANDBOX_CONSUMER_KEY,
      CHAOS_WOO_SECRET: SANDBOX_CONSUMER_SECRET,
      CHAOS_WOO_WEBHOOK_SECRET: webhookSecret,
      CHAOS_FORTNOX_SECRET: DEFAULT_CLIENT.clientSecret,
      CHAOS_FORTNOX_REFRESH: DEFAULT_REFRESH_TOKEN,
      // a killed worker's lock, run lease and write claim run out soon, so others take over
      KOPPLA_LOCK_LIFETIME: '15 seconds',
      KOPPLA_RUN_LEASE: '15 seconds',
      KOPPLA_EFFECT_CLAIM: '40 seconds',
    };
    const workers = workerPool({
      count: options.workers,
      configFile,
      env,
      processEvery: '1 second',
      log: (worker, line) => appendFileSync(logFile, `${worker} ${line}\n`),
    });
    live.pool = workers;
    // a harness that is stopped (Ctrl-C, a CI timeout) takes its workers with it
    const killAll = () => {
      for (const slot of workers.slots) slot.child?.kill('SIGKILL');
    };
    process.once('exit', killAll);
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        killAll();
        process.exit(130);
      });
    cleanups.push(() => workers.stopAll(5_000));
    say(`Koppla chaos run, seed ${options.seed}: ${options.orders} orders, ${options.workers} workers`);
    say(`  database ${mongo.description} behind a TCP proxy; worker logs in ${logFile}`);
    await Promise.all(workers.slots.map((slot) => workers.start(slot)));
    const notUp = workers.slots.filter((slot) => slot.url === undefined);
    if (notUp.length > 0)
      throw new Error(
        `${notUp.length} worker(s) did not start:\n${notUp.map((s) => s.crashes.at(-1)?.tail ?? '(no output)').join('\n')}`,
      );
    say(`  workers up after ${Math.round((Date.now() - started) / 1000)} s`);

    // the harness reads Koppla's database directly, not through the TCP proxy
    const client = await MongoClient.connect(mongo.uri);
    cleanups.push(() => client.close());
    const db = client.db(dbName);
    // a server of the caller's (MONGODB_URI, the test suite's) keeps no chaos database behind
    cleanups.push(() => (keep ? Promise.resolve() : db.dropDatabase()));

    // --- the chaos phase -----------------------------------------------------------------------
    const chaosStart = Date.now();
    const chaosEnd = chaosStart + options.chaosMs;
    const desk = fortnoxDesk(fortnox.url);
    const deskLog = { stockChanges: 0, renames: 0, cancelled: [] as string[], failures: 0 };
    const renamed = new Map<string, string>();
    const orders = shop.woo.orders;
    const arrivalMs = Math.min(options.chaosMs, options.arrivalMs);
    const waves = Math.max(1, Math.round(arrivalMs / 5_000));
    const checkouts = (async () => {
      for (let wave = 0; wave < waves; wave++) {
        const batch = orders.slice(
          Math.floor((wave * orders.length) / waves),
          Math.floor(((wave + 1) * orders.length) / waves),
        );
        const response = await fetch(`${woo.url}/__admin/checkout`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ orders: batch }),
        });
        if (!response.ok) throw new Error(`checkout answered ${response.status}`);
        await sleep(arrivalMs / waves);
      }
    })();
    const kills = (async () => {
      for (let k = 0; k < options.kills; k++) {
        // a random moment about every chaosMs / kills, later when no worker has been up long enough
        await sleep(((0.5 + random.next()) * options.chaosMs) / options.kills);
        // a worker that has been at work a while: killing one still booting would test little
        let eligible = workers.slots.filter(
          (s) => s.readyAt !== undefined && Date.now() - s.readyAt >= MIN_UPTIME_MS,
        );
        while (eligible.length === 0) {
          await sleep(500);
          eligible = workers.slots.filter(
            (s) => s.readyAt !== undefined && Date.now() - s.readyAt >= MIN_UPTIME_MS,
          );
        }
        const slot = random.pick(eligible);
        await workers.kill(slot);
        // restarted at once or after a while, as a service manager would
        const pause = random.int(0, 2_000);
        void sleep(pause).then(() => workers.start(slot));
      }
    })();
    const outages = (async () => {
      for (let o = 0; o < options.outages; o++) {
        const due = chaosStart + ((o + 0.3 + random.next() * 0.4) / options.outages) * options.chaosMs;
        await sleep(Math.max(0, due - Date.now()));
        await tcp.outage(random.int(2_000, 5_000));
      }
    })();
    const articles = shop.fortnox.articles.map((a) => a.ArticleNumber);
    // renamed: simple products at 25 % (6 % needs the shop's own tax class, see woo-tax-classes)
    const simpleSkus = new Set(
      shop.woo.products
        .filter((p) => p.type === 'simple' && ['', 'standard'].includes(String(p.tax_class ?? '')))
        .map((p) => String(p.sku)),
    );
    const deskWork = (async () => {
      while (Date.now() < chaosEnd) {
        await sleep(random.int(1_500, 4_000));
        const roll = random.next();
        try {
          if (roll < 0.5) {
            const sku = random.pick(articles);
            await desk.api('PUT', `/3/articles/${encodeURIComponent(sku)}`, {
              Article: { QuantityInStock: random.int(0, 200) },
            });
            deskLog.stockChanges++;
          } else if (roll < 0.8) {
            const sku = random.pick([...simpleSkus]);
            const name = `${sku} ${random.pick(['Ny', 'Vår', 'Höst', 'Rea'])} ${random.int(1, 999)}`;
            await desk.api('PUT', `/3/articles/${encodeURIComponent(sku)}`, {
              Article: { Description: name },
            });
            renamed.set(sku, name);
            deskLog.renames++;
          } else {
            // a person cancels a cash-on-delivery order Koppla has finished making in Fortnox
            const made = await db
              .collection(COLLECTIONS.effects)
              .find({ pipeline: 'orders-to-fortnox', step: 'order', state: 'committed' })
              .toArray();
            const candidates = made.filter(
              (e) =>
                cod.has(Number(String(e.recordKey).replace('order:', ''))) &&
                !deskLog.cancelled.includes(String(e.recordKey)),
            );
            if (candidates.length > 0) {
              const effect = random.pick(candidates);
              await desk.api('PUT', `/3/orders/${String(effect.remoteId)}/cancel`);
              deskLog.cancelled.push(String(effect.recordKey));
            }
          }
        } catch {
          deskLog.failures++;
        }
      }
    })();
    await Promise.all([checkouts, kills, outages, deskWork]);
    say(
      `  chaos phase done after ${Math.round((Date.now() - chaosStart) / 1000)} s: ${workers.slots.reduce((n, s) => n + s.kills, 0)} kills, ${tcp.stats.outages} database outages`,
    );

    // --- the final stock count in Fortnox, then wait for convergence ------------------------------
    const finalStock = new Map<string, number>();
    for (const sku of articles) {
      const quantity = random.int(0, 300);
      await desk.api('PUT', `/3/articles/${encodeURIComponent(sku)}`, {
        Article: { QuantityInStock: quantity },
      });
      finalStock.set(sku, quantity);
    }
    const expectation = {
      orders: orders.map((o) => ({ id: Number(o.id), status: String(o.status) })),
      invalid,
      refunds: new Map(shop.woo.refunds.map((r) => [r.orderId, 1])),
      // the generator's own cash-on-delivery orders can be refunded (in part): handed to a person, not credited
      handedOver: new Set(
        paid.filter((o) => refunded.has(Number(o.id)) && o.payment_method === 'cod').map((o) => Number(o.id)),
      ),
      renamed,
      finalStock,
    };
    const settleStart = Date.now();
    let result = await verify({
      woo: woo.state,
      fortnox: fortnox.state.tenant(DEFAULT_TENANT),
      db,
      expectation,
    });
    // Settled means the figures held for STABLE_MS on end: one good look can fall between two steps of
    // an order (its Fortnox order made, createinvoice not yet), when no status is due yet. What is still
    // open is printed every half minute: a run that does not settle shows where it hangs.
    let reportedAt = Date.now();
    let goodSince = result.failures.length === 0 && (await writesInFlight(db)) === 0 ? Date.now() : undefined;
    while (
      (goodSince === undefined || Date.now() - goodSince < STABLE_MS) &&
      Date.now() - settleStart < options.settleMs
    ) {
      if (Date.now() - reportedAt >= 30_000) {
        reportedAt = Date.now();
        say(
          `  settling, ${Math.round((reportedAt - settleStart) / 1000)} s: ${
            result.failures.length > 0
              ? result.failures
                  .map((f) => f.trim())
                  .join('; ')
                  .slice(0, 300)
              : `the figures hold; ${await writesInFlight(db)} order write(s) in flight`
          }`,
        );
      }
      await sleep(3_000);
      result = await verify({
        woo: woo.state,
        fortnox: fortnox.state.tenant(DEFAULT_TENANT),
        db,
        expectation,
      });
      if (result.failures.length > 0 || (await writesInFlight(db)) > 0) goodSince = undefined;
      else goodSince ??= Date.now();
    }
    say(`  settled after ${Math.round((Date.now() - settleStart) / 1000)} s`);
    await workers.stopAll(20_000);
    // what the workers left behind once they stopped: nothing may change after convergence
    result = await verify({ woo: woo.state, fortnox: fortnox.state.tenant(DEFAULT_TENANT), db, expectation });

    writeFileSync(join(dir, 'diagnostics.json'), JSON.stringify(await diagnostics(db), null, 2));
    const tokens = fortnox.state.snapshot().tokens as { refreshes: number; refreshTokenReuse: number };
    const figures: ChaosFigures = {
      ...result.figures,
      refreshTokensSpentTwice: tokens.refreshTokenReuse,
      tokenRefreshes: tokens.refreshes,
    };
    const failures = [...result.failures];
    if (tokens.refreshTokenReuse !== 0)
      failures.push(`${tokens.refreshTokenReuse} refresh tokens spent twice`);
    const crashes = workers.slots.flatMap((s) => s.crashes.map((c) => ({ worker: s.name, ...c })));
    const chaos = {
      kills: workers.slots.reduce((n, s) => n + s.kills, 0),
      workerStarts: workers.slots.reduce((n, s) => n + s.starts, 0),
      unexpectedWorkerExits: crashes.length,
      workerBootFailures: workers.slots.reduce((n, s) => n + s.bootFailures, 0),
      databaseOutages: tcp.stats,
      fortnoxProxy: fortnoxProxy.stats,
      wooProxy: wooProxy.stats,
      webhooks: relay.stats,
      desk: { ...deskLog, cancelled: deskLog.cancelled.length },
    };
    if (crashes.length > 0)
      failures.push(
        `${crashes.length} worker(s) exited by themselves: ${crashes
          .slice(0, 3)
          .map(
            (c) =>
              `${c.worker} (${c.code ?? c.signal}): ${c.tail.split('\n').filter(Boolean).slice(-3).join(' | ')}`,
          )
          .join('; ')}`,
      );
    keep = failures.length > 0;
    if (keep) say(`  diagnostics and worker logs kept in ${dir}`);
    return {
      ok: failures.length === 0,
      seed: options.seed,
      durationMs: Date.now() - started,
      figures,
      failures,
      chaos,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }

  function tenantsFile(shopUrl: string, fortnoxUrl: string, pipeline: (file: string) => string): string {
    const entry = (file: string, every: string) => `      - { pipeline: ${pipeline(file)}, every: ${every} }`;
    return [
      'apiVersion: koppla/v1',
      'kind: Tenants',
      'tenants:',
      '  - id: chaos-shop',
      '    name: Kaosbutiken AB',
      '    pipelines:',
      entry('orders-to-fortnox.yaml', '1 second'),
      entry('stock-to-woocommerce.yaml', '4 seconds'),
      entry('products-to-woocommerce.yaml', '6 seconds'),
      entry('order-status-to-woocommerce.yaml', '5 seconds'),
      '    connections:',
      '      shop:',
      `        settings: { url: '${shopUrl}', auth: basic, timeoutMs: 4000, retryMinTimeoutMs: 200 }`,
      '        secrets:',
      '          consumerKey: { env: CHAOS_WOO_KEY }',
      '          consumerSecret: { env: CHAOS_WOO_SECRET }',
      '          webhookSecret: { env: CHAOS_WOO_WEBHOOK_SECRET }',
      '      ledger:',
      '        settings:',
      `          clientId: ${DEFAULT_CLIENT.clientId}`,
      `          apiUrl: '${fortnoxUrl}'`,
      `          authUrl: '${fortnoxUrl}'`,
      '          timeoutMs: 4000',
      // articles from the lists only (no weights): one call per page, not one per article
      '          streams: { orders: { invoices: true, invoicedOrCancelledOnly: true }, articles: { details: false } }',
      '        secrets:',
      '          clientSecret: { env: CHAOS_FORTNOX_SECRET }',
      '          refreshToken: { env: CHAOS_FORTNOX_REFRESH }',
      '',
    ].join('\n');
  }
}

/**
 * Order writes begun and not finished: effects of orders-to-fortnox whose every attempt is claimed or
 * failed, of records that are not dead-lettered. While one is left, an order is between its steps and
 * the figures are not final. (Only that pipeline: the batch flows' keys carry their content, so a batch
 * a killed worker left is superseded by another, never finished.)
 */
async function writesInFlight(db: Db): Promise<number> {
  const effects = await db
    .collection<Json>(COLLECTIONS.effects)
    .find({ pipeline: 'orders-to-fortnox' }, { projection: { key: 1, state: 1, recordKey: 1, pipeline: 1 } })
    .toArray();
  const dead = new Set(
    (
      await db
        .collection<Json>(COLLECTIONS.deadLetters)
        .find({}, { projection: { pipeline: 1, recordKey: 1 } })
        .toArray()
    ).map((d) => `${String(d.pipeline)}|${String(d.recordKey)}`),
  );
  const done = new Set(effects.filter((e) => e.state === 'committed').map((e) => String(e.key)));
  return effects.filter(
    (e) =>
      e.state !== 'committed' &&
      !done.has(String(e.key)) &&
      !dead.has(`${String(e.pipeline)}|${String(e.recordKey)}`),
  ).length;
}

/** What went wrong inside, for whoever reads a failed run: failed effects, dead letters, runs. */
async function diagnostics(db: Db): Promise<Json> {
  const effects = db.collection(COLLECTIONS.effects);
  const failed = await effects
    .aggregate([
      { $match: { state: 'failed' } },
      {
        $group: { _id: { step: '$step', kind: '$error.kind', known: '$error.outcomeKnown' }, n: { $sum: 1 } },
      },
    ])
    .toArray();
  const runs = await db
    .collection(COLLECTIONS.runs)
    .aggregate([{ $group: { _id: { pipeline: '$pipeline', status: '$status' }, n: { $sum: 1 } } }])
    .toArray();
  const runErrors = await db
    .collection(COLLECTIONS.runs)
    .find({ error: { $exists: true } }, { projection: { pipeline: 1, error: 1, summary: 1 } })
    .limit(200)
    .toArray();
  return {
    failedEffects: failed,
    effects: await effects.countDocuments({}),
    claimedEffects: await effects.find({ state: 'claimed' }).toArray(),
    orderEffects: await effects
      .find({ pipeline: 'orders-to-fortnox' }, { projection: { result: 0 } })
      .sort({ recordKey: 1, step: 1, attempt: 1 })
      .toArray(),
    deadLetters: await db
      .collection(COLLECTIONS.deadLetters)
      .find({}, { projection: { record: 0, trace: 0 } })
      .toArray(),
    runs,
    runList: await db
      .collection(COLLECTIONS.runs)
      .find(
        {},
        {
          projection: {
            pipeline: 1,
            status: 1,
            trigger: 1,
            startedAt: 1,
            finishedAt: 1,
            counts: 1,
            worker: 1,
          },
        },
      )
      .sort({ startedAt: 1 })
      .toArray(),
    runErrors,
  };
}

function parseArgs(argv: readonly string[]): ChaosOptions {
  let options: ChaosOptions = argv.includes('--short') ? SHORT : FULL;
  const numberAfter = (flag: string): number | undefined => {
    const i = argv.indexOf(flag);
    if (i < 0) return undefined;
    const value = Number(argv[i + 1]);
    if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} needs a whole number`);
    return value;
  };
  const seed = numberAfter('--seed');
  const orders = numberAfter('--orders');
  const kills = numberAfter('--kills');
  if (seed !== undefined) options = { ...options, seed };
  if (orders !== undefined) options = { ...options, orders };
  if (kills !== undefined) options = { ...options, kills };
  return options;
}

export function printResult(result: ChaosResult, say: (line: string) => void): void {
  const f = result.figures;
  const c = result.chaos as {
    kills: number;
    databaseOutages: { outages: number; cut: number };
    fortnoxProxy: { calls: number; faulted: number; byKind: Json; writesAnsweredWithFault: number };
    wooProxy: { calls: number; faulted: number; byKind: Json; writesAnsweredWithFault: number };
    webhooks: { received: number; dropped: number; duplicated: number; delivered: number };
    unexpectedWorkerExits: number;
    workerBootFailures: number;
  };
  say('');
  say(`Chaos applied (seed ${result.seed}, ${Math.round(result.durationMs / 1000)} s):`);
  say(
    `  SIGKILLs of workers: ${c.kills}; database outages: ${c.databaseOutages.outages} (${c.databaseOutages.cut} connections cut)`,
  );
  for (const [name, p] of [
    ['Fortnox', c.fortnoxProxy],
    ['WooCommerce', c.wooProxy],
  ] as const)
    say(
      `  ${name} calls faulted: ${p.faulted} of ${p.calls} ${JSON.stringify(p.byKind)}; writes performed but answered with a fault: ${p.writesAnsweredWithFault}`,
    );
  say(
    `  webhooks: ${c.webhooks.received} sent by the shop, ${c.webhooks.dropped} dropped, ${c.webhooks.duplicated} duplicated, ${c.webhooks.delivered} delivered`,
  );
  say('Figures:');
  say(`  orders expected in Fortnox:           ${f.ordersExpected}`);
  say(`  orders with exactly 1 document set:   ${f.ordersWithOneSet}`);
  say(`  orders with more than 1 set:          ${f.ordersDuplicated}`);
  say(`  orders missing:                       ${f.ordersMissing}`);
  say(`  documents for orders not to be sent:  ${f.documentsForUnsentOrders}`);
  say(`  credit invoices per refund wrong:     ${f.creditsWrong}`);
  say(`  customers duplicated:                 ${f.customersDuplicated} (of ${f.customers})`);
  say(`  stock levels not converged:           ${f.stockNotConverged}`);
  say(`  product names not converged:          ${f.namesNotConverged}`);
  say(`  order statuses not converged:         ${f.statusesNotConverged}`);
  say(
    `  dead letters:                         ${f.deadLetters} (invalid on purpose: ${f.deadLettersExpected}, others: ${f.deadLettersUnexpected})`,
  );
  say(`  refresh tokens spent twice:           ${f.refreshTokensSpentTwice} (${f.tokenRefreshes} refreshes)`);
  say(`  429s that reached a pipeline as failure: ${f.rateLimitFailures}`);
  say(
    `  worker exits nobody asked for:        ${c.unexpectedWorkerExits} (starts refused while the database was down: ${c.workerBootFailures})`,
  );
  say(result.ok ? 'CHAOS PASSED' : `CHAOS FAILED:\n  - ${result.failures.join('\n  - ')}`);
  say(`CHAOS_RESULT ${JSON.stringify(result)}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const say = (line: string) => void process.stdout.write(`${line}\n`);
  const result = await runChaos(parseArgs(process.argv.slice(2)), say);
  printResult(result, say);
  process.exit(result.ok ? 0 : 1);
}
