import { describe, expect, it } from 'vitest';
import {
  DECIMAL_PATTERN,
  MODEL_SCHEMA_IDS,
  NON_NEGATIVE_DECIMAL_PATTERN,
  COUNTRY_CODE_PATTERN,
  CURRENCY_CODE_PATTERN,
  ORDER_LINE_KINDS,
  ORDER_STATUSES,
  PRODUCT_TYPES,
  isDecimalString,
  modelSchemas,
  type Address,
  type Customer,
  type CustomerIdentity,
  type OrderLine,
  type OrderTotals,
  type PaymentMethod,
  type Product,
  type Refund,
  type RefundLine,
  type RefundSummary,
  type SalesOrder,
  type ShippingMethod,
  type SourceRef,
  type StockLevel,
} from '../../../core/model/index.ts';
import {
  customerExample,
  productExample,
  refundExample,
  salesOrderExample,
  stockLevelExample,
} from '../../fixtures/model/examples.ts';
import {
  copy,
  findings,
  keysOf,
  modelAjv,
  schemaAt,
  type OptionalKeys,
  type RequiredKeys,
} from './support.ts';

const ajv = modelAjv();
const ids = MODEL_SCHEMA_IDS;

function validate(id: string, record: unknown) {
  const check = ajv.getSchema(id);
  if (!check) throw new Error(`schema ${id} not registered`);
  const valid = check(record);
  return { valid, findings: findings(check.errors) };
}

describe('model schemas', () => {
  it('are draft 2020-12, strict, with the agreed $id', () => {
    for (const schema of modelSchemas as { $schema: string; $id: string; additionalProperties?: boolean }[]) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(schema.$id).toMatch(/^https:\/\/koppla\.dev\/schemas\/model\/[a-z-]+\.schema\.json$/);
      if (schema.$id !== ids.common) expect(schema.additionalProperties).toBe(false);
    }
    expect(Object.values(ids).sort()).toEqual(modelSchemas.map((s) => (s as { $id: string }).$id).sort());
  });

  it('share the patterns the TypeScript side uses', () => {
    const defs = schemaAt(ids.common, '$defs');
    expect((defs.decimal as { pattern: string }).pattern).toBe(DECIMAL_PATTERN);
    expect((defs.nonNegativeDecimal as { pattern: string }).pattern).toBe(NON_NEGATIVE_DECIMAL_PATTERN);
    expect((defs.taxRate as { pattern: string }).pattern).toBe(NON_NEGATIVE_DECIMAL_PATTERN);
    expect((defs.countryCode as { pattern: string }).pattern).toBe(COUNTRY_CODE_PATTERN);
    expect((defs.currencyCode as { pattern: string }).pattern).toBe(CURRENCY_CODE_PATTERN);
    expect(schemaAt(ids.salesOrder, 'properties', 'status').enum).toEqual(ORDER_STATUSES);
    expect(schemaAt(ids.salesOrder, 'properties', 'lines', 'items', 'properties', 'kind').enum).toEqual(
      ORDER_LINE_KINDS,
    );
    expect(schemaAt(ids.product, 'properties', 'type').enum).toEqual(PRODUCT_TYPES);
  });

  it.each([
    ['125.00', true],
    ['-31.84', true],
    ['0.5', true],
    ['1', true],
    ['0', true],
    ['1e3', false],
    ['+1', false],
    ['01', false],
    ['1.', false],
    ['.5', false],
    ['1 000', false],
    ['12,50', false],
    ['', false],
  ])('decimal string %j is %s', (text, expected) => {
    expect(isDecimalString(text)).toBe(expected);
    expect(validate(ids.stockLevel, { ...stockLevelExample, quantity: text }).valid).toBe(expected);
  });
});

describe('types and schemas name the same fields', () => {
  // Each list compiles only if it names every (required | optional) key of the TS type; the test
  // then checks the schema declares exactly those, with the same ones required.
  const shapes = [
    {
      name: 'SalesOrder',
      schema: schemaAt(ids.salesOrder),
      required: keysOf<Pick<SalesOrder, RequiredKeys<SalesOrder>>>()([
        'id',
        'number',
        'source',
        'status',
        'sourceStatus',
        'currency',
        'pricesIncludeTax',
        'createdAt',
        'modifiedAt',
        'customer',
        'billingAddress',
        'shippingMethods',
        'lines',
        'totals',
        'couponCodes',
        'meta',
      ]),
      optional: keysOf<Pick<SalesOrder, OptionalKeys<SalesOrder>>>()([
        'paidAt',
        'completedAt',
        'paymentMethod',
        'transactionId',
        'deliveryAddress',
        'refunds',
        'note',
      ]),
    },
    {
      name: 'OrderLine',
      schema: schemaAt(ids.salesOrder, 'properties', 'lines', 'items'),
      required: keysOf<Pick<OrderLine, RequiredKeys<OrderLine>>>()([
        'kind',
        'id',
        'name',
        'quantity',
        'unitPrice',
        'total',
        'totalTax',
        'taxRate',
      ]),
      optional: keysOf<Pick<OrderLine, OptionalKeys<OrderLine>>>()([
        'sku',
        'productId',
        'variationId',
        'unitPriceInclTax',
        'discount',
        'discountTax',
        'taxClass',
        'isService',
        'meta',
      ]),
    },
    {
      name: 'OrderTotals',
      schema: schemaAt(ids.salesOrder, 'properties', 'totals'),
      required: keysOf<Pick<OrderTotals, RequiredKeys<OrderTotals>>>()([
        'subtotal',
        'discount',
        'shipping',
        'fees',
        'tax',
        'total',
      ]),
      optional: keysOf<Pick<OrderTotals, OptionalKeys<OrderTotals>>>()(['giftCards']),
    },
    {
      name: 'PaymentMethod',
      schema: schemaAt(ids.salesOrder, 'properties', 'paymentMethod'),
      required: keysOf<PaymentMethod>()(['id', 'title']),
      optional: [],
    },
    {
      name: 'ShippingMethod',
      schema: schemaAt(ids.salesOrder, 'properties', 'shippingMethods', 'items'),
      required: keysOf<ShippingMethod>()(['id', 'title', 'total', 'tax']),
      optional: [],
    },
    {
      name: 'RefundSummary',
      schema: schemaAt(ids.salesOrder, 'properties', 'refunds', 'items'),
      required: keysOf<Pick<RefundSummary, RequiredKeys<RefundSummary>>>()(['id', 'amount']),
      optional: keysOf<Pick<RefundSummary, OptionalKeys<RefundSummary>>>()(['reason']),
    },
    {
      name: 'CustomerIdentity',
      schema: schemaAt(ids.salesOrder, 'properties', 'customer'),
      required: keysOf<Pick<CustomerIdentity, RequiredKeys<CustomerIdentity>>>()([
        'email',
        'name',
        'isBusiness',
      ]),
      optional: keysOf<Pick<CustomerIdentity, OptionalKeys<CustomerIdentity>>>()([
        'sourceCustomerId',
        'firstName',
        'lastName',
        'company',
        'organisationNumber',
        'vatNumber',
        'vatNumberValidated',
        'phone',
      ]),
    },
    {
      name: 'Address',
      schema: schemaAt(ids.salesOrder, 'properties', 'billingAddress'),
      required: keysOf<Pick<Address, RequiredKeys<Address>>>()([
        'name',
        'street1',
        'postalCode',
        'city',
        'countryCode',
      ]),
      optional: keysOf<Pick<Address, OptionalKeys<Address>>>()([
        'company',
        'street2',
        'state',
        'phone',
        'email',
      ]),
    },
    {
      name: 'SourceRef',
      schema: schemaAt(ids.salesOrder, 'properties', 'source'),
      required: keysOf<Pick<SourceRef, RequiredKeys<SourceRef>>>()(['connector', 'storeId']),
      optional: keysOf<Pick<SourceRef, OptionalKeys<SourceRef>>>()(['storeUrl']),
    },
    {
      name: 'Refund',
      schema: schemaAt(ids.refund),
      required: keysOf<Pick<Refund, RequiredKeys<Refund>>>()([
        'id',
        'orderId',
        'orderNumber',
        'source',
        'currency',
        'createdAt',
        'amount',
        'lines',
        'shipping',
      ]),
      optional: keysOf<Pick<Refund, OptionalKeys<Refund>>>()(['reason', 'refundedPayment', 'meta']),
    },
    {
      name: 'RefundLine',
      schema: schemaAt(ids.refund, 'properties', 'lines', 'items'),
      required: keysOf<Pick<RefundLine, RequiredKeys<RefundLine>>>()([
        'kind',
        'orderLineId',
        'name',
        'quantity',
        'total',
        'totalTax',
        'taxRate',
      ]),
      optional: keysOf<Pick<RefundLine, OptionalKeys<RefundLine>>>()(['sku']),
    },
    {
      name: 'Refund.shipping',
      schema: schemaAt(ids.refund, 'properties', 'shipping'),
      required: keysOf<Refund['shipping']>()(['total', 'tax']),
      optional: [],
    },
    {
      name: 'Customer',
      schema: schemaAt(ids.customer),
      required: keysOf<Pick<Customer, RequiredKeys<Customer>>>()([
        'id',
        'source',
        'email',
        'name',
        'isBusiness',
      ]),
      optional: keysOf<Pick<Customer, OptionalKeys<Customer>>>()([
        'firstName',
        'lastName',
        'company',
        'organisationNumber',
        'vatNumber',
        'vatNumberValidated',
        'phone',
        'billingAddress',
        'deliveryAddress',
        'createdAt',
        'modifiedAt',
        'meta',
      ]),
    },
    {
      name: 'Product',
      schema: schemaAt(ids.product),
      required: keysOf<Pick<Product, RequiredKeys<Product>>>()([
        'id',
        'source',
        'type',
        'sku',
        'name',
        'currency',
        'pricesIncludeTax',
        'taxable',
        'taxClass',
        'manageStock',
      ]),
      optional: keysOf<Pick<Product, OptionalKeys<Product>>>()([
        'parentId',
        'parentSku',
        'price',
        'regularPrice',
        'salePrice',
        'isService',
        'weight',
        'stockQuantity',
        'attributes',
        'variations',
        'modifiedAt',
        'meta',
      ]),
    },
    {
      name: 'StockLevel',
      schema: schemaAt(ids.stockLevel),
      required: keysOf<Pick<StockLevel, RequiredKeys<StockLevel>>>()(['sku', 'source', 'quantity', 'at']),
      optional: keysOf<Pick<StockLevel, OptionalKeys<StockLevel>>>()(['onHand', 'warehouse', 'productId']),
    },
  ];

  it.each(shapes)('$name', ({ schema, required, optional }) => {
    expect(schema.additionalProperties).toBe(false);
    expect([...((schema.required as string[] | undefined) ?? [])].sort()).toEqual([...required].sort());
    expect(Object.keys(schema.properties as object).sort()).toEqual([...required, ...optional].sort());
  });

  it('the customer record repeats the order identity (minus the shop id) field for field', () => {
    // Refs are written relative to each file; compare them as absolute URLs.
    const absolute = (definition: unknown, base: string) =>
      JSON.parse(JSON.stringify(definition), (key, value: unknown) =>
        key === '$ref' && typeof value === 'string' ? new URL(value, base).href : value,
      ) as unknown;
    const identity = schemaAt(ids.common, '$defs', 'customerIdentity').properties as Record<string, unknown>;
    const customer = schemaAt(ids.customer).properties as Record<string, unknown>;
    for (const [key, definition] of Object.entries(identity)) {
      if (key === 'sourceCustomerId') continue;
      expect(absolute(customer[key], ids.customer), key).toEqual(absolute(definition, ids.common));
    }
  });
});

describe('complete examples validate', () => {
  it.each([
    ['SalesOrder', ids.salesOrder, salesOrderExample],
    ['Refund', ids.refund, refundExample],
    ['Customer', ids.customer, customerExample],
    ['Product', ids.product, productExample],
    ['StockLevel', ids.stockLevel, stockLevelExample],
  ])('%s', (_name, id, example) => {
    expect(validate(id, example).findings).toEqual([]);
  });

  it('an order with fee, discount and gift-card lines and no delivery address', () => {
    const { deliveryAddress: _dropped, paymentMethod: _none, ...order } = salesOrderExample;
    const mixed: SalesOrder = {
      ...order,
      lines: [
        ...salesOrderExample.lines,
        {
          kind: 'fee',
          id: '90',
          name: 'Fakturaavgift',
          quantity: '1',
          unitPrice: '23.20',
          total: '23.20',
          totalTax: '5.80',
          taxRate: '25',
        },
        {
          kind: 'discount',
          id: '91',
          name: 'Personalrabatt',
          quantity: '1',
          unitPrice: '-20.00',
          total: '-20.00',
          totalTax: '-5.00',
          taxRate: '25',
        },
        {
          kind: 'giftcard',
          id: '92',
          name: 'Presentkort X7K2',
          quantity: '1',
          unitPrice: '-100.00',
          total: '-100.00',
          totalTax: '0.00',
          taxRate: '0',
        },
      ],
    };
    expect(validate(ids.salesOrder, mixed).findings).toEqual([]);
  });

  it('minimal records with only the required fields', () => {
    const {
      sku: _s,
      productId: _p,
      variationId: _v,
      unitPriceInclTax: _u,
      discount: _d,
      discountTax: _t,
      taxClass: _c,
      isService: _i,
      meta: _m,
      ...line
    } = salesOrderExample.lines[0]!;
    const order: SalesOrder = {
      id: '1',
      number: '1',
      source: { connector: 'woocommerce', storeId: 'shop' },
      status: 'other',
      sourceStatus: 'checkout-draft',
      currency: 'SEK',
      pricesIncludeTax: false,
      createdAt: '2026-11-27T04:06:17Z',
      modifiedAt: '2026-11-27T04:06:17Z',
      customer: { email: 'a@b.c', name: 'A', isBusiness: false },
      billingAddress: { name: 'A', street1: '', postalCode: '', city: '', countryCode: 'SE' },
      shippingMethods: [],
      lines: [line],
      totals: { subtotal: '0', discount: '0', shipping: '0', fees: '0', tax: '0', total: '0' },
      couponCodes: [],
      meta: {},
    };
    expect(validate(ids.salesOrder, order).findings).toEqual([]);
  });
});

describe('invalid records are rejected at the right pointer', () => {
  const order = () =>
    copy(salesOrderExample) as Record<string, unknown> & {
      lines: Record<string, unknown>[];
      totals: Record<string, unknown>;
    };

  it('a float amount', () => {
    const record = order();
    record.lines[0]!.total = 286.56;
    expect(validate(ids.salesOrder, record).findings).toEqual([
      { pointer: '/lines/0/total', keyword: 'type', params: { type: 'string' } },
    ]);
  });

  it('a decimal written with a comma or an exponent', () => {
    const record = order();
    record.totals.total = '407,20';
    record.lines[1]!.totalTax = '9.8e0';
    const result = validate(ids.salesOrder, record);
    expect(result.findings.map((f) => [f.pointer, f.keyword])).toEqual([
      ['/lines/1/totalTax', 'pattern'],
      ['/totals/total', 'pattern'],
    ]);
  });

  it('a missing required field', () => {
    const record = order();
    delete record.totals.total;
    expect(validate(ids.salesOrder, record).findings).toEqual([
      { pointer: '/totals', keyword: 'required', params: { missingProperty: 'total' } },
    ]);
  });

  it('an unknown property', () => {
    const record = order();
    record.lines[0]!.vatRate = '25';
    expect(validate(ids.salesOrder, record).findings).toEqual([
      { pointer: '/lines/0', keyword: 'additionalProperties', params: { additionalProperty: 'vatRate' } },
    ]);
  });

  it('a timestamp without an offset (WooCommerce local time) and a lower-case country', () => {
    const record = order();
    record.createdAt = '2026-11-27T05:06:17';
    (record.billingAddress as Record<string, unknown>).countryCode = 'se';
    expect(validate(ids.salesOrder, record).findings.map((f) => [f.pointer, f.keyword])).toEqual([
      ['/createdAt', 'format'],
      ['/billingAddress/countryCode', 'pattern'],
    ]);
  });

  it('a positive discount line, and a gift card carrying VAT', () => {
    const record = order();
    record.lines.push(
      {
        kind: 'discount',
        id: '91',
        name: 'Rabatt',
        quantity: '1',
        unitPrice: '20.00',
        total: '20.00',
        totalTax: '5.00',
        taxRate: '25',
      },
      {
        kind: 'giftcard',
        id: '92',
        name: 'Presentkort',
        quantity: '1',
        unitPrice: '-100.00',
        total: '-80.00',
        totalTax: '-20.00',
        taxRate: '25',
      },
    );
    const pointers = validate(ids.salesOrder, record)
      .findings.filter((f) => f.keyword === 'pattern')
      .map((f) => f.pointer);
    expect(pointers).toEqual([
      '/lines/2/total',
      '/lines/2/totalTax',
      '/lines/3/totalTax',
      '/lines/3/taxRate',
    ]);
  });

  it('an unknown status', () => {
    const record = order();
    record.status = 'wc-processing';
    expect(validate(ids.salesOrder, record).findings).toMatchObject([
      { pointer: '/status', keyword: 'enum' },
    ]);
  });

  it.each([
    ['Refund', ids.refund, refundExample, '/lines/0/total', 'orderLineId', 'lines/0'],
    ['Customer', ids.customer, customerExample, '/billingAddress/countryCode', 'email', ''],
    ['Product', ids.product, productExample, '/variations/0/price', 'sku', 'variations/0'],
    ['StockLevel', ids.stockLevel, stockLevelExample, '/quantity', 'at', ''],
  ])(
    '%s: float, missing field, unknown property',
    (_name, id, example, amountPointer, requiredKey, objectPath) => {
      const pointerParts = amountPointer.slice(1).split('/');
      const parentOf = (record: Record<string, unknown>, parts: string[]) =>
        parts.reduce<Record<string, unknown>>((node, part) => node[part] as Record<string, unknown>, record);

      const withFloat = copy(example);
      parentOf(withFloat, pointerParts.slice(0, -1))[pointerParts.at(-1)!] = 12.5;
      expect(validate(id, withFloat).findings.map((f) => [f.pointer, f.keyword])).toEqual([
        [amountPointer, 'type'],
      ]);

      const objectParts = objectPath ? objectPath.split('/') : [];
      const objectPointer = objectPath ? `/${objectPath}` : '';

      const withoutField = copy(example);
      delete parentOf(withoutField, objectParts)[requiredKey];
      expect(validate(id, withoutField).findings).toEqual([
        { pointer: objectPointer, keyword: 'required', params: { missingProperty: requiredKey } },
      ]);

      const withExtra = copy(example);
      parentOf(withExtra, objectParts).color = 'red';
      expect(validate(id, withExtra).findings).toEqual([
        { pointer: objectPointer, keyword: 'additionalProperties', params: { additionalProperty: 'color' } },
      ]);
    },
  );

  it('a variation without its parent, and variations on a simple product', () => {
    const variation = copy(productExample.variations![0]);
    delete variation.parentId;
    expect(validate(ids.product, variation).findings).toEqual([
      { pointer: '', keyword: 'required', params: { missingProperty: 'parentId' } },
    ]);
    const simple = { ...copy(productExample), type: 'simple' };
    expect(validate(ids.product, simple).findings.map((f) => [f.pointer, f.keyword])).toEqual([
      ['/variations', 'false schema'],
    ]);
  });
});
