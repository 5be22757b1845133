/**
 * What the chaos run proves, read from the two sandboxes and Koppla's database: every order that
 * should reach Fortnox has exactly one document set, nothing else has one, customers are not
 * duplicated, stock, product names and statuses converged, and the dead letters are exactly the
 * orders made invalid on purpose and the refunds handed to a person.
 */
import type { Db } from 'mongodb';
import type { SandboxState as WooState } from '../../connectors/woocommerce/sandbox/index.ts';
import type { SandboxState as FortnoxState } from '../../connectors/fortnox/sandbox/state.ts';
import { COLLECTIONS } from '../../runtime/store/collections.ts';

type Json = Record<string, unknown>;
type FortnoxTenant = ReturnType<FortnoxState['tenant']>;

export interface Expectation {
  /** Every shop order as it was placed. */
  readonly orders: readonly { readonly id: number; readonly status: string }[];
  /** Orders made invalid on purpose: they must be dead letters and have no documents. */
  readonly invalid: ReadonlySet<number>;
  /** Refunds per order id. */
  readonly refunds: ReadonlyMap<number, number>;
  /**
   * Refunded orders sent as a Fortnox order only (cash on delivery) in part: no invoice to credit, so no
   * credit invoice, and one dead letter that hands the refund to a person (orders-to-fortnox's
   * orderRefundByHand).
   */
  readonly handedOver?: ReadonlySet<number>;
  /** Simple products renamed in Fortnox (SKU → name). */
  readonly renamed: ReadonlyMap<string, string>;
  /** Fortnox's final stock count (SKU → quantity); invoices made after it lower Fortnox's figure. */
  readonly finalStock: ReadonlyMap<string, number>;
}

export interface ChaosFigures {
  ordersExpected: number;
  ordersWithOneSet: number;
  ordersDuplicated: number;
  ordersMissing: number;
  documentsForUnsentOrders: number;
  creditsWrong: number;
  customers: number;
  customersDuplicated: number;
  stockNotConverged: number;
  namesNotConverged: number;
  statusesNotConverged: number;
  deadLetters: number;
  deadLettersExpected: number;
  deadLettersUnexpected: number;
  rateLimitFailures: number;
  refreshTokensSpentTwice?: number;
  tokenRefreshes?: number;
  /** A few examples of each problem, for the report. */
  examples: Record<string, string[]>;
}

const SENT = new Set(['processing', 'completed']);
const yes = (value: unknown) => value === true || value === 'true';
const isReference = (value: unknown) =>
  value !== undefined && value !== null && !['', '0'].includes(String(value));

export async function verify(input: {
  readonly woo: WooState;
  readonly fortnox: FortnoxTenant;
  readonly db: Db;
  readonly expectation: Expectation;
}): Promise<{ figures: ChaosFigures; failures: string[] }> {
  const { woo, fortnox, db, expectation } = input;
  const examples: Record<string, string[]> = {};
  const example = (kind: string, text: string) => {
    const list = (examples[kind] ??= []);
    if (list.length < 5) list.push(text);
  };
  const data = (resource: keyof FortnoxTenant['records']) =>
    [...fortnox.records[resource].values()].map((stored) => stored.data as Json);
  const fOrders = data('orders');
  const fInvoices = data('invoices');
  const byOrder = <T extends Json>(documents: T[], fields: readonly string[]) => {
    const map = new Map<string, T[]>();
    for (const doc of documents) {
      const keys = new Set(fields.map((f) => String(doc[f] ?? '')).filter((v) => v !== ''));
      for (const key of keys) map.set(key, [...(map.get(key) ?? []), doc]);
    }
    return map;
  };
  const ordersOf = byOrder(fOrders, ['YourOrderNumber']);
  const invoicesOf = byOrder(
    fInvoices.filter((i) => !yes(i.Credit)),
    ['YourOrderNumber', 'ExternalInvoiceReference1'],
  );
  const creditsOf = byOrder(
    fInvoices.filter((i) => yes(i.Credit)),
    ['YourOrderNumber', 'ExternalInvoiceReference1'],
  );

  const figures: ChaosFigures = {
    ordersExpected: 0,
    ordersWithOneSet: 0,
    ordersDuplicated: 0,
    ordersMissing: 0,
    documentsForUnsentOrders: 0,
    creditsWrong: 0,
    customers: fortnox.records.customers.size,
    customersDuplicated: 0,
    stockNotConverged: 0,
    namesNotConverged: 0,
    statusesNotConverged: 0,
    deadLetters: 0,
    deadLettersExpected: 0,
    deadLettersUnexpected: 0,
    rateLimitFailures: 0,
    examples,
  };

  for (const order of expectation.orders) {
    const n = String(order.id);
    const orders = ordersOf.get(n) ?? [];
    const invoices = invoicesOf.get(n) ?? [];
    const credits = creditsOf.get(n) ?? [];
    const any = orders.length + invoices.length > 0;
    const expected = SENT.has(order.status) && !expectation.invalid.has(order.id);
    if (!expected) {
      if (any || credits.length > 0) {
        figures.documentsForUnsentOrders++;
        example('unsent', `${n} (${order.status}): ${orders.length} orders, ${invoices.length} invoices`);
      }
      continue;
    }
    figures.ordersExpected++;
    if (!any) {
      figures.ordersMissing++;
      example('missing', n);
      continue;
    }
    const refunds = expectation.handedOver?.has(order.id) ? 0 : (expectation.refunds.get(order.id) ?? 0);
    if (orders.length > 1 || invoices.length > 1 || credits.length > refunds) {
      figures.ordersDuplicated++;
      example(
        'duplicated',
        `${n}: ${orders.length} orders, ${invoices.length} invoices, ${credits.length} credits`,
      );
      continue;
    }
    figures.ordersWithOneSet++;
    if (credits.length !== refunds) {
      figures.creditsWrong++;
      example('credits', `${n}: ${credits.length} credit invoices for ${refunds} refunds`);
    }
  }

  // customers: one card per e-mail address and per organisation number
  for (const field of ['Email', 'OrganisationNumber'] as const) {
    const seen = new Map<string, number>();
    for (const stored of fortnox.records.customers.values()) {
      const value = String((stored.data as Json)[field] ?? '')
        .trim()
        .toLowerCase();
      if (value) seen.set(value, (seen.get(value) ?? 0) + 1);
    }
    for (const [value, count] of seen) {
      if (count < 2) continue;
      figures.customersDuplicated += count - 1;
      example('customers', `${field} ${value.replace(/^(.).*@/, '$1…@')}: ${count} cards`);
    }
  }

  // stock: what Fortnox has available now (the final count, less what was invoiced or reserved since)
  // is what the shop shows, for every product and variation whose stock the shop manages
  const sellables = [...woo.products.values(), ...woo.variations.values()];
  for (const sku of expectation.finalStock.keys()) {
    const article = fortnox.records.articles.get(sku)?.data as Json | undefined;
    // the stock flow's default figure: availableStock, Fortnox's DisposableQuantity
    const quantity = Math.trunc(
      Number(article?.DisposableQuantity ?? article?.QuantityInStock ?? Number.NaN),
    );
    for (const product of sellables.filter((p) => p.sku === sku && p.manage_stock === true)) {
      if (Number(product.stock_quantity) !== quantity) {
        figures.stockNotConverged++;
        example('stock', `${sku}: shop ${String(product.stock_quantity)}, Fortnox ${quantity}`);
      }
    }
  }
  // names: what Fortnox has now is what the shop shows
  for (const sku of expectation.renamed.keys()) {
    const article = fortnox.records.articles.get(sku)?.data as Json | undefined;
    const product = [...woo.products.values()].find((p) => p.sku === sku);
    if (article && product && product.name !== article.Description) {
      figures.namesNotConverged++;
      example('names', `${sku}: shop "${String(product.name)}", Fortnox "${String(article.Description)}"`);
    }
  }
  // statuses: cancelled in Fortnox → cancelled in the shop; invoiced → completed
  for (const order of fOrders) {
    const shopOrder = woo.orders.get(Number(order.YourOrderNumber));
    if (!shopOrder) continue;
    const want = yes(order.Cancelled)
      ? 'cancelled'
      : isReference(order.InvoiceReference)
        ? 'completed'
        : undefined;
    if (want && shopOrder.status !== want) {
      figures.statusesNotConverged++;
      example('statuses', `${String(order.YourOrderNumber)}: shop ${String(shopOrder.status)}, want ${want}`);
    }
  }

  const deadLetters = await db.collection<Json>(COLLECTIONS.deadLetters).find({}).toArray();
  const open = deadLetters.filter((d) => d.status !== 'resolved');
  figures.deadLetters = open.length;
  const handedOver = expectation.handedOver ?? new Set<number>();
  const expectedKeys = new Set([...expectation.invalid, ...handedOver].map((id) => `order:${id}`));
  for (const dead of open) {
    if (expectedKeys.has(String(dead.recordKey))) figures.deadLettersExpected++;
    else {
      figures.deadLettersUnexpected++;
      const error = dead.error as { message?: string } | undefined;
      example(
        'deadLetters',
        `${String(dead.pipeline)} ${String(dead.recordKey)} at ${String(dead.failedStep)}: ${String(error?.message).slice(0, 160)}`,
      );
    }
  }
  const rateLimited = { 'error.kind': 'rate_limited' };
  figures.rateLimitFailures =
    (await db.collection(COLLECTIONS.effects).countDocuments(rateLimited)) +
    open.filter((d) => (d.error as { kind?: string } | undefined)?.kind === 'rate_limited').length +
    (await db.collection(COLLECTIONS.runs).countDocuments({ 'error.message': { $regex: '\\b429\\b' } }));

  const failures: string[] = [];
  const must = (ok: boolean, text: string) => {
    if (!ok) failures.push(text);
  };
  must(figures.ordersDuplicated === 0, `${figures.ordersDuplicated} orders with more than one document set`);
  must(figures.ordersMissing === 0, `${figures.ordersMissing} orders missing in Fortnox`);
  must(
    figures.documentsForUnsentOrders === 0,
    `${figures.documentsForUnsentOrders} unsent orders have documents`,
  );
  must(figures.creditsWrong === 0, `${figures.creditsWrong} orders with the wrong number of credit invoices`);
  must(figures.customersDuplicated === 0, `${figures.customersDuplicated} duplicated customers`);
  must(figures.stockNotConverged === 0, `${figures.stockNotConverged} stock levels not converged`);
  must(figures.namesNotConverged === 0, `${figures.namesNotConverged} product names not converged`);
  must(figures.statusesNotConverged === 0, `${figures.statusesNotConverged} order statuses not converged`);
  must(
    figures.deadLettersUnexpected === 0 &&
      figures.deadLettersExpected === expectation.invalid.size + handedOver.size,
    `dead letters: ${figures.deadLettersExpected} of ${expectation.invalid.size} invalid orders and ${handedOver.size} refunds handed over, ${figures.deadLettersUnexpected} others`,
  );
  must(figures.rateLimitFailures === 0, `${figures.rateLimitFailures} 429s reached a pipeline as a failure`);
  for (const [kind, list] of Object.entries(examples))
    if (list.length > 0) failures.push(`  e.g. ${kind}: ${list.join('; ')}`);
  return { figures, failures: figures && failures.some((f) => !f.startsWith('  e.g.')) ? failures : [] };
}
