export type {
  Address,
  CountryCode,
  CurrencyCode,
  DecimalString,
  IsoDate,
  IsoTimestamp,
  SourceRef,
  StringMap,
  TaxRatePercent,
} from './common.ts';
export {
  COUNTRY_CODE_PATTERN,
  CURRENCY_CODE_PATTERN,
  DECIMAL_PATTERN,
  NON_NEGATIVE_DECIMAL_PATTERN,
  isDecimalString,
  isNonNegativeDecimalString,
} from './common.ts';
export { isCountryCode, isCurrencyCode } from './iso-codes.ts';
export type { Customer, CustomerIdentity } from './customer.ts';
export type {
  OrderLine,
  OrderLineKind,
  OrderStatus,
  OrderTotals,
  PaymentMethod,
  RefundSummary,
  SalesOrder,
  ShippingMethod,
} from './sales-order.ts';
export { ORDER_LINE_KINDS, ORDER_STATUSES } from './sales-order.ts';
export type { Refund, RefundLine } from './refund.ts';
export type { Product, ProductType } from './product.ts';
export { PRODUCT_TYPES } from './product.ts';
export type { StockLevel } from './stock-level.ts';
export {
  checkOrderTotals,
  type OrderAmounts,
  type TotalsCheck,
  type TotalsCheckOptions,
} from './money-check.ts';
export { MODEL_SCHEMA_IDS, modelSchemas, type ModelEntity } from './schemas.ts';
