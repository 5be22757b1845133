/**
 * The shipped order pipeline on every order record we keep (the worked examples, the pitfall records of
 * test/fixtures/orders, the pipeline's own records): the Fortnox document's rows add up to what the shop
 * charged, to the öre; and a credit of any one line, or of any amount, adds up to what was refunded.
 * Operations are mocked (an invoice number and an echo of the refund); everything else is the real
 * pipeline with the shipped rule packs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { checkOrderTotals, MODEL_SCHEMA_IDS, type SalesOrder } from '../../../core/model/index.ts';
import { executeRecord, StepFailedError } from '../../../core/plan/execute-record.ts';
import { createStepEngines } from '../../../core/plan/step-engines.ts';
import { fixtureWorkspace } from '../../helpers/workspace.ts';
import { modelAjv } from '../model/support.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const pipelineFile = `${root}pipelines/orders-to-fortnox.yaml`;

interface Row {
  readonly ArticleNumber: string;
  readonly DeliveredQuantity: string;
  readonly Price: string;
  readonly VAT: string;
  readonly AccountNumber: string | null;
}

interface Fixture {
  readonly name: string;
  readonly order: SalesOrder;
  /** Tenant params the record needs (a shop without öre). */
  readonly params: Record<string, unknown>;
  readonly decimals: number;
}

function fixtures(): Fixture[] {
  const dirs = ['rules/se-vat/records/', 'pipelines/records/', 'test/fixtures/orders/'];
  return dirs.flatMap((dir) =>
    readdirSync(`${root}${dir}`)
      .filter((file) => file.endsWith('.json'))
      .map((file) => {
        const order = JSON.parse(readFileSync(`${root}${dir}${file}`, 'utf8')) as SalesOrder;
        const decimals = file.includes('zero-decimals') ? 0 : 2;
        // what such a shop sets: whole-krona rows; freight split by net value when prices are excl. VAT
        const shippingRows = {
          ...(decimals === 0 ? { decimals: 0 } : {}),
          ...(order.pricesIncludeTax ? {} : { splitBasis: 'net' }),
        };
        return {
          name: `${dir}${file}`,
          order,
          decimals,
          params: Object.keys(shippingRows).length > 0 ? { 'shipping-rows': shippingRows } : {},
        };
      }),
  );
}

const workspace = await fixtureWorkspace();
const loaded = workspace.pipeline(pipelineFile);
if (!loaded.value) throw new Error(JSON.stringify(loaded.diagnostics));
const { plan, packs } = loaded.value;

interface Run {
  readonly calls: Map<string, Record<string, unknown>>;
  readonly decisions: Record<string, unknown>;
  /** Set when the pipeline stopped the credit by name: a partial credit at a rate that is not whole. */
  readonly creditNotSendable?: boolean;
  /** Set when the pipeline handed a refund of a Fortnox order only (no invoice) to a person by name. */
  readonly handedOver?: boolean;
}

/** Runs the pipeline for one order; `refund` (if given) is what the refunds read answers. */
async function run(fixture: Fixture, order: SalesOrder, refund?: Record<string, unknown>): Promise<Run> {
  const calls = new Map<string, Record<string, unknown>>();
  // a partial credit of an order at a rate that is not whole (FI 25.5 %) stops at the pipeline's named fail
  // step: Fortnox invoice rows take whole percentages only (rules/se-vat/README.md)
  try {
    const outcome = await executeRecord(
      plan,
      { record: order, params: fixture.params },
      createStepEngines(plan, packs),
      async (step, input) => {
        calls.set(step.id, input as Record<string, unknown>);
        if (['order', 'invoice', 'createInvoice', 'credits'].includes(step.id))
          return { DocumentNumber: '1', CustomerNumber: '1' };
        if (step.id === 'customer') return { CustomerNumber: '1' };
        if (step.id === 'refunds') return { refunds: refund ? [refund] : [] };
        return {};
      },
    );
    return { calls, decisions: outcome.decisions };
  } catch (error) {
    if (error instanceof StepFailedError && error.step === 'partialCreditNotSendable')
      return { calls, decisions: error.outcome.decisions, creditNotSendable: true };
    // a refund of an order only (cash on delivery) that is not a cancellation in full: stopped by name
    if (error instanceof StepFailedError && error.step === 'orderRefundByHand')
      return { calls, decisions: error.outcome.decisions, handedOver: true };
    throw error;
  }
}

/** The credit steps the run called (an order only has no invoice to credit). */
const credited = (result: Run): string[] =>
  [...result.calls.keys()].filter((step) => ['refunds', 'credits', 'refundPayments'].includes(step));
const hasGiftCards = (order: SalesOrder): boolean => !new Decimal(order.totals.giftCards ?? '0').isZero();

const sum = (rows: readonly Row[]) =>
  rows.reduce((acc, row) => acc.plus(new Decimal(row.Price).times(row.DeliveredQuantity)), new Decimal(0));

/** What the rows must add up to: incl. VAT what the customer owes before gift cards, else the net. */
function expectedTotal(order: SalesOrder): Decimal {
  const lines = order.lines.filter((line) => line.kind !== 'giftcard');
  return lines.reduce(
    (acc, line) => acc.plus(line.total).plus(order.pricesIncludeTax ? line.totalTax : 0),
    new Decimal(0),
  );
}

function documentRows(result: Run): Row[] {
  const document = result.calls.get('order') ?? result.calls.get('invoice');
  const rows = (document?.OrderRows ?? document?.InvoiceRows) as Row[] | undefined;
  expect(rows, 'a document with rows').toBeDefined();
  return rows!;
}

describe('orders-to-fortnox: every kept order record', () => {
  const all = fixtures();
  const ajv = modelAjv();
  const validate = ajv.getSchema(MODEL_SCHEMA_IDS.salesOrder)!;

  it('finds the records', () => {
    expect(all.length).toBeGreaterThanOrEqual(20);
  });

  for (const fixture of all) {
    describe(fixture.name, () => {
      it('is a canonical SalesOrder whose lines add up to its total', () => {
        const valid = validate(fixture.order);
        if (fixture.order.customer.email === '') {
          // The model (and so the WooCommerce connector) requires an e-mail today; this record is the
          // guest case customer-matching is built for, so that is the one thing wrong with it.
          expect(validate.errors?.map((e) => e.instancePath)).toEqual(['/customer/email']);
        } else {
          expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
          expect(valid).toBe(true);
        }
        expect(checkOrderTotals(fixture.order, { decimals: fixture.decimals }).ok).toBe(true);
      });

      it('becomes rows that add up to what the shop charged, to the öre, each with an account and a VAT rate', async () => {
        const result = await run(fixture, fixture.order);
        const rows = documentRows(result);
        expect(sum(rows).toFixed(2)).toBe(expectedTotal(fixture.order).toFixed(2));
        for (const row of rows) {
          expect(row.AccountNumber, JSON.stringify(row)).toMatch(/^[1-9][0-9]{3}$/);
          expect(row.VAT, JSON.stringify(row)).toMatch(/^[0-9]+(\.[0-9]+)?$/);
          expect(new Decimal(row.DeliveredQuantity).isPositive()).toBe(true);
        }
      });

      const refundable = fixture.order.lines.filter((line) => line.kind !== 'giftcard');
      it('credits any one refunded line at its own VAT, adding up to the refund (no credit without an invoice)', async () => {
        const kind = (await run(fixture, fixture.order)).decisions.document as { kind: string };
        for (const line of refundable) {
          const amount = new Decimal(line.total).plus(fixture.order.pricesIncludeTax ? line.totalTax : 0);
          const refund = {
            id: `r${line.id}`,
            amount: new Decimal(line.total).plus(line.totalTax).toFixed(fixture.decimals),
            createdAt: fixture.order.createdAt,
            lines: [
              {
                kind: line.kind,
                orderLineId: line.id,
                name: line.name,
                quantity: line.kind === 'item' ? line.quantity : '0',
                total: line.total,
                totalTax: line.totalTax,
                taxRate: line.taxRate,
              },
            ],
          };
          const order = { ...fixture.order, refunds: [{ id: refund.id, amount: refund.amount }] };
          const result = await run(fixture, order, refund);
          if (result.creditNotSendable) continue;
          const credit = result.calls.get('credits');
          if (!['invoice', 'both'].includes(kind.kind)) {
            // a Fortnox order only (cash on delivery): there is no invoice to credit. Refunded in full (the
            // mocked read says the order is open) it is cancelled; any other refund is handed to a person
            expect(credited(result)).toEqual([]);
            const full = new Decimal(refund.amount).eq(fixture.order.totals.total) && !hasGiftCards(order);
            expect(result.calls.has('cancelOrder'), `line ${line.id}: cancelled`).toBe(full);
            expect(result.handedOver ?? false, `line ${line.id}: handed over`).toBe(!full);
            continue;
          }
          expect(credit, `a credit for line ${line.id}`).toBeDefined();
          // a single-line order refunded in full is Fortnox's own full credit (no rows to check)
          if (credit!.InvoiceRows === undefined) continue;
          const rows = credit!.InvoiceRows as Row[];
          expect(sum(rows).toFixed(2), `line ${line.id}`).toBe(amount.toFixed(2));
          const decided = (
            result.decisions.lines as { line: { id: string }; vat: { vatPercent: string } }[]
          ).find((d) => d.line.id === line.id);
          if (line.kind === 'item')
            for (const row of rows) expect(new Decimal(row.VAT).eq(decided!.vat.vatPercent)).toBe(true);
        }
      });

      it('credits an amount-only refund over the original rows, adding up to the amount', async () => {
        // about a third of what was paid, in the shop's decimals
        const amount = new Decimal(fixture.order.totals.total)
          .times('0.3713')
          .toDecimalPlaces(fixture.decimals);
        const refund = {
          id: 'r-amount',
          amount: amount.toFixed(fixture.decimals),
          createdAt: fixture.order.createdAt,
          lines: [],
        };
        const order = { ...fixture.order, refunds: [{ id: refund.id, amount: refund.amount }] };
        const result = await run(fixture, order, refund);
        if (result.creditNotSendable) return;
        const { kind } = result.decisions.document as { kind: string };
        const rows = (result.calls.get('credits')?.InvoiceRows ?? []) as Row[];
        if (!['invoice', 'both'].includes(kind)) {
          // an order only: a part of it refunded is handed to a person, nothing credited or cancelled
          expect(credited(result)).toEqual([]);
          expect(result.calls.has('cancelOrder')).toBe(false);
          expect(result.handedOver).toBe(true);
          return;
        }
        expect(rows.length).toBeGreaterThan(0);
        if (fixture.order.pricesIncludeTax) {
          expect(sum(rows).toFixed(2)).toBe(amount.toFixed(2));
        } else {
          // net prices: Fortnox adds each row's VAT, so the gross may differ by an öre per row
          const gross = rows.reduce((acc, row) => {
            const net = new Decimal(row.Price).times(row.DeliveredQuantity);
            return acc.plus(net).plus(net.times(row.VAT).div(100).toDecimalPlaces(2));
          }, new Decimal(0));
          expect(gross.minus(amount).abs().lte(new Decimal('0.01').times(rows.length))).toBe(true);
        }
      });
    });
  }
});
