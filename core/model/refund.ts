import type {
  CurrencyCode,
  DecimalString,
  IsoTimestamp,
  SourceRef,
  StringMap,
  TaxRatePercent,
} from './common.ts';

/**
 * One refunded row. Amounts and quantities are **positive** (what goes back to the customer), unlike
 * WooCommerce, which stores them negative.
 */
export interface RefundLine {
  readonly kind: 'item' | 'shipping' | 'fee';
  /** `OrderLine.id` of the order row being refunded. */
  readonly orderLineId: string;
  readonly sku?: string;
  readonly name: string;
  /** Units returned; `"0"` when only money goes back (a price reduction, shipping, fees). */
  readonly quantity: DecimalString;
  /** Excluding VAT. */
  readonly total: DecimalString;
  readonly totalTax: DecimalString;
  /** The rate of the original order row: a credit note keeps the rate of the original supply. */
  readonly taxRate: TaxRatePercent;
}

/** Money given back for an order, in full or in part. */
export interface Refund {
  readonly id: string;
  readonly orderId: string;
  readonly orderNumber: string;
  readonly source: SourceRef;
  readonly currency: CurrencyCode;
  readonly createdAt: IsoTimestamp;
  readonly reason?: string;
  /**
   * The amount refunded, including VAT, positive. When `lines` is empty the refund was recorded as an
   * amount only, with no rows to credit.
   */
  readonly amount: DecimalString;
  readonly lines: readonly RefundLine[];
  /** The shipping part of `lines`, for rules that only ask "was freight refunded?". */
  readonly shipping: { readonly total: DecimalString; readonly tax: DecimalString };
  /** True when the payment provider paid the money back; false when it was only recorded. */
  readonly refundedPayment?: boolean;
  readonly meta?: StringMap;
}
