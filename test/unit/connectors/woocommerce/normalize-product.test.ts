import { describe, expect, it } from 'vitest';
import { MODEL_SCHEMA_IDS } from '../../../../core/model/index.ts';
import { normalizeProduct } from '../../../../connectors/woocommerce/normalize/index.ts';
import { productChanges } from '../../../../connectors/woocommerce/operations/index.ts';
import type { WcProduct } from '../../../../connectors/woocommerce/wc-types.ts';
import { referenceJson } from '../../../fixtures/woocommerce/reference.ts';
import { modelAjv } from '../../model/support.ts';

const store = {
  source: { connector: 'woocommerce', storeId: '127.0.0.1:8080' },
  currency: 'SEK',
  pricesIncludeTax: true,
};
const validate = modelAjv().getSchema(MODEL_SCHEMA_IDS.product)!;
const simple = referenceJson<WcProduct>('products', 'simple.json');
const variable = referenceJson<WcProduct>('products', 'variable.json');
const variations = referenceJson<WcProduct[]>('products', 'variations.json');

describe('normalizeProduct', () => {
  it('simple, variable and variation products from the recordings validate', () => {
    for (const raw of [simple, variable, ...variations]) {
      const product = normalizeProduct(raw, store);
      expect(validate(product), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it('keeps prices as strings, weight in kg, stock only when managed', () => {
    expect(normalizeProduct(simple, store)).toMatchObject({
      id: '50',
      type: 'simple',
      sku: 'PUB-TEE',
      price: '199.00',
      regularPrice: '199.00',
      taxClass: 'standard',
      taxable: true,
      weight: '0.4',
      manageStock: true,
      stockQuantity: '50',
      modifiedAt: '2026-11-27T04:06:13Z',
    });
    const parent = normalizeProduct(variable, store)!;
    expect(parent).not.toHaveProperty('price');
    expect(parent).not.toHaveProperty('stockQuantity');
    expect(normalizeProduct(variations[1]!, store)).toMatchObject({
      type: 'variation',
      parentId: '55',
      sku: 'PUB-CAP-M',
      stockQuantity: '0',
      attributes: { storlek: 'M' },
    });
    expect(normalizeProduct({ ...simple, weight: '400' }, { ...store, weightUnit: 'g' })?.weight).toBe('0.4');
    expect(normalizeProduct({ ...simple, sku: '' }, store)).toBeUndefined();
  });
});

describe('productChanges (what a batch update would send)', () => {
  it('nothing for equal values, decimals compared as numbers, stock sent with manage_stock', () => {
    expect(
      productChanges(simple, {
        id: '50',
        regularPrice: '199',
        weight: '0.40',
        taxClass: 'standard',
        stockQuantity: 50,
      }),
    ).toEqual({});
    expect(productChanges(simple, { id: '50', stockQuantity: 49, taxClass: 'reduced-rate' })).toEqual({
      manage_stock: true,
      stock_quantity: 49,
      tax_class: 'reduced-rate',
    });
    expect(productChanges(variable, { id: '55', stockQuantity: 0 })).toEqual({
      manage_stock: true,
      stock_quantity: 0,
    });
  });
});
