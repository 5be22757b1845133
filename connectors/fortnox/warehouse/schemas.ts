import type { JsonSchemaObject } from '../../../core/plugin-api/index.ts';
import { DECIMAL_PATTERN } from '../schemas/from-openapi.ts';

/**
 * JSON Schemas of the warehouse operations, restated from Fortnox's OpenAPI document
 * (`warehouse_TenantInfo`, `warehouse_StockPoint`, `warehouse_StockBalance`,
 * `warehouse_CustomOutboundDocument(Row)`): Fortnox's field names, lengths, enums and patterns.
 * Quantities are decimal strings on both sides, as everywhere in the connector.
 */
const $schema = 'https://json-schema.org/draft/2020-12/schema';
const decimal = { type: 'string', pattern: DECIMAL_PATTERN } as const;
const uuid = { type: 'string', format: 'uuid' } as const;

export const statusInput: JsonSchemaObject = {
  $schema,
  type: 'object',
  additionalProperties: false,
  properties: {},
};

export const statusOutput: JsonSchemaObject = {
  $schema,
  type: 'object',
  required: ['activated'],
  properties: { activated: { type: 'boolean' }, tenantId: { type: 'integer' } },
};

export const stockPointsInput: JsonSchemaObject = {
  $schema,
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', description: 'Filters on stock point code or name.' },
    state: { enum: ['ACTIVE', 'INACTIVE', 'ALL'], description: 'Default (Fortnox): ACTIVE.' },
  },
};

const stockPoint: JsonSchemaObject = {
  type: 'object',
  required: ['code', 'name'],
  properties: {
    id: uuid,
    code: { type: 'string', minLength: 1, maxLength: 10 },
    name: { type: 'string', minLength: 1, maxLength: 25 },
    active: { type: 'boolean' },
    usingCompanyAddress: { type: 'boolean' },
  },
};

export const stockPointsOutput: JsonSchemaObject = {
  $schema,
  type: 'object',
  required: ['stockPoints'],
  properties: { stockPoints: { type: 'array', items: stockPoint } },
};

export const stockBalancesInput: JsonSchemaObject = {
  $schema,
  type: 'object',
  additionalProperties: false,
  properties: {
    itemIds: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: 50 },
      maxItems: 1000,
      description: 'Article numbers; all articles when absent.',
    },
    stockPointCodes: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: 10 },
      description: 'Stock point codes; all stock points when absent.',
    },
  },
};

export const stockBalancesOutput: JsonSchemaObject = {
  $schema,
  type: 'object',
  required: ['balances'],
  properties: {
    balances: {
      type: 'array',
      items: {
        type: 'object',
        required: ['itemId', 'stockPointCode', 'availableStock', 'inStock'],
        properties: {
          itemId: { type: 'string' },
          stockPointCode: { type: ['string', 'null'] },
          availableStock: decimal,
          inStock: decimal,
        },
      },
    },
  },
};

const outboundRowInput: JsonSchemaObject = {
  type: 'object',
  additionalProperties: false,
  required: ['itemId', 'quantity'],
  properties: {
    itemId: { type: 'string', minLength: 1, maxLength: 50, description: 'The ArticleNumber.' },
    quantity: decimal,
    deliveredQuantity: decimal,
    reservedQuantity: decimal,
    forcedQuantity: decimal,
    itemDescription: { type: 'string', maxLength: 200 },
    itemUnit: { type: 'string', maxLength: 50 },
    stockPointId: uuid,
    stockLocationId: uuid,
    projectId: { type: 'string', minLength: 1, maxLength: 25 },
    costCenterCode: { type: 'string', minLength: 1, maxLength: 25 },
  },
};

export const customOutboundInput: JsonSchemaObject = {
  $schema,
  type: 'object',
  additionalProperties: false,
  required: ['type', 'id', 'date', 'deliveryState', 'rows'],
  properties: {
    type: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,25}$',
      description:
        'Your own document type, e.g. WEBSHOP (stored upper case); Fortnox refuses its own (ORDER, INVOICE, …).',
    },
    id: { type: 'string', pattern: '^[0-9]{1,25}$', description: 'Your numeric id, e.g. the shop order id.' },
    date: { type: 'string', format: 'date' },
    deliveryState: { enum: ['registration', 'reservation', 'delivery'] },
    forcedDelivery: { type: 'boolean' },
    note: { type: 'string', maxLength: 1000 },
    warehouseReady: { type: 'boolean' },
    voided: { type: 'boolean' },
    rows: { type: 'array', minItems: 1, items: outboundRowInput },
  },
};

export const customOutboundOutput: JsonSchemaObject = {
  $schema,
  type: 'object',
  required: ['id', 'referenceType', 'deliveryState', 'rows'],
  properties: {
    id: { type: 'string' },
    referenceType: { type: 'string' },
    date: { type: ['string', 'null'] },
    deliveryState: { enum: ['registration', 'reservation', 'delivery'] },
    rows: {
      type: 'array',
      items: {
        type: 'object',
        required: ['itemId', 'quantity'],
        properties: {
          itemId: { type: 'string' },
          quantity: decimal,
          deliveredQuantity: { anyOf: [decimal, { type: 'null' }] },
          reservedQuantity: { anyOf: [decimal, { type: 'null' }] },
          rowId: { type: 'integer' },
        },
      },
    },
  },
};
