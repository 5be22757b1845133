import {
  checkOrderTotals,
  isCurrencyCode,
  type OrderLine,
  type OrderStatus,
  type SalesOrder,
  type ShippingMethod,
  type SourceRef,
  type TotalsCheck,
} from '../../../core/model/index.ts';
import { ValidationError } from '../../../core/plugin-api/index.ts';
import type { WcFeeLine, WcLineItem, WcMeta, WcOrder, WcShippingLine } from '../wc-types.ts';
import { stringMeta, toAddress, toCustomer, type CustomerMetaKeys } from './customer.ts';
import { gmtToIso } from './dates.ts';
import { Money, amount, format, money, perUnit } from './decimal.ts';
import { lineRate, ratesOf, type RateInfo } from './taxes.ts';

export interface NormalizeOptions {
  readonly source: SourceRef;
  /** Meta keys to read the VAT number etc. from; the common plugins' keys by default. */
  readonly metaKeys?: CustomerMetaKeys;
  /** Tax rates by id (`GET /taxes`, `"25.0000"`) for stores too old to send `rate_percent`. */
  readonly knownRates?: Readonly<Record<string, string>>;
  /** Currency decimals (store setting `woocommerce_price_num_decimals`), 2 by default. */
  readonly decimals?: number;
}

const KNOWN_STATUSES = new Set<OrderStatus>([
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
]);

export function toOrderStatus(status: string): OrderStatus {
  return KNOWN_STATUSES.has(status as OrderStatus) ? (status as OrderStatus) : 'other';
}

/** The tax class slug as the model names it: WooCommerce's `''` is `standard`. */
export function taxClassName(slug: string | undefined): string {
  return slug ? slug : 'standard';
}

// Item meta worth keeping: variation attributes and plugin fields, not WooCommerce's own `_` keys
// (`_reduced_stock`, `_refunded_item_id`).
function lineMeta(meta: readonly WcMeta[] | undefined): Record<string, string> | undefined {
  const visible = Object.entries(stringMeta(meta)).filter(([key]) => !key.startsWith('_'));
  return visible.length > 0 ? Object.fromEntries(visible) : undefined;
}

function itemLine(
  item: WcLineItem,
  rates: ReadonlyMap<string, RateInfo>,
  pricesIncludeTax: boolean,
  dp: number,
) {
  const at = `line_items[id=${item.id}]`;
  const quantity = new Money(item.quantity);
  // a line of nothing has no unit price: every later step would divide by zero
  if (quantity.isZero()) {
    throw new ValidationError(`WooCommerce order line ${item.id} has quantity 0`, {
      field: `${at}.quantity`,
      code: 'koppla_zero_quantity',
    });
  }
  // WooCommerce keeps an order's lines positive and records returns as separate refund objects, so a
  // negative quantity is a broken order, not a return: taking it as positive would invoice goods that
  // were never sold that way
  if (quantity.isNegative()) {
    throw new ValidationError(
      `WooCommerce order line ${item.id} has a negative quantity (${quantity.toFixed()}); refunds are separate objects, never negative lines`,
      {
        field: `${at}.quantity`,
        code: 'koppla_negative_quantity',
      },
    );
  }
  const subtotal = money(item.subtotal, `${at}.subtotal`);
  const subtotalTax = money(item.subtotal_tax, `${at}.subtotal_tax`);
  const total = money(item.total, `${at}.total`);
  const totalTax = money(item.total_tax, `${at}.total_tax`);
  // WooCommerce has already spread coupons over the items: subtotal is before, total after.
  const discount = subtotal.minus(total);
  const discountTax = subtotalTax.minus(totalTax);
  const line: OrderLine = {
    kind: 'item',
    id: String(item.id),
    ...(item.sku ? { sku: item.sku } : {}),
    ...(item.product_id ? { productId: String(item.product_id) } : {}),
    ...(item.variation_id ? { variationId: String(item.variation_id) } : {}),
    name: item.name,
    quantity: quantity.toFixed(),
    // Never the float `price`: it is after discount and has arbitrary decimals.
    unitPrice: perUnit(subtotal, quantity, dp),
    ...(pricesIncludeTax ? { unitPriceInclTax: perUnit(subtotal.plus(subtotalTax), quantity, dp) } : {}),
    ...(discount.greaterThan(0) ? { discount: format(discount, dp) } : {}),
    ...(discount.greaterThan(0) && discountTax.greaterThan(0)
      ? { discountTax: format(discountTax, dp) }
      : {}),
    total: amount(item.total, `${at}.total`, dp),
    totalTax: amount(item.total_tax, `${at}.total_tax`, dp),
    taxRate: lineRate(item.taxes, rates, {
      net: subtotal.isZero() ? total : subtotal,
      tax: subtotal.isZero() ? totalTax : subtotalTax,
    }),
    taxClass: taxClassName(item.tax_class),
  };
  const meta = lineMeta(item.meta_data);
  return meta ? { ...line, meta } : line;
}

function shippingLine(shipping: WcShippingLine, rates: ReadonlyMap<string, RateInfo>, dp: number): OrderLine {
  const at = `shipping_lines[id=${shipping.id}]`;
  const total = money(shipping.total, `${at}.total`);
  const tax = money(shipping.total_tax, `${at}.total_tax`);
  return {
    kind: 'shipping',
    id: String(shipping.id),
    name: shipping.method_title,
    quantity: '1',
    unitPrice: format(total, dp),
    total: amount(shipping.total, `${at}.total`, dp),
    totalTax: amount(shipping.total_tax, `${at}.total_tax`, dp),
    taxRate: lineRate(shipping.taxes, rates, { net: total, tax }),
  };
}

function feeLine(fee: WcFeeLine, rates: ReadonlyMap<string, RateInfo>, dp: number): OrderLine {
  const at = `fee_lines[id=${fee.id}]`;
  const total = money(fee.total, `${at}.total`);
  const tax = money(fee.total_tax, `${at}.total_tax`);
  return {
    kind: 'fee',
    id: String(fee.id),
    name: fee.name,
    quantity: '1',
    unitPrice: format(total, dp),
    total: amount(fee.total, `${at}.total`, dp),
    totalTax: amount(fee.total_tax, `${at}.total_tax`, dp),
    taxRate: fee.tax_status === 'none' ? '0' : lineRate(fee.taxes, rates, { net: total, tax }),
    ...(fee.tax_class !== undefined ? { taxClass: taxClassName(fee.tax_class) } : {}),
  };
}

function sum(values: readonly Money[]): Money {
  return values.reduce((acc, value) => acc.plus(value), new Money(0));
}

/**
 * A WooCommerce order (REST v3) as a canonical `SalesOrder`. Amounts come from WooCommerce's own
 * rounded line totals, never recomputed, so the lines add up to what the customer paid. Coupons are
 * already spread over the item lines by WooCommerce; they show as each line's `discount` and in
 * `couponCodes`, never as extra lines (that would count them twice).
 */
export function normalizeOrder(order: WcOrder, options: NormalizeOptions): SalesOrder {
  const dp = options.decimals ?? 2;
  const rates = ratesOf(order.tax_lines ?? [], options.knownRates);
  const pricesIncludeTax = Boolean(order.prices_include_tax);
  const meta = stringMeta(order.meta_data);
  const items = (order.line_items ?? []).map((item) => itemLine(item, rates, pricesIncludeTax, dp));
  const shipping = (order.shipping_lines ?? []).map((line) => shippingLine(line, rates, dp));
  const fees = (order.fee_lines ?? []).map((line) => feeLine(line, rates, dp));
  const currency = (order.currency ?? '').toUpperCase();
  // Fortnox takes only the currencies of its register (ISO 4217): a made-up code is refused here, by
  // name, before any customer or document is written
  if (!isCurrencyCode(currency)) {
    throw new ValidationError(
      `WooCommerce order ${order.id} has currency ${JSON.stringify(order.currency)}, not an ISO 4217 code`,
      {
        field: 'currency',
        code: 'koppla_invalid_currency',
      },
    );
  }
  const createdAt = gmtToIso(order.date_created_gmt);
  if (!createdAt) {
    throw new ValidationError(`WooCommerce order ${order.id} has no date_created_gmt`, {
      field: 'date_created_gmt',
      code: 'koppla_missing_date',
    });
  }
  const billingAddress = toAddress(order.billing, 'billing');
  if (!billingAddress) {
    throw new ValidationError(`WooCommerce order ${order.id} has no billing address`, {
      field: 'billing.country',
      code: 'koppla_missing_address',
    });
  }
  const deliveryAddress = toAddress(order.shipping, 'shipping');
  const paidAt = gmtToIso(order.date_paid_gmt);
  const completedAt = gmtToIso(order.date_completed_gmt);
  const shippingMethods: ShippingMethod[] = (order.shipping_lines ?? []).map((line, index) => ({
    id: line.method_id,
    title: line.method_title,
    total: shipping[index]?.total ?? '0',
    tax: shipping[index]?.totalTax ?? '0',
  }));
  const subtotal = sum(
    (order.line_items ?? []).map((i) => money(i.subtotal, `line_items[id=${i.id}].subtotal`)),
  );
  const feesTotal = sum(fees.map((f) => new Money(f.total)));
  const refunds = (order.refunds ?? []).map((refund) => ({
    id: String(refund.id),
    amount: format(money(refund.total, `refunds[id=${refund.id}].total`).abs(), dp),
    ...(refund.reason ? { reason: refund.reason } : {}),
  }));
  return {
    id: String(order.id),
    number: order.number || String(order.id),
    source: options.source,
    status: toOrderStatus(order.status),
    sourceStatus: order.status,
    currency,
    pricesIncludeTax,
    createdAt,
    modifiedAt: gmtToIso(order.date_modified_gmt) ?? createdAt,
    ...(paidAt ? { paidAt } : {}),
    ...(completedAt ? { completedAt } : {}),
    ...(order.payment_method
      ? { paymentMethod: { id: order.payment_method, title: order.payment_method_title ?? '' } }
      : {}),
    ...(order.transaction_id ? { transactionId: order.transaction_id } : {}),
    customer: toCustomer(order.billing, order.customer_id, meta, options.metaKeys),
    billingAddress,
    ...(deliveryAddress ? { deliveryAddress } : {}),
    shippingMethods,
    lines: [...items, ...shipping, ...fees],
    totals: {
      subtotal: format(subtotal, dp),
      discount: format(money(order.discount_total, 'discount_total').abs(), dp),
      shipping: format(money(order.shipping_total, 'shipping_total'), dp),
      fees: format(feesTotal, dp),
      tax: format(money(order.total_tax, 'total_tax'), dp),
      total: format(money(order.total, 'total'), dp),
    },
    couponCodes: (order.coupon_lines ?? []).map((coupon) => coupon.code).filter(Boolean),
    ...(refunds.length > 0 ? { refunds } : {}),
    ...(order.customer_note?.trim() ? { note: order.customer_note.trim() } : {}),
    meta,
  };
}

/**
 * `normalizeOrder`, then proof that its lines add up to WooCommerce's total to the öre. Throws a
 * `ValidationError` (code `koppla_order_totals_mismatch`) rather than hand on an order whose rows
 * would put a wrong amount in the books.
 */
export function normalizeCheckedOrder(order: WcOrder, options: NormalizeOptions): SalesOrder {
  const normalized = normalizeOrder(order, options);
  const check: TotalsCheck = checkOrderTotals(normalized, { decimals: options.decimals ?? 2 });
  if (!check.ok) {
    throw new ValidationError(
      `WooCommerce order ${order.id}: lines add up to ${check.actual}, the order total is ${check.expected}`,
      {
        code: 'koppla_order_totals_mismatch',
        field: 'total',
        details: { ...check, orderId: String(order.id) },
      },
    );
  }
  return normalized;
}
