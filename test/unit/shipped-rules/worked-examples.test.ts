/**
 * The four shipped rule packs together (se-vat → bas-accounts → shipping-rows, and document-kind) on the
 * five worked examples of bookkeeping.md §3: the recorded WooCommerce orders, normalized to canonical
 * orders (rules/se-vat/records), must give exactly the voucher credits of the examples, per account and
 * to the öre, and add up to what the customer paid.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../../core/config/index.ts';
import {
  compileRulePack,
  evaluatePacks,
  type CompiledRulePack,
  type Decisions,
} from '../../../core/rules/index.ts';

const root = fileURLToPath(new URL('../../../rules/', import.meta.url));

function pack(id: string): CompiledRulePack {
  const file = `${root}${id}/pack.yaml`;
  const { pack: compiled, diagnostics } = compileRulePack(parseYamlSource(readFileSync(file, 'utf8'), file));
  if (!compiled) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return compiled;
}

const packs = ['se-vat', 'bas-accounts', 'shipping-rows', 'document-kind'].map((id) => ({ pack: pack(id) }));

interface Line {
  kind: string;
  total: string;
  totalTax: string;
  taxRate: string;
}
interface Order {
  lines: Line[];
  totals: { total: string };
  currency: string;
}
interface Row {
  vatPercent: string;
  net: string;
  vat: string;
  gross: string;
  account: string | null;
  vatAccount: string | null;
}

function record(name: string): Order {
  return JSON.parse(readFileSync(`${root}se-vat/records/${name}.json`, 'utf8')) as Order;
}

/** The voucher's credits per account: goods rows as decided, freight and fees as split rows. */
function credits(order: Order, params: Record<string, Record<string, unknown>> = {}) {
  const { decisions } = evaluatePacks(packs, { record: order, params });
  const sums = new Map<string, Decimal>();
  const add = (account: string | null | undefined, amount: string) => {
    expect(account, `an account for ${amount}`).toBeTruthy();
    sums.set(account!, (sums.get(account!) ?? new Decimal(0)).plus(amount));
  };
  const lines = decisions.lines as unknown as {
    line: Line;
    vat: Record<string, unknown>;
    account: Record<string, string | null>;
  }[];
  for (const { line, vat, account } of lines) {
    expect(vat.review, JSON.stringify(vat)).toBe(false);
    if (line.kind === 'shipping' || line.kind === 'fee') continue;
    // the examples book the rate the shop charged, so the line's own VAT is the row's VAT
    expect(new Decimal(vat.vatPercent as string).eq(line.taxRate)).toBe(true);
    add(account.account, line.total);
    if (!new Decimal(line.totalTax).isZero()) add(account.vatAccount, line.totalTax);
  }
  const shipping = (decisions as Decisions & { shipping: { lines: { rows: Row[] }[] } }).shipping;
  for (const charge of shipping.lines) {
    for (const row of charge.rows) {
      expect(new Decimal(row.net).plus(row.vat).toFixed(2)).toBe(new Decimal(row.gross).toFixed(2));
      add(row.account, row.net);
      if (!new Decimal(row.vat).isZero()) add(row.vatAccount, row.vat);
    }
  }
  const total = [...sums.values()].reduce((a, b) => a.plus(b), new Decimal(0));
  return {
    decisions,
    total: total.toFixed(2),
    byAccount: Object.fromEntries([...sums].map(([k, v]) => [k, v.toFixed(2)]).sort()),
  };
}

describe('shipped rule packs on the worked examples of bookkeeping.md §3', () => {
  it('(a) Swedish consumer, 10 % coupon: 3001 286.56, 3520 39.20, 2611 81.44 = 407.20', () => {
    const order = record('a-se-b2c-coupon-shipping');
    const { byAccount, total, decisions } = credits(order);
    expect(byAccount).toEqual({ '2611': '81.44', '3001': '286.56', '3520': '39.20' });
    expect(total).toBe('407.20');
    expect(total).toBe(order.totals.total);
    expect(decisions.document).toMatchObject({
      kind: 'both',
      paid: true,
      payment: { account: '1580', amount: '407.20', roundOffAccount: '3740' },
    });
  });

  it('(b) mixed 25 % / 12 % with shipping split: 3001 400, 3002 200, 3520 48.89, 2611 108.15, 2621 25.96 = 783.00', () => {
    const order = record('b-se-mixed-25-12-shipping');
    const { byAccount, total } = credits(order);
    expect(byAccount).toEqual({
      '2611': '108.15',
      '2621': '25.96',
      '3001': '400.00',
      '3002': '200.00',
      '3520': '48.89',
    });
    // WooCommerce put all 59.00 at 25 % (VAT 11.80); the split books 1.69 less VAT, same total
    expect(total).toBe('783.00');
    expect(total).toBe(order.totals.total);
  });

  it('(c) German consumer under OSS at 19 %, as recorded (SEK): OSS account 103.52, 2670 19.67 = 123.19', () => {
    const order = record('c-de-b2c');
    const { byAccount, total, decisions } = credits(order, {
      'se-vat': { oss: 'registered' },
      'bas-accounts': { ossAccounts: { 'DE-19': '3110' } },
    });
    expect(byAccount).toEqual({ '2670': '19.67', '3110': '103.52' });
    expect(total).toBe(order.totals.total);
    expect(decisions.lines?.[0]?.vat).toMatchObject({
      treatment: 'oss',
      vatPercent: '19',
      customerVatType: 'SEVAT',
    });
  });

  it("(c) the same with the example's EUR amounts: 108.32 net on the OSS account, 20.58 VAT = 128.90", () => {
    const recorded = record('c-de-b2c');
    const order: Order = {
      ...recorded,
      currency: 'EUR',
      lines: [
        { ...recorded.lines[0]!, total: '100.00', totalTax: '19.00' },
        { ...recorded.lines[1]!, total: '8.32', totalTax: '1.58' },
      ],
      totals: { ...recorded.totals, total: '128.90' },
    };
    const { byAccount, total } = credits(order, {
      'se-vat': { oss: 'registered' },
      'bas-accounts': { ossAccounts: { DE: '3110' }, ossVatAccounts: { 'DE-19': '2671' } },
    });
    expect(byAccount).toEqual({ '2671': '20.58', '3110': '108.32' });
    expect(total).toBe('128.90');
  });

  it('(d) Finnish company, reverse charge: 3108 5000.00, 3521 120.00, no VAT = 5120.00', () => {
    const order = record('d-fi-b2b-vat-number');
    const { byAccount, total, decisions } = credits(order);
    expect(byAccount).toEqual({ '3108': '5000.00', '3521': '120.00' });
    expect(total).toBe('5120.00');
    expect(decisions.lines?.[0]?.vat).toMatchObject({
      customerVatType: 'EUREVERSEDVAT',
      euQuarterlyReport: true,
      box: '35',
    });
  });

  it('(e) Norwegian consumer, export: 3105 639.20, 3522 79.20 = 718.40', () => {
    const order = record('e-no-export');
    const { byAccount, total, decisions } = credits(order);
    expect(byAccount).toEqual({ '3105': '639.20', '3522': '79.20' });
    expect(total).toBe('718.40');
    expect(decisions.lines?.[0]?.vat).toMatchObject({ customerVatType: 'EXPORT', box: '36' });
  });

  it('every line of every example is decided by a rule, not a default', () => {
    for (const name of [
      'a-se-b2c-coupon-shipping',
      'b-se-mixed-25-12-shipping',
      'c-de-b2c',
      'd-fi-b2b-vat-number',
      'e-no-export',
    ]) {
      const { trace } = evaluatePacks(packs, { record: record(name) });
      expect(trace.filter((t) => t.reason === 'DEFAULT' || t.reason === 'ERROR')).toEqual([]);
    }
  });
});
