export {
  DEFAULT_ORGANISATION_NUMBER_META_KEYS,
  DEFAULT_VAT_NUMBER_META_KEYS,
  DEFAULT_VAT_VALIDATED_META_KEYS,
  type CustomerMetaKeys,
} from './customer.ts';
export { gmtToIso, isoToGmtParam } from './dates.ts';
export { normalizeCheckedOrder, normalizeOrder, toOrderStatus, type NormalizeOptions } from './order.ts';
export { normalizeProduct, type ProductStore, type WeightUnit } from './product.ts';
export { normalizeRefund, type RefundOrderContext } from './refund.ts';
