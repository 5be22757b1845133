/* eslint-disable @typescript-eslint/no-explicit-any -- WooCommerce and Fortnox documents, read field by field */
/**
 * The bad-input corpus for WooCommerce orders (test/fixtures/bad-input/orders/cases.json, plus an
 * order of 10 000 lines built here), run through the shipped orders-to-fortnox pipeline between the
 * two sandboxes. Each order either becomes a dead letter whose error names the order, the step and
 * the field, or reaches Fortnox whole (its document's total is the order's) — never a crash, a hang,
 * or a document in Fortnox for an order that failed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SEED } from '../../../connectors/fortnox/sandbox/index.ts';
import { demoStore, startFlow, type FlowHarness } from '../flows/flow-harness.ts';
import { useTestDatabase } from '../../helpers/mongo.ts';

const mongo = useTestDatabase(import.meta.filename);
const corpus = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../fixtures/bad-input/orders/cases.json', import.meta.url)), 'utf8'),
) as {
  cases: {
    name: string;
    set?: Record<string, unknown>;
    delete?: string[];
    expect: 'dead-letter' | 'synced';
    mentions?: string;
  }[];
};
const articles = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../../scripts/demo/seed/fortnox-articles.json', import.meta.url)),
    'utf8',
  ),
) as Record<string, unknown>[];

const base = demoStore.orders.find((o) => o.id === 60)!;
const FIRST_ID = 7000;
const PLACEHOLDERS: Record<string, string> = {
  '@@LONG_NAME@@': 'Å'.repeat(5_000),
  '@@LONG_NOTE@@': 'note 📝 '.repeat(1_250),
};

function setPath(doc: any, path: string, value: unknown) {
  const keys = path.split('.');
  let at = doc;
  for (const key of keys.slice(0, -1)) at = at[key];
  at[keys.at(-1)!] = typeof value === 'string' && value in PLACEHOLDERS ? PLACEHOLDERS[value] : value;
}

function orderFor(index: number, mutate: (order: any) => void): any {
  const order = structuredClone(base) as any;
  order.id = FIRST_ID + index;
  order.number = String(FIRST_ID + index);
  order.order_key = `wc_order_bad_${index}`;
  mutate(order);
  return order;
}

/** 10 000 lines of one article at 100.00 + 25 % VAT: no shipping, no coupon. */
function tenThousandLines(index: number): any {
  return orderFor(index, (order) => {
    const lines = 10_000;
    order.line_items = Array.from({ length: lines }, (_, i) => ({
      ...structuredClone(base.line_items as any[])[0],
      id: 100_000 + i,
      quantity: 1,
      subtotal: '100.00',
      subtotal_tax: '25.00',
      total: '100.00',
      total_tax: '25.00',
      taxes: [{ id: 1, total: '25.00', subtotal: '25.00' }],
      price: 100,
    }));
    order.shipping_lines = [];
    order.coupon_lines = [];
    order.fee_lines = [];
    Object.assign(order, {
      discount_total: '0.00',
      discount_tax: '0.00',
      shipping_total: '0.00',
      shipping_tax: '0.00',
      cart_tax: '250000.00',
      total_tax: '250000.00',
      total: '1250000.00',
    });
    order.tax_lines = [{ ...order.tax_lines[0], tax_total: '250000.00', shipping_tax_total: '0.00' }];
  });
}

const cases = [
  ...corpus.cases.map((c, i) => ({
    ...c,
    order: orderFor(i, (order) => {
      for (const [path, value] of Object.entries(c.set ?? {})) setPath(order, path, value);
      for (const key of c.delete ?? []) delete order[key];
    }),
  })),
  {
    name: '10 000 lines',
    expect: 'dead-letter' as const,
    // refused before any Fortnox write, by the pipeline's row guard (params.orders-to-fortnox.maxRows, 500)
    mentions: `order ${FIRST_ID + corpus.cases.length} has 10000 rows; Fortnox accepts at most 500 rows per document`,
    order: tenThousandLines(corpus.cases.length),
  },
  // before the 10 000-line order in the stream (a lower id, the same modification second)
  {
    name: 'the recorded order itself (control)',
    expect: 'synced' as const,
    mentions: undefined,
    order: orderFor(-1, () => {}),
  },
];

let flow: FlowHarness;
let deadLetters: Awaited<ReturnType<FlowHarness['deadLetters']>>;
let outcome: Awaited<ReturnType<FlowHarness['run']>>;
/** Fortnox documents per WooCommerce order number (YourOrderNumber). */
const documents = new Map<string, { kind: string; total: number; rows: number }[]>();

beforeAll(async () => {
  flow = await startFlow({
    db: mongo.db(),
    pipeline: 'orders-to-fortnox.yaml',
    wooSeed: { ...demoStore, orders: cases.map((c) => c.order) },
    fortnoxSeed: { ...DEFAULT_SEED, articles },
  });
  // The 10 000-line order stops at the pipeline's row guard before any request: were it sent, its body
  // would be more than the Fortnox sandbox (like any server) reads, a 5xx the runtime would retry for hours.
  outcome = await flow.run();
  if (process.env.KOPPLA_CORPUS_VERBOSE)
    process.stdout.write(`run: ${JSON.stringify(outcome).slice(0, 600)}\n`);
  deadLetters = await flow.deadLetters();
  // the sandbox keeps Fortnox's 25 requests / 5 s: wait and try again on 429
  const get = async (path: string): Promise<Record<string, any>> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await flow.fortnoxApi<Record<string, any>>('GET', path);
      } catch (error) {
        if (attempt > 10 || !String(error).includes('429')) throw error;
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  };
  for (const [kind, path, key] of [
    ['invoice', '/3/invoices', 'Invoices'],
    ['order', '/3/orders', 'Orders'],
  ] as const) {
    const list = await get(`${path}?limit=500`);
    for (const item of (list[key] as any[] | undefined) ?? []) {
      const number = item.DocumentNumber as string;
      const single = await get(`${path}/${number}`);
      const doc = single[kind === 'invoice' ? 'Invoice' : 'Order'];
      const ref = String(doc.YourOrderNumber ?? '');
      documents.set(ref, [
        ...(documents.get(ref) ?? []),
        { kind, total: Number(doc.Total), rows: (doc.InvoiceRows ?? doc.OrderRows ?? []).length },
      ]);
    }
  }
}, 300_000);

afterAll(async () => {
  await flow?.stop();
});

describe('the bad-input corpus: WooCommerce orders through orders-to-fortnox', () => {
  it('has at least 20 orders', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  it('runs through every order: none is left for a retry at a later run', () => {
    expect(
      'summary' in outcome ? outcome.summary?.retryLater : undefined,
      JSON.stringify(outcome),
    ).toBeUndefined();
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, testCase) => {
    const number = String(testCase.order.number);
    const dead = deadLetters.filter((d) => d.recordKey.includes(number));
    const docs = documents.get(number) ?? [];
    const summary = JSON.stringify({ dead: dead.map((d) => ({ step: d.failedStep, error: d.error })), docs });
    if (process.env.KOPPLA_CORPUS_VERBOSE)
      process.stdout.write(`${testCase.name}: ${summary.slice(0, 400)}\n`);
    if (dead.length > 0) {
      // a clear error: the record, the step and what was wrong — and nothing of it in Fortnox
      expect(testCase.expect, summary).not.toBe('synced');
      expect(dead).toHaveLength(1);
      expect(dead[0]!.failedStep, summary).toBeTruthy();
      const message = JSON.stringify(dead[0]!.error);
      if (testCase.mentions) expect(message, summary).toMatch(new RegExp(testCase.mentions));
      expect(
        docs.filter((d) => d.kind === 'invoice'),
        summary,
      ).toHaveLength(0);
    } else {
      expect(testCase.expect, summary).not.toBe('dead-letter');
      // whole: exactly one invoice for the order, at the order's total
      const invoices = docs.filter((d) => d.kind === 'invoice');
      expect(invoices, summary).toHaveLength(1);
      expect(invoices[0]!.total, summary).toBeCloseTo(Number(testCase.order.total), 0);
    }
  });
});
