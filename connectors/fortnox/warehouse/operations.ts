import { defineOperation } from '../../../core/plugin-api/index.ts';
import type { ClientDeps, FortnoxSettings } from '../client/index.ts';
import { clientFactory } from '../operations/shared.ts';
import {
  customOutboundPath,
  listStockBalances,
  listStockPoints,
  quantityNumber,
  quantityOf,
  warehouseStatus,
  type StockBalance,
  type StockPoint,
  type WarehouseStatus,
} from './api.ts';
import {
  customOutboundInput,
  customOutboundOutput,
  statusInput,
  statusOutput,
  stockBalancesInput,
  stockBalancesOutput,
  stockPointsInput,
  stockPointsOutput,
} from './schemas.ts';

/** Article numbers per stock-balance request: keeps the query string well under URL limits. */
const ITEM_IDS_PER_REQUEST = 100;

export function warehouseStatusOperation(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<Record<string, never>, WarehouseStatus, FortnoxSettings>({
    description:
      'Whether Fortnox Lager (the warehouse module) is switched on for the tenant: then stock lives per stock point and changes only through deliveries.',
    inputSchema: statusInput,
    outputSchema: statusOutput,
    idempotent: true,
    readOnly: true,
    examples: [{ name: 'activated', input: {}, output: { activated: true, tenantId: 1234567 } }],
    run: (ctx) => warehouseStatus(clientFor(ctx), ctx),
  });
}

export interface StockPointsInput {
  readonly q?: string;
  readonly state?: 'ACTIVE' | 'INACTIVE' | 'ALL';
}

export function stockPointsListOperation(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<StockPointsInput, { stockPoints: readonly StockPoint[] }, FortnoxSettings>({
    description: 'Lists Fortnox Lager stock points (warehouses), active ones unless `state` says otherwise.',
    inputSchema: stockPointsInput,
    outputSchema: stockPointsOutput,
    idempotent: true,
    readOnly: true,
    examples: [
      {
        name: 'two-stock-points',
        input: { state: 'ACTIVE' },
        output: {
          stockPoints: [
            {
              id: '0c1d7f0e-6f4a-4c39-9a57-0d2d5b2f8a11',
              code: 'HUV',
              name: 'Huvudlager',
              active: true,
              usingCompanyAddress: true,
            },
            {
              id: '5b8e2a43-1c9d-4e5f-8a7b-3c2d1e0f9a88',
              code: 'BUTIK',
              name: 'Butiken',
              active: true,
              usingCompanyAddress: false,
            },
          ],
        },
      },
    ],
    async run(ctx, input) {
      return { stockPoints: await listStockPoints(clientFor(ctx), ctx, input) };
    },
  });
}

export interface StockBalancesInput {
  readonly itemIds?: readonly string[];
  readonly stockPointCodes?: readonly string[];
}

export function stockBalancesListOperation(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<StockBalancesInput, { balances: readonly StockBalance[] }, FortnoxSettings>({
    description:
      'Fortnox Lager stock balance per article and stock point: inStock (on hand) and availableStock (not reserved), as decimal strings.',
    inputSchema: stockBalancesInput,
    outputSchema: stockBalancesOutput,
    idempotent: true,
    readOnly: true,
    examples: [
      {
        name: 'one-article-two-stock-points',
        input: { itemIds: ['PUB-TEE'] },
        output: {
          balances: [
            { itemId: 'PUB-TEE', stockPointCode: 'HUV', availableStock: '38', inStock: '40' },
            { itemId: 'PUB-TEE', stockPointCode: 'BUTIK', availableStock: '5', inStock: '5' },
          ],
        },
      },
    ],
    async run(ctx, input) {
      const client = clientFor(ctx);
      const filter = input.stockPointCodes ? { stockPointCodes: input.stockPointCodes } : {};
      if (!input.itemIds) return { balances: await listStockBalances(client, ctx, filter) };
      const balances: StockBalance[] = [];
      for (let i = 0; i < input.itemIds.length; i += ITEM_IDS_PER_REQUEST) {
        const itemIds = input.itemIds.slice(i, i + ITEM_IDS_PER_REQUEST);
        balances.push(...(await listStockBalances(client, ctx, { ...filter, itemIds })));
      }
      return { balances };
    },
  });
}

export interface CustomOutboundRow {
  readonly itemId: string;
  readonly quantity: string;
  readonly deliveredQuantity?: string;
  readonly reservedQuantity?: string;
  readonly forcedQuantity?: string;
  readonly itemDescription?: string;
  readonly itemUnit?: string;
  readonly stockPointId?: string;
  readonly stockLocationId?: string;
  readonly projectId?: string;
  readonly costCenterCode?: string;
}

export interface CustomOutboundInput {
  /** Your own document type (stored upper case), e.g. `WEBSHOP`. */
  readonly type: string;
  /** Your numeric id, e.g. the shop order id. */
  readonly id: string;
  readonly date: string;
  readonly deliveryState: 'registration' | 'reservation' | 'delivery';
  readonly forcedDelivery?: boolean;
  readonly note?: string;
  readonly warehouseReady?: boolean;
  readonly voided?: boolean;
  readonly rows: readonly CustomOutboundRow[];
}

export type CustomOutboundDocument = Readonly<Record<string, unknown>>;

const ROW_QUANTITIES = ['quantity', 'deliveredQuantity', 'reservedQuantity', 'forcedQuantity'] as const;

/**
 * `PUT /api/warehouse/documentdeliveries/custom/outbound-v1/{type}/{id}`: saves (creates or replaces)
 * a custom outbound document keyed by your type and id, e.g. "shop order 1042 took these goods".
 * Saving the same document again leaves the same state: idempotent, no look-up needed.
 */
export function customOutboundSaveOperation(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<CustomOutboundInput, CustomOutboundDocument, FortnoxSettings>({
    description:
      'Saves a Fortnox Lager custom outbound document by your own type and id (PUT, so saving again replaces it): stock leaves the warehouse when deliveryState is delivery.',
    inputSchema: customOutboundInput,
    outputSchema: customOutboundOutput,
    idempotent: true,
    examples: [
      {
        name: 'shop-order-delivered',
        description: 'Shop order 1042 took 2 T-shirts from the main stock point.',
        input: {
          type: 'WEBSHOP',
          id: '1042',
          date: '2026-03-02',
          deliveryState: 'delivery',
          note: 'WooCommerce order 1042',
          rows: [
            {
              itemId: 'PUB-TEE',
              quantity: '2',
              deliveredQuantity: '2',
              stockPointId: '0c1d7f0e-6f4a-4c39-9a57-0d2d5b2f8a11',
            },
          ],
        },
        output: {
          id: '1042',
          referenceType: 'WEBSHOP',
          date: '2026-03-02',
          deliveryState: 'delivery',
          note: 'WooCommerce order 1042',
          warehouseReady: false,
          voided: false,
          rows: [
            {
              rowId: 1,
              itemId: 'PUB-TEE',
              quantity: '2',
              deliveredQuantity: '2',
              reservedQuantity: '0',
              stockPointId: '0c1d7f0e-6f4a-4c39-9a57-0d2d5b2f8a11',
            },
          ],
        },
      },
    ],
    async run(ctx, input) {
      const { type, id, rows, ...document } = input;
      const body = {
        ...document,
        rows: rows.map((row, index) => {
          const wire: Record<string, unknown> = { ...row };
          for (const key of ROW_QUANTITIES) {
            const value = row[key];
            if (value !== undefined) wire[key] = quantityNumber(value, `rows[${index}].${key}`);
          }
          return wire;
        }),
      };
      const { body: saved } = await clientFor(ctx).request<Record<string, unknown>>(
        'PUT',
        customOutboundPath(type, id),
        { body, retryAmbiguous: true, ...(ctx.signal ? { signal: ctx.signal } : {}) },
      );
      return savedDocument(saved);
    },
  });
}

/** The stored document with its quantities as decimal strings. */
function savedDocument(saved: Record<string, unknown> | undefined): CustomOutboundDocument {
  const document = { ...saved };
  const rows = Array.isArray(document.rows) ? (document.rows as Record<string, unknown>[]) : [];
  document.rows = rows.map((row) => {
    const out: Record<string, unknown> = { ...row };
    for (const key of ROW_QUANTITIES) {
      if (key in row) out[key] = row[key] === null ? null : quantityOf(row[key]);
    }
    return out;
  });
  return document;
}
