import { Decimal } from 'decimal.js';
import { ValidationError, type ConnectorContext } from '../../../core/plugin-api/index.ts';
import { idSegment, toDecimalString, type FortnoxClient, type FortnoxSettings } from '../client/index.ts';

/**
 * Fortnox Lager (the warehouse API, `/api/warehouse/…`): bare camelCase JSON without wrappers,
 * errors as `{"error": "<code>", "id", "message"}` (fortnox-api.md §5.8, §3.1). Same host, token and
 * request budget as `/3/` (the budget being shared is UNCONFIRMED).
 */
export const WAREHOUSE = '/api/warehouse';

/** Is Fortnox Lager switched on for the tenant (`GET /api/warehouse/tenants-v4`). */
export interface WarehouseStatus {
  readonly activated: boolean;
  readonly tenantId?: number;
}

export interface StockPoint {
  readonly id?: string;
  readonly code: string;
  readonly name: string;
  readonly active?: boolean;
  readonly [field: string]: unknown;
}

/** One article at one stock point; quantities as decimal strings. reserved = inStock − availableStock. */
export interface StockBalance {
  readonly itemId: string;
  readonly stockPointCode: string | null;
  readonly availableStock: string;
  readonly inStock: string;
}

type Ctx = ConnectorContext<FortnoxSettings>;

const signalOf = (ctx: Ctx) => (ctx.signal ? { signal: ctx.signal } : {});

export async function warehouseStatus(client: FortnoxClient, ctx: Ctx): Promise<WarehouseStatus> {
  const { body } = await client.request<{ activated?: unknown; tenantId?: unknown }>(
    'GET',
    `${WAREHOUSE}/tenants-v4`,
    signalOf(ctx),
  );
  const tenantId = Number(body?.tenantId);
  return {
    activated: body?.activated === true,
    ...(Number.isInteger(tenantId) ? { tenantId } : {}),
  };
}

export async function listStockPoints(
  client: FortnoxClient,
  ctx: Ctx,
  query: { readonly q?: string; readonly state?: 'ACTIVE' | 'INACTIVE' | 'ALL' } = {},
): Promise<StockPoint[]> {
  const { body } = await client.request<unknown>('GET', `${WAREHOUSE}/stockpoints-v1`, {
    query: { q: query.q, state: query.state },
    ...signalOf(ctx),
  });
  return listOf(body) as StockPoint[];
}

/**
 * Balances per article and stock point (`GET /api/warehouse/status-v1/stockbalance`), optionally
 * only for some articles or stock points (comma-separated filters). The OpenAPI document models the
 * answer as one object, its text and the C# SDK as a list: both are read. No paging is documented.
 */
export async function listStockBalances(
  client: FortnoxClient,
  ctx: Ctx,
  filter: { readonly itemIds?: readonly string[]; readonly stockPointCodes?: readonly string[] } = {},
): Promise<StockBalance[]> {
  const { body } = await client.request<unknown>('GET', `${WAREHOUSE}/status-v1/stockbalance`, {
    query: {
      itemIds: filter.itemIds?.length ? filter.itemIds.join(',') : undefined,
      stockPointCodes: filter.stockPointCodes?.length ? filter.stockPointCodes.join(',') : undefined,
    },
    ...signalOf(ctx),
  });
  return listOf(body).map((row) => {
    const item = row as Record<string, unknown>;
    return {
      itemId: String(item.itemId ?? ''),
      stockPointCode:
        item.stockPointCode === undefined || item.stockPointCode === null
          ? null
          : String(item.stockPointCode),
      availableStock: quantityOf(item.availableStock),
      inStock: quantityOf(item.inStock),
    };
  });
}

export function customOutboundPath(type: string, id: string): string {
  return `${WAREHOUSE}/documentdeliveries/custom/outbound-v1/${idSegment(type)}/${idSegment(id)}`;
}

function listOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  return typeof body === 'object' && body !== null ? [body] : [];
}

/** A Fortnox quantity (number, numeric string or null) as a decimal string. */
export function quantityOf(value: unknown): string {
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())))
    return toDecimalString(value);
  return '0';
}

/**
 * A decimal string as the JSON number Fortnox reads. The warehouse schemas are not part of the
 * client's OpenAPI subset, so the number is written through a JavaScript number, checked to say
 * exactly the same (true for any quantity Fortnox keeps: it rounds them to 2 decimals).
 */
export function quantityNumber(value: string, field: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || !new Decimal(toDecimalString(number)).equals(new Decimal(value))) {
    throw new ValidationError(`${field}: ${value} is not a quantity Fortnox can take exactly`, { field });
  }
  return number;
}
