/**
 * `npm run demo`: the whole integration on this machine, nothing to set up. Starts a MongoDB-
 * compatible server, a WooCommerce sandbox with a Swedish shop (the bookkeeping examples' recorded
 * orders and a generated catalogue of simple and variable products in three tax classes, with orders
 * from Sweden, EU companies, OSS consumers and export), a Fortnox sandbox with the same company
 * (articles, price list, Lager with two stock points), and the runtime with one tenant running all
 * four flows. Round 1 runs them; a failed order is fixed in Fortnox and replayed; a refund handed to
 * a person is settled by the Fortnox desk and its dead letter resolved (`koppla resolve`'s path); then
 * the desk invoices and cancels orders, takes out stock and changes prices, and round 2 runs them again.
 * The summary tells what happened and what it cost in API calls. `--serve` keeps it all running with
 * the admin API instead of stopping.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Decimal } from 'decimal.js';
import { MongoClient } from 'mongodb';
import { KopplaUserError, formatDiagnostic } from '../../core/diagnostics/index.ts';
import { provisionMongo } from '../mongo/provision.ts';
import {
  startSandbox as startWooSandbox,
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
} from '../../connectors/woocommerce/sandbox/index.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
} from '../../connectors/fortnox/sandbox/index.ts';
import { createRuntimeContainer } from '../../runtime/container/create-container.ts';
import { PipelineRunner, type RunOutcome } from '../../runtime/executor/pipeline-runner.ts';
import { TOKENS } from '../../runtime/container/tokens.ts';
import type { DeadLetter, DeadLetterStore } from '../../runtime/dead-letter/dead-letter-store.ts';
import {
  describeHandResolve,
  resolveByHand,
  type HandResolveResult,
} from '../../runtime/dead-letter/resolve-by-hand.ts';
import type { ConnectorRegistry } from '../../runtime/registry/connector-registry.ts';
import { serviceConnectors } from '../../runtime/registry/builtin-connectors.ts';
import { SecretBox } from '../../runtime/secrets/secret-box.ts';
import type { Tenant } from '../../runtime/tenants/tenant.ts';
import { RunProgress, type ProgressStream } from '../../runtime/cli/progress/run-progress.ts';
import type { RuntimeLogger } from '../../runtime/logging/logger.ts';
import { registerTenantWebhooks } from '../../runtime/service/register-webhooks.ts';
import { doctorForTenant } from '../../runtime/doctor/index.ts';
import { demoCompany, STOCK_POINTS } from './demo-company.ts';
import { FortnoxDesk, type DeskChanges } from './fortnox-desk.ts';
import { serveDemo } from './serve-demo.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export const DEMO_TENANT = 'demo-shop';
/** Where `--serve` listens, and so where the shop's webhooks point. */
export const DEMO_PORT = Number(process.env.KOPPLA_DEMO_PORT ?? 8080);

/** The four flows in the order a day runs them. */
export const FLOWS = [
  { id: 'orders-to-fortnox', title: 'Orders → Fortnox' },
  { id: 'order-status-to-woocommerce', title: 'Order status → shop' },
  { id: 'stock-to-woocommerce', title: 'Stock → shop' },
  { id: 'products-to-woocommerce', title: 'Product data → shop' },
] as const;
export type FlowId = (typeof FLOWS)[number]['id'];

export interface FlowRun {
  readonly flow: FlowId;
  readonly outcome: RunOutcome;
  readonly fortnoxCalls: number;
  readonly shopCalls: number;
  readonly shopWrites: number;
  readonly fortnoxWrites: number;
  /** Shop orders whose status this run changed (`PUT /orders/<id>`). */
  readonly statusChanges: number;
}

export interface DemoResult {
  readonly rounds: readonly (readonly FlowRun[])[];
  readonly replayed: readonly { readonly recordKey: string; readonly status: 'resolved' | 'failed' }[];
  /** Hand-offs the Fortnox desk settled and resolved (`koppla resolve`'s path). */
  readonly resolvedByHand: readonly {
    readonly recordKey: string;
    readonly outcome: HandResolveResult['outcome'];
  }[];
  readonly desk: DeskChanges;
  readonly fortnox: {
    readonly customers: number;
    readonly orders: number;
    readonly invoices: number;
    readonly creditInvoices: number;
  };
  readonly shop: {
    readonly completed: number;
    readonly cancelled: number;
    /** Every shop order's status by its number, at the end. */
    readonly statuses: Readonly<Record<string, string>>;
  };
  readonly openDeadLetters: readonly DeadLetter[];
  /** `koppla doctor` before round 1: errors found. */
  readonly doctorErrors: number;
}

export interface DemoOptions {
  /** Generated orders besides the six recorded ones (default 120). */
  readonly orders?: number;
  readonly print?: (line: string) => void;
  /** Where progress bars go (a terminal only); default stderr. */
  readonly progress?: ProgressStream;
  /** Keep everything running with the admin API, until Ctrl-C. */
  readonly serve?: boolean;
  /**
   * Runs the Fortnox sandbox's rate-limit clock this many times faster (default 1: Fortnox's own
   * 25 requests per 5 s). Koppla's own budget must agree: set KOPPLA_RATE_LIMITS=fortnox=25/<window>.
   */
  readonly fortnoxClock?: number;
}

// the demo prints its own story; the worker's JSON logs would drown it (KOPPLA_LOG_LEVEL=warn or info shows them)
process.env.KOPPLA_LOG_LEVEL ??= 'error';

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const say = (text = ''): void =>
    options.print ? options.print(text) : void process.stdout.write(`${text}\n`);
  const company = demoCompany(options.orders === undefined ? {} : { orders: options.orders });
  say('Koppla demo: WooCommerce ⇄ Fortnox, on sandboxes that behave like the real services\n');
  const mongo = await provisionMongo();
  // WooCommerce delivers webhooks from a queue; the demo flushes it only while it serves (--serve)
  const shop = await startWooSandbox({ seed: company.woo, webhookDelivery: 'manual' });
  const clock = options.fortnoxClock ?? 1;
  const fortnox = await startFortnoxSandbox({
    seed: company.fortnox,
    config: { rateLimit: { windowMs: 5_000 / clock } },
  });
  const client = await MongoClient.connect(mongo.uri);
  try {
    say(`  MongoDB      ${mongo.description}`);
    say(
      `  WooCommerce  ${shop.url}  ${company.productCount} products and variations, ${company.orderCount} orders (SE consumers and companies, EU B2B, OSS, export, coupons, refunds)`,
    );
    say(
      `  Fortnox      ${fortnox.url}  ${company.fortnox.articles?.length ?? 0} articles, price list A, Lager with stock points ${STOCK_POINTS.map((p) => p.code).join(' + ')}`,
    );
    say(
      clock === 1
        ? `  rate limit   Fortnox's own: 25 requests per 5 s — the runs below take the time Fortnox would\n`
        : `  rate limit   25 requests per ${5_000 / clock} ms: the sandbox's clock runs ${clock}× faster than Fortnox's\n`,
    );

    const tenant = demoTenant(shop.url, fortnox.url);
    const db = client.db('koppla_demo');
    // the demo's database lives only as long as the demo, so a key made for this run is enough
    const box = process.env.KOPPLA_MASTER_KEY
      ? SecretBox.fromEnv()
      : new SecretBox([{ id: 'demo', key: randomBytes(32) }]);
    const connectors = serviceConnectors(db, box, 'demo');
    const container = await createRuntimeContainer({ db, connectors, tenants: [tenant], workerName: 'demo' });
    const deadLetters = container.resolve<DeadLetterStore>(TOKENS.DeadLetters);

    // onboarding, as `koppla webhooks register` and `koppla doctor` do it
    const planner = container.createChildContainer().resolve(PipelineRunner);
    const hooks = await registerTenantWebhooks({
      tenant,
      plans: FLOWS.map((flow) => planner.plan(tenant, flow.id).plan),
      connectors,
      publicUrl: `http://127.0.0.1:${DEMO_PORT}`,
      logger: container.resolve<RuntimeLogger>(TOKENS.Logger),
    });
    for (const hook of hooks)
      say(
        `Webhooks: ${hook.events.join(', ')} → ${hook.deliveryUrl} (${(hook.registrations ?? []).map((r) => r.action).join(', ')})`,
      );
    const doctor = await doctorForTenant(container, tenant.id);
    const passed = doctor.checks.filter((c) => c.status === 'passed').length;
    say(
      `Prerequisites (koppla doctor): ${passed} of ${doctor.checks.length} checks passed, ${doctor.findings.filter((f) => f.severity === 'error').length} errors, ${doctor.findings.filter((f) => f.severity === 'warning').length} warnings`,
    );
    for (const finding of doctor.findings) say(`  ${finding.severity}: ${finding.what} — ${finding.fix}`);
    say();

    const runFlow = async (flow: (typeof FLOWS)[number]): Promise<FlowRun> => {
      const fortnoxBefore = fortnox.state.requests.length;
      const shopBefore = shop.state.calls.length;
      const runContainer = container.createChildContainer();
      const progress = new RunProgress(options.progress ?? process.stderr, flow.title.padEnd(20));
      if (progress.enabled)
        runContainer.register(TOKENS.Connectors, {
          useValue: progress.watch(container.resolve<ConnectorRegistry>(TOKENS.Connectors)),
        });
      let outcome: RunOutcome;
      try {
        outcome = await runContainer.resolve(PipelineRunner).run(tenant.id, flow.id, 'manual');
      } finally {
        progress.stop();
      }
      const fortnoxRequests = fortnox.state.requests.slice(fortnoxBefore).filter((r) => isApi(r.url));
      const shopRequests = shop.state.calls.slice(shopBefore);
      const run: FlowRun = {
        flow: flow.id,
        outcome,
        fortnoxCalls: fortnoxRequests.length,
        fortnoxWrites: fortnoxRequests.filter((r) => r.method !== 'GET').length,
        shopCalls: shopRequests.length,
        shopWrites: shopRequests.filter((c) => c.method !== 'GET').length,
        statusChanges: shopRequests.filter((c) => c.method === 'PUT' && /\/orders\/\d+$/.test(c.path)).length,
      };
      say(`  ${flow.title.padEnd(20)} ${describe(run)}`);
      return run;
    };
    const round = async (): Promise<FlowRun[]> => {
      const runs: FlowRun[] = [];
      for (const flow of FLOWS) runs.push(await runFlow(flow));
      return runs;
    };

    say('Round 1: the shop and Fortnox meet for the first time');
    const first = await round();
    const failures = await deadLetters.list({ tenant: tenant.id, status: 'open' });
    for (const dead of failures) say(`  ✗ ${failureLine(dead)}`);

    const desk = new FortnoxDesk(fortnox);
    const replayed: { recordKey: string; status: 'resolved' | 'failed' }[] = [];
    // only the order the missing article stopped: a refund handed to a person (a cash-on-delivery order
    // refunded in part, which Koppla does not guess at) stays open for them, and a replay would not change it
    const missing = company.missingArticle;
    const articleFailures = failures.filter(
      (dead) => missing && dead.recordKey === `order:${missing.orderId}`,
    );
    if (missing && articleFailures.length > 0) {
      const { article } = missing;
      say(
        `\nThe shop owner adds article ${article.ArticleNumber} (${article.Description}) in Fortnox, then replays:`,
      );
      await desk.addArticle(article);
      const runner = container.createChildContainer().resolve(PipelineRunner);
      for (const dead of articleFailures) {
        const result = await runner.replay(dead.id);
        replayed.push({ recordKey: dead.recordKey, status: result.status });
        say(`  replay ${dead.recordKey}: ${result.status}${result.message ? ` — ${result.message}` : ''}`);
      }
    }

    // a hand-off: the pipeline stopped the record for a person by name (uses: fail), so a replay would
    // stop it again; the person does the work in Fortnox and resolves the dead letter, as
    // `koppla resolve` does (the same function)
    const resolvedByHand: { recordKey: string; outcome: HandResolveResult['outcome'] }[] = [];
    const handOffs = (await deadLetters.list({ tenant: tenant.id, status: 'open' })).filter(
      (dead) => dead.failedStep === 'orderRefundByHand',
    );
    for (const dead of handOffs) {
      say(`\nHanded to a person (${dead.recordKey}, step "${dead.failedStep}"):\n  ${dead.error.message}`);
      const done = await desk.settleRefund(dead.error.message);
      say(`  the person at the Fortnox desk ${done}, then resolves the dead letter:`);
      say(`  npx koppla resolve ${dead.id} --tenant ${tenant.id} --note "${done}"`);
      const [resolved] = await resolveByHand(deadLetters, {
        tenant: tenant.id,
        ids: [dead.id],
        resolvedBy: 'demo:fortnox-desk',
        note: done,
      });
      if (!resolved) continue;
      resolvedByHand.push({ recordKey: dead.recordKey, outcome: resolved.outcome });
      say(`  ${describeHandResolve(resolved, tenant.id)}`);
    }

    say('\nMeanwhile in Fortnox: the day’s work');
    const changes = await desk.workTheDay();
    const orders = (list: DeskChanges['invoiced']) =>
      list.map((o) => `${o.document} (shop order ${o.shopOrder})`).join(', ') || 'none';
    say(`  orders invoiced (delivered): ${orders(changes.invoiced)}`);
    say(`  orders cancelled:            ${orders(changes.cancelled)}`);
    say(
      `  breakage out of ${STOCK_POINTS[0].code}:      ${changes.stockTakenOut.map((s) => `${s.article} −${s.quantity}`).join(', ')}`,
    );
    say(
      `  prices +10 % in list A:      ${changes.priceChanges.map((p) => `${p.article} ${p.from}→${p.to}`).join(', ')}`,
    );
    say(`  renamed:                     ${changes.renamed.map((r) => `${r.article} “${r.to}”`).join(', ')}`);

    say('\nRound 2: every flow again');
    const second = await round();

    const records = fortnox.state.tenant('1').records;
    const invoices = [...records.invoices.values()].map((r) => r.data as Record<string, unknown>);
    const result: DemoResult = {
      rounds: [first, second],
      replayed,
      resolvedByHand,
      desk: changes,
      fortnox: {
        customers: records.customers.size,
        orders: records.orders.size,
        invoices: invoices.filter((i) => i.Credit !== true && i.Credit !== 'true').length,
        creditInvoices: invoices.filter((i) => i.Credit === true || i.Credit === 'true').length,
      },
      shop: {
        completed: [...shop.state.orders.values()].filter((o) => o.status === 'completed').length,
        cancelled: [...shop.state.orders.values()].filter((o) => o.status === 'cancelled').length,
        statuses: Object.fromEntries(
          [...shop.state.orders.values()].map((o) => [String(o.number ?? o.id), String(o.status)]),
        ),
      },
      openDeadLetters: await deadLetters.list({ tenant: tenant.id, status: 'open' }),
      doctorErrors: doctor.findings.filter((f) => f.severity === 'error').length,
    };
    printSummary(say, result, pipelineExample(company.woo.orders));
    if (options.serve)
      await serveDemo({ db, box, connectors, tenant, say, port: DEMO_PORT, shopUrl: shop.url });
    return result;
  } finally {
    await client.close();
    await fortnox.stop();
    await shop.stop();
    await mongo.stop();
  }
}

function demoTenant(shopUrl: string, fortnoxUrl: string): Tenant {
  return {
    id: DEMO_TENANT,
    name: 'Demobutiken AB',
    enabled: true,
    pipelines: FLOWS.map((flow) => ({
      file: here(`../../pipelines/${flow.id}.yaml`),
      enabled: true,
      everyMs: 300_000,
    })),
    toggles: { packs: {}, rules: {} },
    params: {
      // the shop's 6 % class is its own (WooCommerce has none built in); food products keep theirs
      'woo-tax-classes': { sixPercentClass: 'reduced-6' },
      'products-to-woocommerce': { keepTaxClasses: { '6': ['food'] } },
    },
    connections: {
      shop: {
        settings: { url: shopUrl, auth: 'basic', currency: 'SEK', pricesIncludeTax: true, weightUnit: 'kg' },
        secrets: {
          consumerKey: SANDBOX_CONSUMER_KEY,
          consumerSecret: SANDBOX_CONSUMER_SECRET,
          webhookSecret: 'demo-webhook-secret',
        },
      },
      ledger: {
        settings: {
          clientId: DEFAULT_CLIENT.clientId,
          apiUrl: fortnoxUrl,
          authUrl: fortnoxUrl,
          streams: {
            // the shop sells from both stock points: their sum, what is not reserved for open orders
            stock: { stockPoints: STOCK_POINTS.map((p) => p.code), quantity: 'availableStock' },
          },
        },
        secrets: { clientSecret: DEFAULT_CLIENT.clientSecret, refreshToken: DEFAULT_REFRESH_TOKEN },
      },
    },
  };
}

const isApi = (url: string): boolean => url.startsWith('/3/') || url.startsWith('/api/warehouse/');

function describe(run: FlowRun): string {
  const { outcome } = run;
  const calls = `Fortnox ${run.fortnoxCalls} calls (${run.fortnoxWrites} writes), shop ${run.shopCalls} (${run.shopWrites} writes)`;
  if (outcome.status === 'skipped') return `skipped: ${outcome.reason}`;
  const s = outcome.summary;
  const findings = Object.entries(s.report ?? {})
    .map(([name, finding]) => `${finding.count} ${name}`)
    .join(', ');
  return `${outcome.status}: ${s.read} read, ${s.processed} processed, ${s.skipped} skipped, ${s.failed} failed${findings ? `; reported: ${findings}` : ''} — ${calls}`;
}

function failureLine(dead: DeadLetter): string {
  const field = dead.error.field ? `, field ${dead.error.field}` : '';
  return `${dead.pipeline}: record ${dead.recordKey} failed at step "${dead.failedStep}"${field} (${dead.position.file}:${dead.position.line}): ${dead.error.message}`;
}

/** A recorded order for the explain hint: the first one whose file is in the repository. */
function pipelineExample(orders: readonly unknown[] | undefined): string {
  return orders && orders.length > 0 ? 'rules/se-vat/records/<order>.json' : '<order.json>';
}

function printSummary(say: (text?: string) => void, result: DemoResult, exampleInput: string): void {
  const [first, second] = result.rounds as [readonly FlowRun[], readonly FlowRun[]];
  const processed = (runs: readonly FlowRun[], flow: FlowId): number => {
    const run = runs.find((r) => r.flow === flow)?.outcome;
    return run && run.status !== 'skipped' ? run.summary.processed : 0;
  };
  const writes = (runs: readonly FlowRun[], flow: FlowId): number =>
    runs.find((r) => r.flow === flow)?.shopWrites ?? 0;
  say('\nSummary');
  say(
    `  Fortnox documents   ${result.fortnox.customers} customers, ${result.fortnox.orders} orders, ${result.fortnox.invoices} invoices, ${result.fortnox.creditInvoices} credit invoices`,
  );
  const statusChanges = (runs: readonly FlowRun[]) =>
    runs.find((r) => r.flow === 'order-status-to-woocommerce')?.statusChanges ?? 0;
  say(
    `  order statuses      ${statusChanges(first)} shop orders completed in round 1 (invoiced by the export), ${statusChanges(second)} changed in round 2 (${result.desk.invoiced.length} invoiced and ${result.desk.cancelled.length} cancelled in Fortnox); the shop has ${result.shop.completed} completed and ${result.shop.cancelled} cancelled orders`,
  );
  say(
    `  stock               round 1: ${processed(first, 'stock-to-woocommerce')} articles checked, ${writes(first, 'stock-to-woocommerce')} shop writes; round 2: ${writes(second, 'stock-to-woocommerce')} shop writes`,
  );
  say(
    `  product data        round 1: ${writes(first, 'products-to-woocommerce')} shop writes; round 2: ${writes(second, 'products-to-woocommerce')} shop writes`,
  );
  say(
    `  sent twice          ${second.find((r) => r.flow === 'orders-to-fortnox')?.fortnoxWrites ?? 0} Fortnox writes for orders in round 2 — every order was sent once`,
  );
  say('  API calls per flow  round 1 (Fortnox / shop)   round 2 (Fortnox / shop)');
  for (const flow of FLOWS) {
    const a = first.find((r) => r.flow === flow.id);
    const b = second.find((r) => r.flow === flow.id);
    say(
      `    ${flow.title.padEnd(20)} ${`${a?.fortnoxCalls ?? 0} / ${a?.shopCalls ?? 0}`.padEnd(25)} ${b?.fortnoxCalls ?? 0} / ${b?.shopCalls ?? 0}`,
    );
  }
  const total = (runs: readonly FlowRun[]) => runs.reduce((sum, r) => sum + r.fortnoxCalls, 0);
  const orders = processed(first, 'orders-to-fortnox');
  if (orders > 0)
    say(
      `    Fortnox calls per order sent: ${new Decimal(first.find((r) => r.flow === 'orders-to-fortnox')?.fortnoxCalls ?? 0).dividedBy(orders).toFixed(1)}; all flows, both rounds: ${total(first) + total(second)}`,
    );
  if (result.replayed.length > 0)
    say(`  replayed            ${result.replayed.map((r) => `${r.recordKey} ${r.status}`).join(', ')}`);
  if (result.resolvedByHand.length > 0)
    say(
      `  resolved by hand    ${result.resolvedByHand.map((r) => `${r.recordKey} ${r.outcome}`).join(', ')}`,
    );
  if (result.openDeadLetters.length === 0) say('  failures            none left open');
  else {
    say(`  failures            ${result.openDeadLetters.length} open:`);
    for (const dead of result.openDeadLetters) say(`    ${failureLine(dead)}`);
    say(
      `    fix the cause, then: npx koppla replay --all --tenant ${DEMO_TENANT} (or one: npx koppla replay <id>; the admin page has a Replay button);`,
    );
    say(
      `    one handed to a person ("… by hand, then resolve this dead letter"): do that, then npx koppla resolve <id> --tenant ${DEMO_TENANT} --note "what was done"`,
    );
  }
  say('\nSee why each account and VAT rate was chosen for an order:');
  say(`  npx koppla explain pipelines/orders-to-fortnox.yaml --input ${exampleInput}`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({
    options: { serve: { type: 'boolean', default: false }, orders: { type: 'string' } },
  });
  try {
    await runDemo({
      serve: values.serve === true,
      ...(values.orders ? { orders: Number(values.orders) } : {}),
    });
  } catch (error) {
    // a broken pipeline or pack is a user's mistake: its findings, never a stack trace
    if (!(error instanceof KopplaUserError)) throw error;
    process.stderr.write(`${error.message}\n${error.diagnostics.map(formatDiagnostic).join('\n')}\n`);
    process.exitCode = 1;
  }
}
