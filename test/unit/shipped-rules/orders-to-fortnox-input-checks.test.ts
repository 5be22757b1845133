/**
 * The shipped order pipeline's input checks, before any Fortnox write: an order with more rows than a
 * Fortnox document takes (tooManyRows, params.orders-to-fortnox.maxRows) and a goods line whose VAT
 * amount the shop's own rate does not explain (shopTaxUnexplained) stop the record by name; orders
 * that are only rounded, or re-rated by se-vat on purpose, go on. Operations are mocked.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { OrderLine, SalesOrder } from '../../../core/model/index.ts';
import { executeRecord, StepFailedError } from '../../../core/plan/execute-record.ts';
import { createStepEngines } from '../../../core/plan/step-engines.ts';
import { fixtureWorkspace } from '../../helpers/workspace.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const workspace = await fixtureWorkspace();
const loaded = workspace.pipeline(`${root}pipelines/orders-to-fortnox.yaml`);
if (!loaded.value) throw new Error(JSON.stringify(loaded.diagnostics));
const { plan, packs } = loaded.value;

const record = (file: string): SalesOrder => JSON.parse(readFileSync(`${root}${file}`, 'utf8')) as SalesOrder;

/** The steps that called Fortnox or the shop, or the named step that stopped the record. */
async function run(order: SalesOrder, params: Record<string, unknown> = {}) {
  const calls: string[] = [];
  try {
    await executeRecord(plan, { record: order, params }, createStepEngines(plan, packs), async (step) => {
      calls.push(step.id);
      if (step.id === 'customer') return { CustomerNumber: '1' };
      if (step.id === 'refunds') return { refunds: [] };
      return { DocumentNumber: '1', CustomerNumber: '1' };
    });
    return { calls };
  } catch (error) {
    if (!(error instanceof StepFailedError)) throw error;
    const cause = error.cause as { message: string; field?: string };
    return { calls, failedStep: error.step, message: cause.message, field: cause.field };
  }
}

const mapLines = (order: SalesOrder, f: (line: OrderLine) => OrderLine): SalesOrder => ({
  ...order,
  lines: order.lines.map(f),
});

describe('orders-to-fortnox: a goods line whose VAT the shop’s own rate does not explain', () => {
  // (a) Swedish consumer, 25 % on a sweater (line 55, 286.56 + 71.64 VAT) and on freight
  const a = record('rules/se-vat/records/a-se-b2c-coupon-shipping.json');

  it('17 % named on 25 % amounts stops before any write, naming the line, both rates and the fix', async () => {
    const broken = mapLines(a, (line) => ({ ...line, taxRate: '17' }));
    const result = await run(broken);
    expect(result.failedStep).toBe('shopTaxUnexplained');
    expect(result.calls).toEqual([]);
    expect(result.field).toBe('line_items[id=55].taxes');
    expect(result.message).toMatch(/^order \S+: line 55 "Tröja" carries VAT 71\.64 on 286\.56 \(25\.0 %\)/);
    expect(result.message).toContain(
      "the shop's tax rate on it is 17 %; se-vat decided 25 % for it (domestic, tax class standard)",
    );
    expect(result.message).toContain('Settings → Tax');
  });

  it('25 % named on 17 % amounts stops too: the document would book VAT the shop did not charge', async () => {
    const broken = mapLines(a, (line) => (line.kind === 'item' ? { ...line, totalTax: '48.72' } : line));
    const fixedTotal = { ...broken, totals: { ...broken.totals, tax: '58.52', total: '384.28' } };
    const result = await run(fixedTotal);
    expect(result.failedStep).toBe('shopTaxUnexplained');
    expect(result.message).toContain('carries VAT 48.72 on 286.56 (17.0 %)');
  });

  it('a line off by what WooCommerce’s rounding explains (an öre per unit and one more) goes on', async () => {
    // 2 units: 71.64 ± 0.03 is within u × (2 + 1)
    const rounded = mapLines(a, (line) => (line.kind === 'item' ? { ...line, totalTax: '71.67' } : line));
    expect((await run(rounded)).failedStep).toBeUndefined();
    const beyond = mapLines(a, (line) => (line.kind === 'item' ? { ...line, totalTax: '71.68' } : line));
    expect((await run(beyond)).failedStep).toBe('shopTaxUnexplained');
  });

  it('a German consumer charged DE 19 %, booked at Swedish 25 % by se-vat on purpose, goes on (flagged there)', async () => {
    const result = await run(record('rules/se-vat/records/c-de-b2c.json'));
    expect(result.failedStep).toBeUndefined();
    expect(result.calls).toContain('customer');
  });
});

describe('orders-to-fortnox: more rows than a Fortnox document takes', () => {
  // (b) two goods lines and freight split over 25 % and 12 %: 4 rows
  const b = record('rules/se-vat/records/b-se-mixed-25-12-shipping.json');

  it('stops before any write at params.orders-to-fortnox.maxRows, naming the count and the limit', async () => {
    const result = await run(b, { 'orders-to-fortnox': { maxRows: 3 } });
    expect(result.failedStep).toBe('tooManyRows');
    expect(result.calls).toEqual([]);
    expect(result.field).toBe('line_items');
    expect(result.message).toMatch(/^order \S+ has 4 rows; Fortnox accepts at most 3 rows per document/);
  });

  it('goes on at the limit and under the default of 500', async () => {
    expect((await run(b, { 'orders-to-fortnox': { maxRows: 4 } })).failedStep).toBeUndefined();
    expect((await run(b)).failedStep).toBeUndefined();
  });
});
