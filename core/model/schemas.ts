import commonSchema from '../../schemas/model/common.schema.json' with { type: 'json' };
import customerSchema from '../../schemas/model/customer.schema.json' with { type: 'json' };
import productSchema from '../../schemas/model/product.schema.json' with { type: 'json' };
import refundSchema from '../../schemas/model/refund.schema.json' with { type: 'json' };
import salesOrderSchema from '../../schemas/model/sales-order.schema.json' with { type: 'json' };
import stockLevelSchema from '../../schemas/model/stock-level.schema.json' with { type: 'json' };

/** `$id`s of the canonical model's JSON Schemas; a stream's record schema can be `{ $ref: id }`. */
export const MODEL_SCHEMA_IDS = {
  common: 'https://koppla.dev/schemas/model/common.schema.json',
  salesOrder: 'https://koppla.dev/schemas/model/sales-order.schema.json',
  refund: 'https://koppla.dev/schemas/model/refund.schema.json',
  customer: 'https://koppla.dev/schemas/model/customer.schema.json',
  product: 'https://koppla.dev/schemas/model/product.schema.json',
  stockLevel: 'https://koppla.dev/schemas/model/stock-level.schema.json',
} as const;

export type ModelEntity = Exclude<keyof typeof MODEL_SCHEMA_IDS, 'common'>;

/**
 * Every model schema, ready for `ajv.addSchema(modelSchemas)`: they refer to each other by `$id`, so
 * they are registered together.
 */
export const modelSchemas: readonly object[] = Object.freeze([
  commonSchema,
  salesOrderSchema,
  refundSchema,
  customerSchema,
  productSchema,
  stockLevelSchema,
]);
