import type { Refund, RefundLine, SalesOrder, SourceRef } from '../../../core/model/index.ts';
import { ValidationError } from '../../../core/plugin-api/index.ts';
import type { WcFeeLine, WcLineItem, WcMeta, WcRefund, WcShippingLine } from '../wc-types.ts';
import { stringMeta } from './customer.ts';
import { gmtToIso } from './dates.ts';
import { Money, format, money } from './decimal.ts';
import { lineRate, ratesOf } from './taxes.ts';

export interface RefundOrderContext {
  /** The refunded order, already normalized: its number, currency and the rate of each row. */
  readonly order: Pick<SalesOrder, 'id' | 'number' | 'currency' | 'lines'>;
  readonly source: SourceRef;
  readonly decimals?: number;
}

function refundedItemId(meta: readonly WcMeta[] | undefined, fallback: number): string {
  const value = stringMeta(meta)._refunded_item_id;
  return value ? value : String(fallback);
}

/**
 * A WooCommerce refund as a canonical `Refund`, amounts positive. A refund row keeps the tax rate of
 * the order row it credits (a credit note keeps the rate of the original supply), read from the
 * normalized order; the refund's own `tax_lines` are the fallback.
 */
export function normalizeRefund(refund: WcRefund, context: RefundOrderContext): Refund {
  const dp = context.decimals ?? 2;
  const rates = ratesOf(refund.tax_lines ?? []);
  const orderRates = new Map(context.order.lines.map((line) => [line.id, line.taxRate]));
  const toLine = (
    kind: RefundLine['kind'],
    row: WcLineItem | WcShippingLine | WcFeeLine,
    name: string,
    quantity: number,
  ): RefundLine => {
    const at = `${kind}[id=${row.id}]`;
    const total = money(row.total, `${at}.total`).negated();
    const tax = money(row.total_tax, `${at}.total_tax`).negated();
    const orderLineId = refundedItemId(row.meta_data, row.id);
    const sku = 'sku' in row && row.sku ? { sku: row.sku } : {};
    return {
      kind,
      orderLineId,
      ...sku,
      name,
      quantity: new Money(quantity).abs().toFixed(),
      total: format(total, dp),
      totalTax: format(tax, dp),
      taxRate: orderRates.get(orderLineId) ?? lineRate(row.taxes, rates, { net: total, tax }),
    };
  };
  const lines: RefundLine[] = [
    ...(refund.line_items ?? []).map((row) => toLine('item', row, row.name, row.quantity)),
    ...(refund.shipping_lines ?? []).map((row) => toLine('shipping', row, row.method_title, 0)),
    ...(refund.fee_lines ?? []).map((row) => toLine('fee', row, row.name, 0)),
  ];
  const shipping = lines.filter((line) => line.kind === 'shipping');
  const createdAt = gmtToIso(refund.date_created_gmt);
  if (!createdAt) {
    throw new ValidationError(`WooCommerce refund ${refund.id} has no date_created_gmt`, {
      field: 'date_created_gmt',
      code: 'koppla_missing_date',
    });
  }
  const meta = stringMeta(refund.meta_data);
  return {
    id: String(refund.id),
    orderId: context.order.id,
    orderNumber: context.order.number,
    source: context.source,
    currency: context.order.currency,
    createdAt,
    ...(refund.reason ? { reason: refund.reason } : {}),
    amount: format(money(refund.amount, 'amount').abs(), dp),
    lines,
    shipping: {
      total: format(
        shipping.reduce((acc, l) => acc.plus(l.total), new Money(0)),
        dp,
      ),
      tax: format(
        shipping.reduce((acc, l) => acc.plus(l.totalTax), new Money(0)),
        dp,
      ),
    },
    ...(refund.refunded_payment !== undefined ? { refundedPayment: refund.refunded_payment } : {}),
    ...(Object.keys(meta).length > 0 ? { meta } : {}),
  };
}
