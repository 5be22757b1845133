/**
 * The shapes of WooCommerce REST `wc/v3` resources, as far as this connector reads them. Money is a
 * string everywhere except line `price` (a float, never used) and `rate_percent` (a number).
 * Fields are optional where older versions or plugins may leave them out.
 */

export interface WcMeta {
  readonly id?: number;
  readonly key: string;
  readonly value: unknown;
  readonly display_key?: string;
  readonly display_value?: unknown;
}

export interface WcLineTax {
  /** The tax rate id (`tax_lines[].rate_id`). */
  readonly id: number;
  readonly total: string;
  readonly subtotal?: string;
}

export interface WcAddress {
  readonly first_name?: string;
  readonly last_name?: string;
  readonly company?: string;
  readonly address_1?: string;
  readonly address_2?: string;
  readonly city?: string;
  readonly state?: string;
  readonly postcode?: string;
  readonly country?: string;
  readonly email?: string | null;
  readonly phone?: string;
}

export interface WcLineItem {
  readonly id: number;
  readonly name: string;
  readonly product_id: number;
  readonly variation_id: number;
  readonly quantity: number;
  readonly tax_class: string;
  readonly subtotal: string;
  readonly subtotal_tax: string;
  readonly total: string;
  readonly total_tax: string;
  readonly taxes: readonly WcLineTax[];
  readonly meta_data: readonly WcMeta[];
  readonly sku?: string | null;
  readonly parent_name?: string | null;
}

export interface WcTaxLine {
  readonly id: number;
  readonly rate_code: string;
  readonly rate_id: number | string;
  readonly label: string;
  readonly compound: boolean;
  readonly tax_total: string;
  readonly shipping_tax_total: string;
  /** Present in current versions; null or absent in old ones. */
  readonly rate_percent?: number | string | null;
}

export interface WcShippingLine {
  readonly id: number;
  readonly method_title: string;
  readonly method_id: string;
  readonly instance_id?: string;
  readonly total: string;
  readonly total_tax: string;
  readonly taxes: readonly WcLineTax[];
  readonly meta_data?: readonly WcMeta[];
}

export interface WcFeeLine {
  readonly id: number;
  readonly name: string;
  readonly tax_class?: string;
  readonly tax_status?: string;
  readonly total: string;
  readonly total_tax: string;
  readonly taxes: readonly WcLineTax[];
  readonly meta_data?: readonly WcMeta[];
}

export interface WcCouponLine {
  readonly id: number;
  readonly code: string;
  readonly discount: string;
  readonly discount_tax: string;
}

export interface WcOrderRefundRef {
  readonly id: number;
  readonly reason: string;
  /** Negative, e.g. `"-179.10"`. */
  readonly total: string;
}

export interface WcOrder {
  readonly id: number;
  readonly parent_id?: number;
  readonly number?: string;
  readonly status: string;
  readonly currency: string;
  readonly prices_include_tax: boolean;
  readonly date_created?: string | null;
  readonly date_created_gmt: string;
  readonly date_modified?: string | null;
  readonly date_modified_gmt?: string | null;
  readonly date_paid_gmt?: string | null;
  readonly date_completed_gmt?: string | null;
  readonly discount_total: string;
  readonly discount_tax: string;
  readonly shipping_total: string;
  readonly shipping_tax: string;
  readonly cart_tax: string;
  readonly total: string;
  readonly total_tax: string;
  readonly customer_id: number;
  readonly billing: WcAddress;
  readonly shipping?: WcAddress;
  readonly payment_method?: string;
  readonly payment_method_title?: string;
  readonly transaction_id?: string;
  readonly customer_note?: string;
  readonly meta_data: readonly WcMeta[];
  readonly line_items: readonly WcLineItem[];
  readonly tax_lines: readonly WcTaxLine[];
  readonly shipping_lines: readonly WcShippingLine[];
  readonly fee_lines: readonly WcFeeLine[];
  readonly coupon_lines: readonly WcCouponLine[];
  readonly refunds?: readonly WcOrderRefundRef[];
}

export interface WcRefund {
  readonly id: number;
  readonly parent_id?: number;
  readonly date_created_gmt: string;
  /** Positive, dp-formatted. */
  readonly amount: string;
  readonly reason?: string;
  readonly refunded_payment?: boolean;
  readonly meta_data?: readonly WcMeta[];
  readonly line_items?: readonly WcLineItem[];
  readonly shipping_lines?: readonly WcShippingLine[];
  readonly fee_lines?: readonly WcFeeLine[];
  readonly tax_lines?: readonly WcTaxLine[];
}

export interface WcProductAttribute {
  readonly id?: number;
  readonly name: string;
  readonly slug?: string;
  readonly option?: string;
  readonly options?: readonly string[];
}

/** A product, or a variation (which `/products?sku=` returns in product shape with `type: variation`). */
export interface WcProduct {
  readonly id: number;
  readonly name?: string;
  readonly type?: string;
  readonly status?: string;
  readonly sku: string;
  readonly parent_id?: number;
  readonly price?: string;
  readonly regular_price?: string;
  readonly sale_price?: string;
  readonly tax_status?: string;
  readonly tax_class?: string;
  readonly virtual?: boolean;
  readonly downloadable?: boolean;
  /** Variations: `"parent"` when the parent manages stock. */
  readonly manage_stock?: boolean | 'parent';
  readonly stock_quantity?: number | null;
  readonly stock_status?: string;
  readonly weight?: string;
  readonly attributes?: readonly WcProductAttribute[];
  readonly variations?: readonly number[];
  readonly date_modified_gmt?: string | null;
  readonly meta_data?: readonly WcMeta[];
}

export interface WcWebhook {
  readonly id: number;
  readonly name: string;
  readonly status: 'active' | 'paused' | 'disabled';
  readonly topic: string;
  readonly resource?: string;
  readonly event?: string;
  readonly delivery_url: string;
}

/** Every WooCommerce REST error body. */
export interface WcErrorBody {
  readonly code: string;
  readonly message: string;
  readonly data?:
    { readonly status?: number; readonly params?: Record<string, string>; [key: string]: unknown } | number;
}
