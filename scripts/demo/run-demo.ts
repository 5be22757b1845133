/**
 * `npm run demo`: the whole integration on this machine, nothing to set up. Starts a MongoDB-
 * compatible server, a WooCommerce sandbox with a Swedish shop's real orders (the five worked
 * examples of the bookkeeping rules and a variable product), and a Fortnox sandbox; runs the
 * orders-to-fortnox pipeline for that shop; prints what reached Fortnox — customers, orders,
 * invoices, rows with accounts and VAT — and what failed and why; runs again to show that nothing is
 * sent twice; and stops everything.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
  DEFAULT_SEED,
  startFortnoxSandbox,
} from '../../connectors/fortnox/sandbox/index.ts';
import { createRuntimeContainer } from '../../runtime/container/create-container.ts';
import { PipelineRunner, type RunOutcome } from '../../runtime/executor/pipeline-runner.ts';
import { TOKENS } from '../../runtime/container/tokens.ts';
import type { DeadLetterStore } from '../../runtime/dead-letter/dead-letter-store.ts';
import type { CursorStore } from '../../runtime/store/index.ts';
import { serviceConnectors } from '../../runtime/registry/builtin-connectors.ts';
import { SecretBox } from '../../runtime/secrets/secret-box.ts';
import { randomBytes } from 'node:crypto';
import type { Tenant } from '../../runtime/tenants/tenant.ts';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const json = <T>(path: string): T => JSON.parse(readFileSync(here(path), 'utf8')) as T;
let say = (text = ''): void => void process.stdout.write(`${text}\n`);
/** Fortnox answers amounts as JSON numbers; shown here as exact two-decimal strings. */
const kr = (value: unknown): string =>
  value === undefined || value === null ? '' : new Decimal(String(value)).toFixed(2);

export interface DemoResult {
  readonly first: RunOutcome;
  readonly second: RunOutcome;
  readonly writes: { readonly first: number; readonly second: number };
  readonly fortnox: { readonly customers: number; readonly orders: number; readonly invoices: number };
  readonly deadLetters: number;
}

// the demo prints its own story; the worker's JSON logs would drown it (KOPPLA_LOG_LEVEL=info shows them)
process.env.KOPPLA_LOG_LEVEL ??= 'warn';

export async function runDemo(
  pipelineFile = here('../../pipelines/orders-to-fortnox.yaml'),
  options: { readonly print?: (line: string) => void } = {},
): Promise<DemoResult> {
  const { print } = options;
  if (print) say = (text = '') => print(text);
  say('Koppla demo: WooCommerce → Fortnox, on sandboxes that behave like the real services\n');
  const mongo = await provisionMongo();
  const shop = await startWooSandbox({ seed: json('./seed/woocommerce-store.json') });
  const fortnox = await startFortnoxSandbox({
    seed: { ...DEFAULT_SEED, articles: json('./seed/fortnox-articles.json') },
  });
  const client = await MongoClient.connect(mongo.uri);
  try {
    say(`  MongoDB:     ${mongo.description}`);
    say(`  WooCommerce: ${shop.url} (6 orders: SE, SE mixed 25/12 %, DE, FI company, NO, variable product)`);
    say(`  Fortnox:     ${fortnox.url}\n`);
    const tenant: Tenant = {
      id: 'demo-shop',
      name: 'Demobutiken AB',
      enabled: true,
      pipelines: [{ file: pipelineFile, enabled: true, everyMs: 300_000 }],
      toggles: { packs: {}, rules: {} },
      params: {},
      connections: {
        shop: {
          settings: { url: shop.url, auth: 'basic' },
          secrets: { consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET },
        },
        ledger: {
          settings: { clientId: DEFAULT_CLIENT.clientId, apiUrl: fortnox.url, authUrl: fortnox.url },
          secrets: { clientSecret: DEFAULT_CLIENT.clientSecret, refreshToken: DEFAULT_REFRESH_TOKEN },
        },
      },
    };
    const db = client.db('koppla_demo');
    // the demo's database lives only as long as the demo, so a key made for this run is enough
    const box = process.env.KOPPLA_MASTER_KEY
      ? SecretBox.fromEnv()
      : new SecretBox([{ id: 'demo', key: randomBytes(32) }]);
    const container = await createRuntimeContainer({
      db,
      connectors: serviceConnectors(db, box, 'demo'),
      tenants: [tenant],
      workerName: 'demo',
    });
    const runner = container.createChildContainer().resolve(PipelineRunner);
    const planId = runner.plan(tenant, pipelineFile).plan.id;

    say(`Run 1: ${planId} for ${tenant.name}`);
    const first = await runner.run(tenant.id, planId);
    report(first);
    const writes = () =>
      fortnox.state.requests.filter((r) => r.method !== 'GET' && r.url.startsWith('/3/')).length;
    const writesAfterFirst = writes();
    const records = fortnox.state.tenant('1').records;
    printFortnox(records);
    const deadLetters = await container
      .resolve<DeadLetterStore>(TOKENS.DeadLetters)
      .list({ tenant: tenant.id });
    for (const dead of deadLetters) {
      say(
        `  dead letter: ${dead.recordKey} at step "${dead.failedStep}" (${dead.position.file}:${dead.position.line}): ${dead.error.message}`,
      );
    }

    say('\nRun 2: every order read again from the start, as after a crash or a lost cursor');
    await container.resolve<CursorStore>(TOKENS.Cursors).reset(tenant.id, planId, undefined);
    const second = await runner.run(tenant.id, planId);
    report(second);
    const writesSecond = writes() - writesAfterFirst;
    say(
      `  writes to Fortnox: ${writesAfterFirst} in run 1, ${writesSecond} in run 2 — the effects ledger answered, nothing was sent twice`,
    );
    say('\nSee why each account and VAT rate was chosen:');
    say(
      `  npx koppla explain ${pipelineFile.replace(`${process.cwd()}/`, '')} --input rules/se-vat/records/<order>.json`,
    );
    return {
      first,
      second,
      writes: { first: writesAfterFirst, second: writesSecond },
      fortnox: {
        customers: records.customers.size,
        orders: records.orders.size,
        invoices: records.invoices.size,
      },
      deadLetters: deadLetters.length,
    };
  } finally {
    await client.close();
    await fortnox.stop();
    await shop.stop();
    await mongo.stop();
  }
}

function report(outcome: RunOutcome): void {
  if (outcome.status === 'skipped') return say(`  skipped: ${outcome.reason}`);
  const s = outcome.summary;
  say(
    `  ${outcome.status}: ${s.read} orders read, ${s.processed} processed, ${s.skipped} skipped by the status filter, ${s.failed} failed`,
  );
}

type Records = Record<string, Map<string, { data: unknown }>>;

function printFortnox(records: Records): void {
  const customers = [...(records.customers?.values() ?? [])].map((r) => r.data as Record<string, unknown>);
  say(`\n  Fortnox now has ${customers.length} customers:`);
  for (const c of customers)
    say(`    ${c.CustomerNumber} ${c.Name} (${c.CountryCode ?? '?'}, VATType ${c.VATType ?? '?'})`);
  for (const [kind, rowsKey] of [
    ['orders', 'OrderRows'],
    ['invoices', 'InvoiceRows'],
  ] as const) {
    const documents = [...(records[kind]?.values() ?? [])].map((r) => r.data as Record<string, unknown>);
    say(`  ${documents.length} ${kind}:`);
    for (const d of documents) {
      say(
        `    ${kind === 'orders' ? 'order' : 'invoice'} ${d.DocumentNumber} for shop order ${d.YourOrderNumber}, customer ${d.CustomerNumber}, total ${kr(d.Total)} ${d.Currency ?? ''}`,
      );
      for (const row of (d[rowsKey] as Record<string, unknown>[] | undefined) ?? []) {
        say(
          `      ${String(row.ArticleNumber ?? '').padEnd(11)} ${String(row.Description ?? '')
            .slice(0, 28)
            .padEnd(
              28,
            )} ${String(row.DeliveredQuantity ?? row.OrderedQuantity ?? '').padStart(3)} × ${kr(row.Price).padStart(8)}  VAT ${String(row.VAT).padStart(2)} %  account ${row.AccountNumber}`,
        );
      }
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await runDemo(process.argv[2]);
  } catch (error) {
    // a broken pipeline or pack is a user's mistake: its findings, never a stack trace
    if (!(error instanceof KopplaUserError)) throw error;
    process.stderr.write(`${error.message}\n${error.diagnostics.map(formatDiagnostic).join('\n')}\n`);
    process.exitCode = 1;
  }
}
