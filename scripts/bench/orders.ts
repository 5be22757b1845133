/**
 * Flow 1 (pipelines/orders-to-fortnox.yaml) against both sandboxes with the real runtime and database:
 * a backlog of generated orders (scripts/demo/seed/shop-generator.ts, every customer new) drained from
 * WooCommerce into Fortnox. Prints
 *
 * - Fortnox calls per new order, split into the customer, the documents (order / invoice /
 *   createinvoice) and settling the invoice (bookkeep, payment, booking the payment) — issue 7's target:
 *   ≤ 3 for an order or an invoice, + 1 for createinvoice when both;
 * - the 429s Fortnox answered (target ≤ 1 % of calls);
 * - the drain time of the backlog against the rate-limit bound: calls ÷ (25 per 5 s), the least time
 *   Fortnox's limit allows (target ≤ 110 %).
 *
 * The Fortnox sandbox runs its rate-limit clock faster (`KOPPLA_BENCH_ORDERS_SPEED`, default 5: 25 per
 * 1 s), the client's budget with it, so the ratio of work to limit is Fortnox's and the output says so.
 * `KOPPLA_BENCH_ORDERS=1000` orders by default. Figures are printed, never asserted.
 */
import { MongoClient } from 'mongodb';
import { provisionMongo } from '../mongo/provision.ts';
import { startOrdersWorld } from './orders-world.ts';

const say = (line: string) => process.stdout.write(`${line}\n`);

export async function benchOrders(): Promise<void> {
  const orders = Number(process.env.KOPPLA_BENCH_ORDERS ?? 1000);
  const speed = Number(process.env.KOPPLA_BENCH_ORDERS_SPEED ?? 5);
  say(`\norders → Fortnox: a backlog of ${orders} generated orders, both sandboxes, the runtime`);
  const mongo = await provisionMongo();
  const client = await MongoClient.connect(mongo.uri);
  const db = client.db(`bench_orders_${Date.now()}`);
  // the runtime logs every run and every customer; the figures below are what this bench is for
  process.env.KOPPLA_LOG_LEVEL ??= 'error';
  const world = await startOrdersWorld({ db, orders, seed: 4711, speed, pageSize: 50 });
  try {
    say(
      `  Fortnox sandbox rate-limit clock ${speed}× faster: ${world.limit.requests} requests per ${world.limit.windowMs} ms (Fortnox: 25 per 5 000 ms); the client's budget likewise (24 per window)`,
    );
    const drained = await world.drain(50);
    const log = world.fortnox.state.requests.filter((entry) => entry.url.startsWith('/3/'));
    const answered = log.filter((entry) => entry.status !== 429);
    const count = (test: (line: string) => boolean) =>
      answered.filter((entry) => test(`${entry.method} ${entry.url.split('?')[0]}`)).length;
    const customer = count((line) => line.includes('/3/customers'));
    const documents = count(
      (line) => /^POST \/3\/(orders|invoices)$/.test(line) || line.endsWith('/createinvoice'),
    );
    const settlement = count((line) => line.endsWith('/bookkeep') || line.includes('/3/invoicepayments'));
    const other = answered.length - customer - documents - settlement;
    const records = world.fortnox.state.tenant('1').records;
    const invoices = [...records.invoices.values()].filter((s) => String(s.data.Credit) !== 'true');
    const fromOrders = invoices.filter((s) => String(s.data.OrderReference ?? '0') !== '0').length;
    const fortnoxOrders = records.orders.size;
    const sent = new Set([
      ...[...records.orders.values()].map((s) => String(s.data.YourOrderNumber)),
      ...invoices.map((s) => String(s.data.YourOrderNumber)),
    ]).size;
    const per = (n: number) => (n / sent).toFixed(2);
    const tooMany = log.length - answered.length;
    const boundMs = (answered.length / world.limit.requests) * world.limit.windowMs;
    const dead = await world.deadLetters();
    say(
      `  ${sent} orders sent (${fortnoxOrders - fromOrders} order only, ${fromOrders} order + createinvoice, ${invoices.length - fromOrders} invoice only); ${orders - sent} not sent (status on-hold, pending, cancelled); ${dead.length} dead letters; ${drained.runs} run(s)`,
    );
    say(
      `  Fortnox calls per new order: ${per(answered.length)} — customer ${per(customer)} (every customer new: find + create), documents ${per(documents)}, bookkeeping and payments ${per(settlement)}, other ${per(other)}`,
    );
    say(
      `    (target: customer + documents ≤ 3 for an order or an invoice, + 1 when both: here ${per(customer + documents)}; exact per-order counts in test/integration/flows/orders-calls.test.ts)`,
    );
    say(
      `  429s: ${tooMany} of ${log.length} calls (${((100 * tooMany) / Math.max(1, log.length)).toFixed(2)} %; target ≤ 1 %)`,
    );
    say(
      `  drain: ${(drained.ms / 1000).toFixed(1)} s for ${answered.length} calls; rate-limit bound ${(boundMs / 1000).toFixed(1)} s (${answered.length} ÷ ${world.limit.requests} per ${world.limit.windowMs} ms) → ${((100 * drained.ms) / boundMs).toFixed(0)} % of the bound (target ≤ 110 %); at Fortnox's own clock the bound is ${((boundMs * speed) / 60_000).toFixed(1)} min`,
    );
  } finally {
    await world.stop();
    await db.dropDatabase().catch(() => undefined);
    await client.close();
    await mongo.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOrders();
