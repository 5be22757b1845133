import type { CurrencyCode, DecimalString, IsoTimestamp, SourceRef, StringMap } from './common.ts';

/** `variable` is a parent with no price or stock of its own; each of its `variation`s has both. */
export type ProductType = 'simple' | 'variable' | 'variation';

export const PRODUCT_TYPES: readonly ProductType[] = ['simple', 'variable', 'variation'];

/** A product or variation of a source catalogue, keyed by SKU across systems. */
export interface Product {
  /** The source's id. */
  readonly id: string;
  readonly source: SourceRef;
  readonly type: ProductType;
  /** Non-empty: products without a SKU cannot be matched across systems and are not emitted. */
  readonly sku: string;
  readonly name: string;
  /** Source id of the parent of a variation. */
  readonly parentId?: string;
  readonly parentSku?: string;
  readonly currency: CurrencyCode;
  /** True when the prices below include VAT (the shop's price setting). */
  readonly pricesIncludeTax: boolean;
  /** The price a customer pays now (the sale price while a sale runs). Absent for a `variable` parent. */
  readonly price?: DecimalString;
  readonly regularPrice?: DecimalString;
  readonly salePrice?: DecimalString;
  /** False when the product is sold without VAT (WooCommerce tax status `none`). */
  readonly taxable: boolean;
  /** The source's tax class, `standard` for the default class. */
  readonly taxClass: string;
  /** True for services and virtual or downloadable products. */
  readonly isService?: boolean;
  /** In kilograms, whatever unit the source uses. */
  readonly weight?: DecimalString;
  /** True when the source tracks stock for this product. */
  readonly manageStock: boolean;
  /** Present when `manageStock`; may be negative (backorders). */
  readonly stockQuantity?: DecimalString;
  /** A variation's attribute values, e.g. `{ "storlek": "L" }`. */
  readonly attributes?: StringMap;
  /** The variations of a `variable` product, when the source delivers them with the parent. */
  readonly variations?: readonly Product[];
  readonly modifiedAt?: IsoTimestamp;
  readonly meta?: StringMap;
}
