import { randomUUID } from 'node:crypto';
import { Decimal } from 'decimal.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxConfig } from './config.ts';
import { FortnoxHttpError } from './errors.ts';
import type { FortnoxRecord, TenantData } from './state.ts';
import {
  balanceOf,
  defaultStockPoint,
  warehouseOf,
  type WarehouseData,
  type WarehouseSeed,
} from './warehouse-state.ts';
import {
  adoptDocuments,
  checkDeliveries,
  deliverCustomRows,
  mirrorArticle,
  syncStock,
} from './warehouse-stock.ts';

/**
 * Fortnox Lager in the sandbox (fortnox-api.md §5.8, §6.1): the activation check, stock points,
 * balances per article and stock point, custom outbound documents, and what documents do to stock
 * with and without Lager (warehouse-stock.ts). Per tenant, beside its registers (warehouse-state.ts).
 */

export type { WarehouseSeed } from './warehouse-state.ts';

/**
 * Seeds Lager for a tenant. When Lager is on, every stock article without a balance gets its
 * `QuantityInStock` as opening stock at the first stock point, as Fortnox does at activation. Seeded
 * documents do not move stock: the seeded levels already hold their effect.
 */
export function seedWarehouse(
  tenant: TenantData,
  seed: WarehouseSeed | undefined,
  config: SandboxConfig,
): void {
  const data = warehouseOf(tenant);
  if (seed?.activated !== undefined) data.activated = seed.activated;
  if (seed?.allowNegativeStock !== undefined) data.allowNegativeStock = seed.allowNegativeStock;
  for (const point of seed?.stockPoints ?? []) {
    data.stockPoints.set(point.code, {
      id: point.id ?? randomUUID(),
      code: point.code,
      name: point.name,
      active: point.active ?? true,
      usingCompanyAddress: true,
    });
  }
  for (const row of seed?.balances ?? []) {
    const balance = balanceOf(data, row.itemId, row.stockPointCode);
    balance.inStock = new Decimal(row.inStock);
    balance.reserved = new Decimal(row.reserved ?? 0);
  }
  if (data.activated) {
    const opening = defaultStockPoint(data);
    for (const [itemId, stored] of tenant.records.articles) {
      if (data.balances.has(itemId) || stored.data.StockGoods !== true) continue;
      balanceOf(data, itemId, opening).inStock = new Decimal(Number(stored.data.QuantityInStock ?? 0));
    }
    for (const itemId of data.balances.keys()) mirrorArticle(tenant, itemId, config);
  }
  adoptDocuments(tenant);
}

type TenantOf = (request: FastifyRequest) => TenantData | undefined;

const REFUSED_TYPES = new Set(['ORDER', 'INVOICE', 'KUNDORDER', 'FAKTURA', 'OFFER', 'PURCHASEORDER']);

function webException(status: number, error: string, message: string): FortnoxHttpError {
  return new FortnoxHttpError(status, { error, id: randomUUID(), message });
}

function requireLager(data: WarehouseData): void {
  // UNCONFIRMED what Fortnox answers without Lager; a 400 with the warehouse error shape here
  if (!data.activated)
    throw webException(400, 'warehouse_not_activated', 'Fortnox Lager is not activated for this company');
}

/** `a,b` and repeated `x=a&x=b` alike (the OpenAPI document declares exploded arrays). */
function listParam(value: unknown): string[] {
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.flatMap((each) => String(each).split(',')).filter((each) => each !== '');
}

/**
 * Routes of the warehouse API, and a hook that keeps stock in step with documents before every
 * authenticated request (so what a request reads reflects every document saved before it).
 */
export function registerWarehouseRoutes(
  app: FastifyInstance,
  tenantOf: TenantOf,
  config: SandboxConfig,
): void {
  const lager = (request: FastifyRequest): { tenant: TenantData; data: WarehouseData } => {
    const tenant = tenantOf(request);
    if (!tenant) throw new FortnoxHttpError(401, { message: 'unauthorized' });
    return { tenant, data: warehouseOf(tenant) };
  };

  app.addHook('preHandler', async (request) => {
    const tenant = request.fortnoxTenant === undefined ? undefined : tenantOf(request);
    if (!tenant) return;
    syncStock(tenant, config);
    checkDeliveries(tenant, request.method, request.url, request.body);
  });

  app.get('/api/warehouse/tenants-v4', async (request) => {
    const { data } = lager(request);
    return { tenantId: Number(request.fortnoxTenant), activated: data.activated };
  });

  app.get<{ Querystring: { q?: string; state?: string } }>(
    '/api/warehouse/stockpoints-v1',
    async (request) => {
      const { data } = lager(request);
      requireLager(data);
      const state = request.query.state ?? 'ACTIVE';
      const q = (request.query.q ?? '').toLowerCase();
      return [...data.stockPoints.values()].filter(
        (point) =>
          (state === 'ALL' || (state === 'ACTIVE') === point.active) &&
          (q === '' || point.code.toLowerCase().includes(q) || point.name.toLowerCase().includes(q)),
      );
    },
  );

  app.get<{ Params: { id: string } }>('/api/warehouse/stockpoints-v1/:id', async (request) => {
    const { data } = lager(request);
    requireLager(data);
    const point =
      data.stockPoints.get(request.params.id) ??
      [...data.stockPoints.values()].find((each) => each.id === request.params.id);
    if (!point) throw webException(404, 'notfound', `Stock point ${request.params.id} not found`);
    return point;
  });

  app.post('/api/warehouse/stockpoints-v1', async (request, reply) => {
    const { data } = lager(request);
    requireLager(data);
    const body = (request.body ?? {}) as Record<string, unknown>;
    const code = typeof body.code === 'string' ? body.code : '';
    const name = typeof body.name === 'string' ? body.name : '';
    if (code.length < 1 || code.length > 10 || name.length < 1 || name.length > 25)
      throw webException(400, 'invalid', 'code (1–10) and name (1–25) are required');
    if (data.stockPoints.has(code)) throw webException(400, 'alreadyexists', `Stock point ${code} exists`);
    const point = {
      id: randomUUID(),
      code,
      name,
      active: body.active !== false,
      usingCompanyAddress: body.usingCompanyAddress !== false,
    };
    data.stockPoints.set(code, point);
    return reply.status(201).send(point);
  });

  app.get<{ Querystring: { itemIds?: string | string[]; stockPointCodes?: string | string[] } }>(
    '/api/warehouse/status-v1/stockbalance',
    async (request) => {
      const { data } = lager(request);
      requireLager(data);
      const items = new Set(listParam(request.query.itemIds));
      const points = new Set(listParam(request.query.stockPointCodes));
      const rows: Record<string, unknown>[] = [];
      for (const [itemId, perPoint] of data.balances) {
        if (items.size > 0 && !items.has(itemId)) continue;
        for (const [code, balance] of perPoint) {
          if (points.size > 0 && !points.has(code)) continue;
          rows.push({
            itemId,
            stockPointCode: code === '' ? null : code,
            availableStock: balance.inStock.minus(balance.reserved).toNumber(),
            inStock: balance.inStock.toNumber(),
          });
        }
      }
      return rows;
    },
  );

  type DocumentParams = { Params: { type: string; id: string } };
  const documentKey = (params: { type: string; id: string }): string => {
    const type = params.type.toUpperCase();
    if (!/^[A-Z0-9_-]{1,25}$/.test(type))
      throw webException(400, 'invalidtype', `Invalid document type ${params.type}`);
    if (REFUSED_TYPES.has(type))
      throw webException(400, 'referenceTypeNotAllowed', `Document type ${type} is reserved by Fortnox`);
    if (!/^[0-9]{1,25}$/.test(params.id))
      throw webException(400, 'invalidid', `Invalid document id ${params.id}`);
    return `${type}/${params.id}`;
  };
  const OUTBOUND = '/api/warehouse/documentdeliveries/custom/outbound-v1/:type/:id';

  app.get<DocumentParams>(OUTBOUND, async (request) => {
    const { data } = lager(request);
    requireLager(data);
    const found = data.customOutbound.get(documentKey(request.params));
    if (!found) throw webException(404, 'notfound', 'Document not found');
    return found.document;
  });

  app.put<DocumentParams>(OUTBOUND, async (request) => {
    const { tenant, data } = lager(request);
    requireLager(data);
    const key = documentKey(request.params);
    const existing = data.customOutbound.get(key);
    if (existing?.released)
      throw webException(400, 'cannot_modify_released_document', 'The document is released');
    const document = customDocument(request.params, request.body, tenant, data);
    // a saved document replaces the earlier one: its stock effect is checked against stock without it
    if (existing) data.customOutbound.delete(key);
    syncStock(tenant, config);
    deliverCustomRows(tenant, document);
    data.customOutbound.set(key, { document, released: false });
    syncStock(tenant, config);
    return document;
  });

  for (const action of ['release', 'void'] as const) {
    app.put<DocumentParams>(`${OUTBOUND}/${action}`, async (request, reply) => {
      const { tenant, data } = lager(request);
      requireLager(data);
      const found = data.customOutbound.get(documentKey(request.params));
      if (!found) throw webException(404, 'notfound', 'Document not found');
      if (action === 'release') {
        if (found.document.voided === true)
          throw webException(400, 'document_is_voided', 'The document is voided');
        found.released = true;
        found.document = { ...found.document, warehouseReady: true };
      } else {
        found.document = { ...found.document, voided: true };
      }
      syncStock(tenant, config);
      return reply.status(204).send();
    });
  }
}

const DELIVERY_STATES = ['registration', 'reservation', 'delivery'];
const QUANTITIES = ['quantity', 'deliveredQuantity', 'reservedQuantity', 'forcedQuantity'];

function customDocument(
  params: { type: string; id: string },
  body: unknown,
  tenant: TenantData,
  data: WarehouseData,
): FortnoxRecord {
  const input = (typeof body === 'object' && body !== null ? body : {}) as FortnoxRecord;
  if (typeof input.date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(input.date))
    throw webException(400, 'invalid', 'date is required (YYYY-MM-DD)');
  if (!DELIVERY_STATES.includes(String(input.deliveryState)))
    throw webException(400, 'invalid', 'deliveryState must be registration, reservation or delivery');
  if (!Array.isArray(input.rows) || input.rows.length === 0)
    throw webException(400, 'invalid', 'rows are required');
  const rows = (input.rows as FortnoxRecord[]).map((row, index) => {
    const itemId = typeof row.itemId === 'string' ? row.itemId : '';
    if (!tenant.records.articles.has(itemId))
      throw webException(400, 'itemnotfound', `rows[${index}].itemId: no article ${itemId}`);
    const out: FortnoxRecord = { ...row, rowId: data.nextRowId++ };
    for (const key of QUANTITIES) {
      if (row[key] === undefined || row[key] === null) continue;
      const value = Number(row[key]);
      if (!Number.isFinite(value))
        throw webException(400, 'invalid', `rows[${index}].${key} must be a number`);
      out[key] = new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber();
    }
    if (typeof out.quantity !== 'number' || out.quantity < 0.01)
      throw webException(400, 'invalid', `rows[${index}].quantity is required (≥ 0.01)`);
    if (
      row.stockPointId !== undefined &&
      ![...data.stockPoints.values()].some((p) => p.id === row.stockPointId)
    )
      throw webException(400, 'invalid', `rows[${index}].stockPointId: no such stock point`);
    return out;
  });
  return {
    id: params.id,
    referenceType: params.type.toUpperCase(),
    date: input.date,
    deliveryState: input.deliveryState,
    forcedDelivery: input.forcedDelivery === true,
    note: typeof input.note === 'string' ? input.note : '',
    warehouseReady: input.warehouseReady === true,
    voided: input.voided === true,
    rows,
  };
}
