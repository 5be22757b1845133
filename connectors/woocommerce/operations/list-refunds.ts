import { MODEL_SCHEMA_IDS, type Refund } from '../../../core/model/index.ts';
import { defineOperation } from '../../../core/plugin-api/index.ts';
import { listAll, wooRequest } from '../client/index.ts';
import { normalizeOrder, normalizeRefund } from '../normalize/index.ts';
import type { WooSettings } from '../settings.ts';
import { sourceOf } from '../store-info.ts';
import { ORDER_FIELDS } from '../streams/orders.ts';
import type { WcOrder, WcRefund } from '../wc-types.ts';

export interface ListRefundsInput {
  readonly orderId: string;
}

export interface ListRefundsOutput {
  /** Oldest first; amounts positive, each row at the VAT rate of the order row it credits. */
  readonly refunds: readonly Refund[];
}

const SOURCE = { connector: 'woocommerce', storeId: 'shop.example.se', storeUrl: 'https://shop.example.se' };

/**
 * The refunds of an order as canonical `Refund`s, for credit invoices. Reads the order (for its
 * number, currency and the rate of every row) and `GET /orders/<id>/refunds`; it only reads. Koppla
 * never creates refunds in WooCommerce: a refund written with `api_refund` left at its default
 * (true) would pay the customer back through the payment gateway.
 */
export const listRefunds = defineOperation<ListRefundsInput, ListRefundsOutput, WooSettings>({
  description:
    "Reads an order's refunds as canonical Refunds (item, shipping and fee rows at the rate of the order row they credit), oldest first.",
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['orderId'],
    properties: { orderId: { type: 'string', pattern: '^[1-9][0-9]*$' } },
  },
  outputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['refunds'],
    properties: { refunds: { type: 'array', items: { $ref: MODEL_SCHEMA_IDS.refund } } },
  },
  examples: [
    {
      name: 'partial-return',
      description: 'Order 60: one of two T-shirts came back.',
      input: { orderId: '60' },
      output: {
        refunds: [
          {
            id: '67',
            orderId: '60',
            orderNumber: '60',
            source: SOURCE,
            currency: 'SEK',
            createdAt: '2026-11-27T04:06:22Z',
            reason: 'Retur',
            amount: '179.10',
            lines: [
              {
                kind: 'item',
                orderLineId: '55',
                sku: 'PUB-TEE',
                name: 'Tröja',
                quantity: '1',
                total: '143.28',
                totalTax: '35.82',
                taxRate: '25',
              },
            ],
            shipping: { total: '0.00', tax: '0.00' },
            refundedPayment: false,
          },
        ],
      },
    },
  ],
  idempotent: true,
  readOnly: true,
  async run(ctx, input) {
    const decimals = ctx.settings.currencyDecimals ?? 2;
    const source = sourceOf(ctx.settings);
    const order = await wooRequest<WcOrder>(ctx, {
      path: `/orders/${input.orderId}`,
      query: { _fields: ORDER_FIELDS.join(',') },
    });
    const normalized = normalizeOrder(order.body, {
      source,
      decimals,
      ...(ctx.settings.vatNumberMetaKeys ? { metaKeys: { vatNumber: ctx.settings.vatNumberMetaKeys } } : {}),
    });
    const raw = await listAll<WcRefund>(ctx, {
      path: `/orders/${input.orderId}/refunds`,
      query: { order: 'asc', orderby: 'id' },
    });
    const refunds = raw.map((refund) => normalizeRefund(refund, { order: normalized, source, decimals }));
    refunds.sort((a, b) =>
      a.createdAt === b.createdAt ? Number(a.id) - Number(b.id) : a.createdAt < b.createdAt ? -1 : 1,
    );
    return { refunds };
  },
});
