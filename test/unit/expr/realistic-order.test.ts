import { describe, expect, it } from 'vitest';
import { evaluate, renderTemplate } from '../../../core/expr/index.ts';

// A realistic order through a line-scope VAT pack (first match of 8 rules, per line), an
// order-scope pack and the Fortnox order template with $each. Its speed is measured by
// `npm run bench`, never here.

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function order(i: number): Readonly<Record<string, unknown>> {
  const minute = String(i % 60).padStart(2, '0');
  const second = String(Math.floor(i / 60) % 60).padStart(2, '0');
  return deepFreeze({
    id: String(1000 + i),
    number: `W${1000 + i}`,
    status: i % 5 === 0 ? 'completed' : 'processing',
    pricesIncludeTax: true,
    createdAt: `2026-04-0${1 + (i % 9)}T${String(i % 24).padStart(2, '0')}:${minute}:${second}Z`,
    customer: {
      name: ' Anna Andersson ',
      email: 'Anna@Example.se',
      vatNumber: i % 3 === 0 ? 'DE123456789' : null,
    },
    shipping: { country: i % 3 === 0 ? 'DE' : i % 7 === 0 ? 'NO' : 'SE' },
    lines: [
      { kind: 'item', sku: 'SKU-1', name: 'Tröja', quantity: '2', total: '398.00', taxRate: '25' },
      { kind: 'item', sku: 'SKU-2', name: 'Bok', quantity: '1', total: '129.00', taxRate: '6' },
      { kind: 'item', sku: 'SKU-3', name: 'Kaffe', quantity: '3', total: '179.70', taxRate: '6' },
      { kind: 'shipping', sku: null, name: 'Frakt', quantity: '1', total: '49.00', taxRate: '25' },
    ],
  });
}

const params = deepFreeze({
  accounts: { '25': '3001', '12': '3002', '6': '3003' },
  euAccount: '3108',
  exportAccount: '3105',
});

const lineRules = deepFreeze([
  {
    when: {
      and: [
        { '!==': [{ var: 'record.shipping.country' }, 'SE'] },
        { '!': { 'eu.member': [{ var: 'record.shipping.country' }] } },
      ],
    },
    then: { account: { var: 'params.exportAccount' }, vatPercent: '0' },
  },
  {
    when: {
      and: [
        { '!==': [{ var: 'record.shipping.country' }, 'SE'] },
        { 'vat.validNumber': [{ var: 'record.customer.vatNumber' }, { var: 'record.shipping.country' }] },
      ],
    },
    then: { account: { var: 'params.euAccount' }, vatPercent: '0' },
  },
  { when: { '===': [{ var: 'line.kind' }, 'giftcard'] }, then: { account: '2421', vatPercent: '0' } },
  {
    when: {
      and: [
        { 'money.eq': [{ var: 'line.taxRate' }, '6'] },
        { 'date.between': [{ 'date.local': [{ var: 'record.createdAt' }] }, '2026-04-01', '2027-12-31'] },
      ],
    },
    then: { account: '3003', vatPercent: '6' },
  },
  { when: { 'money.eq': [{ var: 'line.taxRate' }, '12'] }, then: { account: '3002', vatPercent: '12' } },
  {
    when: { 'money.eq': [{ var: 'line.taxRate' }, '25'] },
    then: {
      account: { lookup: [{ var: 'params.accounts' }, { var: 'line.taxRate' }, '3001'] },
      vatPercent: { var: 'line.taxRate' },
    },
  },
  { when: { 'money.gt': [{ var: 'line.total' }, '100000'] }, then: { account: '3001', vatPercent: '25' } },
  { when: true, then: { account: '3001', vatPercent: '25' } },
]);

const orderRules = deepFreeze([
  {
    when: { 'money.gt': [{ 'money.sum': [{ map: [{ var: 'record.lines' }, { var: 'total' }] }] }, '50000'] },
    then: { kind: 'invoice' },
  },
  { when: { in: [{ var: 'record.status' }, ['completed']] }, then: { kind: 'invoice' } },
  { when: true, then: { kind: 'order' } },
]);

const orderTemplate = deepFreeze({
  YourOrderNumber: { var: 'record.number' },
  OurReference: { 'str.truncate': [{ 'str.trim': { var: 'record.customer.name' } }, 50] },
  EmailInformation: { EmailAddressTo: { 'str.lower': { var: 'record.customer.email' } } },
  OrderDate: { 'date.local': [{ var: 'record.createdAt' }] },
  DeliveryDate: { 'date.addDays': [{ 'date.local': [{ var: 'record.createdAt' }] }, 2] },
  VATIncluded: { var: 'record.pricesIncludeTax' },
  DocumentKind: { var: 'decisions.document.kind' },
  OrderRows: {
    $each: { var: 'decisions.lines' },
    as: 'row',
    if: { '!==': [{ var: 'row.kind' }, 'shipping'] },
    emit: {
      ArticleNumber: { var: 'row.sku' },
      Description: { 'str.truncate': [{ var: 'row.name' }, 50] },
      OrderedQuantity: { var: 'row.quantity' },
      Price: { 'money.div': [{ var: 'row.total' }, { var: 'row.quantity' }, 2] },
      VAT: { var: 'row.vatPercent' },
      AccountNumber: { var: 'row.account' },
    },
  },
  Freight: {
    'money.sum': [
      {
        map: [
          { filter: [{ var: 'record.lines' }, { '===': [{ var: 'kind' }, 'shipping'] }] },
          { var: 'total' },
        ],
      },
    ],
  },
});

type Rule = { readonly when: unknown; readonly then: unknown };

function firstMatch(
  rules: readonly Rule[],
  data: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  for (const rule of rules) {
    const matched = evaluate(rule.when, data);
    if (Array.isArray(matched) ? matched.length > 0 : Boolean(matched)) {
      return renderTemplate(rule.then, data) as Record<string, unknown>;
    }
  }
  return {};
}

function processOrder(record: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const base = { record, params };
  const lines = (record.lines as readonly Record<string, unknown>[]).map((line, lineIndex) => ({
    ...line,
    ...firstMatch(lineRules, { ...base, line, lineIndex }),
  }));
  const document = firstMatch(orderRules, base);
  return renderTemplate(orderTemplate, { ...base, decisions: { lines, document } }) as Record<
    string,
    unknown
  >;
}

describe('throughput', () => {
  it('runs rules and templates for a realistic order to the exact Fortnox payload', () => {
    expect(processOrder(order(1))).toMatchObject({
      YourOrderNumber: 'W1001',
      OurReference: 'Anna Andersson',
      OrderDate: '2026-04-02',
      DocumentKind: 'order',
      OrderRows: [
        { ArticleNumber: 'SKU-1', Price: '199.00', VAT: '25', AccountNumber: '3001' },
        { ArticleNumber: 'SKU-2', Price: '129.00', VAT: '6', AccountNumber: '3003' },
        { ArticleNumber: 'SKU-3', Price: '59.90', VAT: '6', AccountNumber: '3003' },
      ],
      Freight: '49',
    });
    expect(processOrder(order(3))).toMatchObject({
      OrderRows: [{ VAT: '0', AccountNumber: '3108' }, {}, {}],
    });
  });
});
