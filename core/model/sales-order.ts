import type {
  Address,
  CurrencyCode,
  DecimalString,
  IsoTimestamp,
  SourceRef,
  StringMap,
  TaxRatePercent,
} from './common.ts';
import type { CustomerIdentity } from './customer.ts';

/**
 * The order's state, normalized across shops. A source status with no equivalent (WooCommerce
 * `checkout-draft`, a plugin's custom status) is `other`; `SalesOrder.sourceStatus` keeps the raw one.
 */
export type OrderStatus =
  'pending' | 'processing' | 'on-hold' | 'completed' | 'cancelled' | 'refunded' | 'failed' | 'other';

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'pending',
  'processing',
  'on-hold',
  'completed',
  'cancelled',
  'refunded',
  'failed',
  'other',
];

/**
 * What a line is. The sign of `total` depends on the kind:
 *
 * - `item`: goods or services sold. `total >= 0`.
 * - `shipping`: freight charged, after free-shipping discounts. `total >= 0`.
 * - `fee`: a surcharge (invoice fee, handling). May be negative when a shop books a discount as a fee.
 * - `discount`: a discount that is **not** already netted into the item lines, so `total <= 0` and
 *   `totalTax <= 0` (the VAT it takes back, at `taxRate`). WooCommerce spreads coupons over the item
 *   lines itself (see `OrderLine.discount`), so its connector emits no discount lines for coupons.
 * - `giftcard`: a gift card or store credit redeemed. It is a **payment**, not a discount: it does not
 *   reduce the taxable amount, so `total <= 0`, `totalTax = 0` and `taxRate = "0"`. Selling a gift
 *   card is an `item` line.
 */
export type OrderLineKind = 'item' | 'shipping' | 'fee' | 'discount' | 'giftcard';

export const ORDER_LINE_KINDS: readonly OrderLineKind[] = ['item', 'shipping', 'fee', 'discount', 'giftcard'];

/**
 * One row of an order. Invariant: the sum over all lines of `total + totalTax` is `totals.total`
 * (see `checkOrderTotals`), so a VAT pack that groups lines by `taxRate` accounts for every öre.
 */
export interface OrderLine {
  readonly kind: OrderLineKind;
  /** The source's id for this row (WooCommerce order item id); refunds refer to it. */
  readonly id: string;
  readonly sku?: string;
  /** The source product id; for a variation, the parent product's id. */
  readonly productId?: string;
  readonly variationId?: string;
  readonly name: string;
  /** Units; `"1"` for shipping, fee, discount and gift-card lines. */
  readonly quantity: DecimalString;
  /**
   * Price per unit excluding VAT, **before** line discounts, as the source reports it (it may carry
   * more decimals than the currency). Informational: never rebuild totals from it.
   */
  readonly unitPrice: DecimalString;
  /** Price per unit including VAT before line discounts, when the shop priced incl. VAT (`"199.00"`). */
  readonly unitPriceInclTax?: DecimalString;
  /**
   * The part of order-level discounts (coupons) the source allocated to this line, excluding VAT, as
   * a positive amount; `total` is already reduced by it. Absent when the line is not discounted.
   */
  readonly discount?: DecimalString;
  /** The VAT on `discount`, positive. */
  readonly discountTax?: DecimalString;
  /** Amount excluding VAT, after line discounts, rounded to the currency. Sign: see `OrderLineKind`. */
  readonly total: DecimalString;
  /** The VAT on `total`, rounded to the currency; same sign as `total`. */
  readonly totalTax: DecimalString;
  /**
   * The VAT rate the source applied, in percent. `"0"` when no VAT was charged (export, reverse
   * charge, gift cards), which is not the same as the product being exempt: the VAT pack decides.
   */
  readonly taxRate: TaxRatePercent;
  /** The source's tax class of the product, `standard` for the default class. */
  readonly taxClass?: string;
  /** True for services and virtual or downloadable products (no physical delivery). */
  readonly isService?: boolean;
  /** Source attributes of the row, e.g. a variation's `pa_color`. */
  readonly meta?: StringMap;
}

/**
 * The order's amounts as the source reports them, all in `SalesOrder.currency` and all excluding VAT
 * except `tax` and `total`:
 *
 * `total = subtotal - discount + shipping + fees + tax - giftCards`
 */
export interface OrderTotals {
  /** Item lines before discounts: the sum of `total + discount` over item lines. */
  readonly subtotal: DecimalString;
  /** All discounts as a positive amount: allocated line discounts plus discount lines. */
  readonly discount: DecimalString;
  /** The sum of shipping lines. */
  readonly shipping: DecimalString;
  /** The sum of fee lines (may be negative). */
  readonly fees: DecimalString;
  /** Gift cards redeemed, as a positive amount; absent means none. */
  readonly giftCards?: DecimalString;
  /** All VAT. */
  readonly tax: DecimalString;
  /** What the customer pays, including VAT. */
  readonly total: DecimalString;
}

export interface PaymentMethod {
  /** The source's id of the payment gateway, e.g. `stripe`, `klarna_payments`, `bacs`. */
  readonly id: string;
  /** The name the customer saw, e.g. `Kort`. */
  readonly title: string;
}

export interface ShippingMethod {
  /** The source's method id, e.g. WooCommerce `flat_rate`. */
  readonly id: string;
  readonly title: string;
  /** Excluding VAT. */
  readonly total: DecimalString;
  readonly tax: DecimalString;
}

/** A refund the source lists on the order; the full record is a `Refund`. */
export interface RefundSummary {
  readonly id: string;
  /** Positive, including VAT. */
  readonly amount: DecimalString;
  readonly reason?: string;
}

/** An order placed in a shop, normalized by its source connector. */
export interface SalesOrder {
  /** The source's id, as a string. */
  readonly id: string;
  /** The order number the customer sees (plugins may make it differ from `id`). */
  readonly number: string;
  readonly source: SourceRef;
  readonly status: OrderStatus;
  /** The source's own status, e.g. WooCommerce `checkout-draft`. */
  readonly sourceStatus: string;
  readonly currency: CurrencyCode;
  /** The shop's "prices entered including tax" setting when the order was placed. */
  readonly pricesIncludeTax: boolean;
  readonly createdAt: IsoTimestamp;
  readonly modifiedAt: IsoTimestamp;
  readonly paidAt?: IsoTimestamp;
  readonly completedAt?: IsoTimestamp;
  /** Absent when the order needed no payment (a zero total) or the source records none. */
  readonly paymentMethod?: PaymentMethod;
  /** The payment provider's reference. */
  readonly transactionId?: string;
  readonly customer: CustomerIdentity;
  readonly billingAddress: Address;
  /**
   * Where goods go. Absent when the source has no delivery address (services, virtual goods): the
   * connector does not copy the billing address, the VAT pack decides what to fall back to.
   */
  readonly deliveryAddress?: Address;
  readonly shippingMethods: readonly ShippingMethod[];
  readonly lines: readonly OrderLine[];
  readonly totals: OrderTotals;
  readonly couponCodes: readonly string[];
  readonly refunds?: readonly RefundSummary[];
  /** The customer's note at checkout. */
  readonly note?: string;
  /** Plugin fields of the order (e.g. a VAT-number plugin's keys), string values only. */
  readonly meta: StringMap;
}
