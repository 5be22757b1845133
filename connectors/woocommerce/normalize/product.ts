import type { Product, SourceRef } from '../../../core/model/index.ts';
import type { WcProduct } from '../wc-types.ts';
import { stringMeta } from './customer.ts';
import { gmtToIso } from './dates.ts';
import { Money, amount, format, money } from './decimal.ts';
import { taxClassName } from './order.ts';

export type WeightUnit = 'kg' | 'g' | 'lbs' | 'oz';

// Exact factors to kilograms (the pound and ounce are defined in grams).
const TO_KG: Readonly<Record<WeightUnit, string>> = {
  kg: '1',
  g: '0.001',
  lbs: '0.45359237',
  oz: '0.028349523125',
};

export interface ProductStore {
  readonly source: SourceRef;
  /** Store currency, e.g. `SEK`. */
  readonly currency: string;
  /** Store setting `woocommerce_prices_include_tax`. */
  readonly pricesIncludeTax: boolean;
  /** Store setting `woocommerce_weight_unit`, `kg` by default. */
  readonly weightUnit?: WeightUnit;
}

function price(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  // The store's own string, decimals kept ("199.00" stays "199.00").
  return money(value, 'price').isNegative() ? undefined : amount(value, 'price');
}

/**
 * A WooCommerce product or variation as a canonical `Product`; `undefined` for one without a SKU,
 * which cannot be matched across systems. Product types other than simple/variable/variation
 * (grouped, external, plugin types) are reported as `simple`.
 */
export function normalizeProduct(product: WcProduct, store: ProductStore): Product | undefined {
  const sku = product.sku?.trim();
  if (!sku) return undefined;
  const type =
    product.type === 'variable' ? 'variable' : product.type === 'variation' ? 'variation' : 'simple';
  const manageStock = product.manage_stock === true || product.manage_stock === 'parent';
  const weightKg =
    product.weight && product.weight.trim() !== ''
      ? format(money(product.weight, 'weight').times(new Money(TO_KG[store.weightUnit ?? 'kg'])), 6).replace(
          /\.?0+$/,
          '',
        )
      : undefined;
  const attributes: Record<string, string> = {};
  for (const attribute of product.attributes ?? []) {
    if (attribute.option !== undefined) attributes[attribute.slug || attribute.name] = attribute.option;
  }
  const meta = stringMeta(product.meta_data);
  const currentPrice = type === 'variable' ? undefined : price(product.price);
  const regularPrice = price(product.regular_price);
  const salePrice = price(product.sale_price);
  const modifiedAt = gmtToIso(product.date_modified_gmt);
  return {
    id: String(product.id),
    source: store.source,
    type,
    sku,
    name: product.name ?? '',
    ...(type === 'variation' && product.parent_id ? { parentId: String(product.parent_id) } : {}),
    currency: store.currency,
    pricesIncludeTax: store.pricesIncludeTax,
    ...(currentPrice !== undefined ? { price: currentPrice } : {}),
    ...(regularPrice !== undefined ? { regularPrice } : {}),
    ...(salePrice !== undefined ? { salePrice } : {}),
    taxable: product.tax_status !== 'none',
    taxClass: taxClassName(product.tax_class === 'parent' ? '' : product.tax_class),
    ...(product.virtual || product.downloadable ? { isService: true } : {}),
    ...(weightKg !== undefined && weightKg !== '' ? { weight: weightKg } : {}),
    manageStock,
    ...(manageStock && typeof product.stock_quantity === 'number'
      ? { stockQuantity: String(product.stock_quantity) }
      : {}),
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    ...(modifiedAt ? { modifiedAt } : {}),
    ...(Object.keys(meta).length > 0 ? { meta } : {}),
  };
}
