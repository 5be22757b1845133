import { Decimal } from 'decimal.js';
import type { SandboxConfig } from './config.ts';
import type { FortnoxRecord, TenantData } from './state.ts';
import {
  balanceOf,
  defaultStockPoint,
  warehouseOf,
  type Balance,
  type WarehouseData,
} from './warehouse-state.ts';

/**
 * What documents do to stock (fortnox-api.md §6.1), for articles with `StockGoods: true`:
 *
 * | | without Lager | with Lager |
 * |---|---|---|
 * | order | reserves its `OrderedQuantity` until invoiced or cancelled | `delivery` (the default) takes `DeliveredQuantity` from stock at once; `reservation` reserves what is available; `registration` nothing |
 * | invoice | takes `DeliveredQuantity` from `QuantityInStock` (may go negative) | takes it from stock, unless made from a delivered order (not twice, UNCONFIRMED) |
 * | custom outbound document | — | as an order, until voided |
 *
 * With Lager a delivery larger than what is available becomes `DeliveredQuantity` 0 (the row total
 * too), silently, unless the company allows negative stock (`checkDeliveries`). The article's
 * `QuantityInStock`, `ReservedQuantity` and `DisposableQuantity` then mirror the sum of its balances.
 *
 * Effects are reconciled rather than applied per event: `syncStock` works out the net effect of every
 * document as it stands now and applies the difference to what it applied before, so a created,
 * updated, invoiced, cancelled or voided document needs no hook of its own.
 */
const ZERO = new Decimal(0);
const keyOf = (itemId: string, code: string) => `${itemId}\u0000${code}`;

function dec(value: unknown): Decimal {
  const number = Number(value ?? 0);
  return Number.isFinite(number) ? new Decimal(number) : ZERO;
}

const isInvoiced = (order: FortnoxRecord) =>
  order.InvoiceReference !== undefined &&
  order.InvoiceReference !== null &&
  order.InvoiceReference !== '' &&
  String(order.InvoiceReference) !== '0';

function stockArticle(tenant: TenantData, articleNumber: unknown): FortnoxRecord | undefined {
  if (typeof articleNumber !== 'string' || articleNumber === '') return undefined;
  const article = tenant.records.articles.get(articleNumber)?.data;
  return article?.StockGoods === true ? article : undefined;
}

/** The stock point of a document row: the row's, the document's, the article's default, the first. */
function pointOf(
  data: WarehouseData,
  row: FortnoxRecord,
  header: FortnoxRecord,
  article: FortnoxRecord,
): string {
  if (!data.activated) return '';
  for (const code of [row.StockPointCode, header.StockPointCode, article.DefaultStockPoint]) {
    if (typeof code === 'string' && code !== '') return code;
  }
  return defaultStockPoint(data);
}

function pointOfId(data: WarehouseData, id: unknown): string {
  const found = [...data.stockPoints.values()].find((point) => point.id === id);
  return found?.code ?? defaultStockPoint(data);
}

type Add = (itemId: string, code: string, inStock: Decimal, reserved: Decimal) => void;

function orderEffects(tenant: TenantData, data: WarehouseData, order: FortnoxRecord, add: Add): void {
  if (order.Cancelled === true) return;
  const invoiced = isInvoiced(order);
  const state = String(order.DeliveryState ?? 'delivery');
  for (const row of (order.OrderRows as FortnoxRecord[] | undefined) ?? []) {
    const article = stockArticle(tenant, row.ArticleNumber);
    if (!article) continue;
    const itemId = String(row.ArticleNumber);
    if (!data.activated) {
      if (!invoiced) add(itemId, '', ZERO, dec(row.OrderedQuantity));
      continue;
    }
    const code = pointOf(data, row, order, article);
    if (state === 'delivery') add(itemId, code, dec(row.DeliveredQuantity).negated(), ZERO);
    else if (state === 'reservation' && !invoiced) add(itemId, code, ZERO, dec(row.ReservedQuantity));
  }
}

function invoiceEffects(tenant: TenantData, data: WarehouseData, invoice: FortnoxRecord, add: Add): void {
  if (invoice.Cancelled === true) return;
  if (data.activated && invoice.OrderReference !== undefined && String(invoice.OrderReference) !== '0') {
    const order = tenant.records.orders.get(String(invoice.OrderReference))?.data;
    if (order && String(order.DeliveryState ?? 'delivery') === 'delivery') return;
  }
  for (const row of (invoice.InvoiceRows as FortnoxRecord[] | undefined) ?? []) {
    const article = stockArticle(tenant, row.ArticleNumber);
    if (!article) continue;
    add(
      String(row.ArticleNumber),
      pointOf(data, row, invoice, article),
      dec(row.DeliveredQuantity).negated(),
      ZERO,
    );
  }
}

function customEffects(data: WarehouseData, document: FortnoxRecord, add: Add): void {
  if (document.voided === true) return;
  for (const row of (document.rows as FortnoxRecord[] | undefined) ?? []) {
    const code = pointOfId(data, row.stockPointId);
    if (document.deliveryState === 'delivery')
      add(String(row.itemId), code, dec(row.deliveredQuantity).negated(), ZERO);
    else if (document.deliveryState === 'reservation')
      add(String(row.itemId), code, ZERO, dec(row.reservedQuantity));
  }
}

function effectsOfAll(tenant: TenantData, data: WarehouseData): Map<string, Balance> {
  const effects = new Map<string, Balance>();
  const add: Add = (itemId, code, inStock, reserved) => {
    if (inStock.isZero() && reserved.isZero()) return;
    const key = keyOf(itemId, code);
    const sum = effects.get(key) ?? { inStock: ZERO, reserved: ZERO };
    effects.set(key, { inStock: sum.inStock.plus(inStock), reserved: sum.reserved.plus(reserved) });
  };
  for (const stored of tenant.records.orders.values()) orderEffects(tenant, data, stored.data, add);
  for (const stored of tenant.records.invoices.values()) invoiceEffects(tenant, data, stored.data, add);
  if (data.activated)
    for (const { document } of data.customOutbound.values()) customEffects(data, document, add);
  return effects;
}

/**
 * Takes the documents as they stand as already applied, without moving stock: what a seed brings
 * (its documents, its stock levels) is history whose effect the seeded levels already hold.
 */
export function adoptDocuments(tenant: TenantData): void {
  const data = warehouseOf(tenant);
  data.applied = effectsOfAll(tenant, data);
}

/** Brings stock in step with the documents as they stand now (see above). */
export function syncStock(tenant: TenantData, config: SandboxConfig): void {
  const data = warehouseOf(tenant);
  const desired = effectsOfAll(tenant, data);
  const changed = new Set<string>();
  for (const key of new Set([...desired.keys(), ...data.applied.keys()])) {
    const want = desired.get(key) ?? { inStock: ZERO, reserved: ZERO };
    const had = data.applied.get(key) ?? { inStock: ZERO, reserved: ZERO };
    const inStock = want.inStock.minus(had.inStock);
    const reserved = want.reserved.minus(had.reserved);
    if (inStock.isZero() && reserved.isZero()) continue;
    const [itemId = '', code = ''] = key.split('\u0000');
    if (data.activated) {
      const balance = balanceOf(data, itemId, code);
      balance.inStock = balance.inStock.plus(inStock);
      balance.reserved = balance.reserved.plus(reserved);
    } else {
      const article = tenant.records.articles.get(itemId)?.data;
      if (article) {
        article.QuantityInStock = dec(article.QuantityInStock).plus(inStock).toNumber();
        article.ReservedQuantity = dec(article.ReservedQuantity).plus(reserved).toNumber();
      }
    }
    changed.add(itemId);
  }
  data.applied = desired;
  for (const itemId of changed) mirrorArticle(tenant, itemId, config);
}

/**
 * The article's stock fields after a change: with Lager the sums of its balances. Touches the
 * article's `lastmodified` unless `config.stockMovesTouchArticles` is false (UNCONFIRMED in Fortnox).
 */
export function mirrorArticle(tenant: TenantData, itemId: string, config: SandboxConfig): void {
  const stored = tenant.records.articles.get(itemId);
  if (!stored) return;
  const data = warehouseOf(tenant);
  const article = stored.data;
  if (data.activated) {
    let inStock = ZERO;
    let reserved = ZERO;
    for (const balance of data.balances.get(itemId)?.values() ?? []) {
      inStock = inStock.plus(balance.inStock);
      reserved = reserved.plus(balance.reserved);
    }
    article.QuantityInStock = inStock.toNumber();
    article.ReservedQuantity = reserved.toNumber();
  }
  article.DisposableQuantity = dec(article.QuantityInStock).minus(dec(article.ReservedQuantity)).toNumber();
  if (config.stockMovesTouchArticles) stored.modifiedAt = config.now();
}

const DOCUMENT_WRITE = /^\/3\/(orders|invoices)(?:\/([^/?]+))?\/?(?:\?.*)?$/;

/**
 * With Lager, before an order or invoice is saved: a delivery larger than what is available at its
 * stock point becomes `DeliveredQuantity` 0 unless the company allows negative stock, and an order in
 * `reservation` reserves only what is available (its rows' `ReservedQuantity`). Changes the body the
 * registers then store. Runs after `syncStock`.
 */
export function checkDeliveries(tenant: TenantData, method: string, url: string, body: unknown): void {
  const data = warehouseOf(tenant);
  if (!data.activated || (method !== 'POST' && method !== 'PUT')) return;
  const match = DOCUMENT_WRITE.exec(url);
  if (!match || (method === 'POST') !== (match[2] === undefined)) return;
  const kind = match[1] as 'orders' | 'invoices';
  const wrapper = kind === 'orders' ? 'Order' : 'Invoice';
  const header = (body as Record<string, unknown> | null)?.[wrapper];
  if (typeof header !== 'object' || header === null) return;
  const document = header as FortnoxRecord;
  const rows = document[kind === 'orders' ? 'OrderRows' : 'InvoiceRows'];
  if (!Array.isArray(rows)) return;
  const existing =
    match[2] === undefined ? undefined : tenant.records[kind].get(decodeURIComponent(match[2]))?.data;
  const merged = { ...existing, ...document };
  const state = kind === 'invoices' ? 'delivery' : String(merged.DeliveryState ?? 'delivery');

  // what is available now, with this document's own current effect given back (it is being replaced)
  const available = new Map<string, Decimal>();
  const own = new Map<string, Balance>();
  if (existing) {
    const add: Add = (itemId, code, inStock, reserved) => {
      const key = keyOf(itemId, code);
      const sum = own.get(key) ?? { inStock: ZERO, reserved: ZERO };
      own.set(key, { inStock: sum.inStock.plus(inStock), reserved: sum.reserved.plus(reserved) });
    };
    if (kind === 'orders') orderEffects(tenant, data, existing, add);
    else invoiceEffects(tenant, data, existing, add);
  }
  const availableAt = (itemId: string, code: string): Decimal => {
    const key = keyOf(itemId, code);
    let value = available.get(key);
    if (value === undefined) {
      const balance = data.balances.get(itemId)?.get(code) ?? { inStock: ZERO, reserved: ZERO };
      const mine = own.get(key) ?? { inStock: ZERO, reserved: ZERO };
      value = balance.inStock.minus(mine.inStock).minus(balance.reserved.minus(mine.reserved));
    }
    return value;
  };
  for (const row of rows as FortnoxRecord[]) {
    const article = stockArticle(tenant, row.ArticleNumber);
    if (!article) continue;
    const itemId = String(row.ArticleNumber);
    const code = pointOf(data, row, merged, article);
    const left = availableAt(itemId, code);
    if (state === 'delivery') {
      const wanted = dec(row.DeliveredQuantity);
      if (wanted.lte(0)) continue;
      if (wanted.gt(left) && !data.allowNegativeStock) row.DeliveredQuantity = 0;
      else available.set(keyOf(itemId, code), left.minus(wanted));
    } else if (state === 'reservation') {
      const reserve = Decimal.max(ZERO, Decimal.min(dec(row.OrderedQuantity), left));
      row.ReservedQuantity = reserve.toNumber();
      available.set(keyOf(itemId, code), left.minus(reserve));
    }
  }
}

/**
 * With Lager, a custom outbound document being saved: `delivery` takes `deliveredQuantity` (default
 * `quantity`), or 0 when stock is short — unless the document is `forcedDelivery`, the row has a
 * `forcedQuantity`, or negative stock is allowed (UNCONFIRMED that custom documents follow the order
 * rule); `reservation` reserves what is available.
 */
export function deliverCustomRows(tenant: TenantData, document: FortnoxRecord): void {
  const data = warehouseOf(tenant);
  const left = new Map<string, Decimal>();
  for (const row of document.rows as FortnoxRecord[]) {
    const itemId = String(row.itemId);
    const code = pointOfId(data, row.stockPointId);
    const key = keyOf(itemId, code);
    const balance = data.balances.get(itemId)?.get(code) ?? { inStock: ZERO, reserved: ZERO };
    const available = left.get(key) ?? balance.inStock.minus(balance.reserved);
    const forced =
      document.forcedDelivery === true || row.forcedQuantity !== undefined || data.allowNegativeStock;
    if (document.deliveryState === 'delivery') {
      const wanted = dec(row.deliveredQuantity ?? row.quantity);
      const delivered = wanted.gt(available) && !forced ? ZERO : wanted;
      row.deliveredQuantity = delivered.toNumber();
      row.reservedQuantity = 0;
      left.set(key, available.minus(delivered));
    } else if (document.deliveryState === 'reservation') {
      const reserve = Decimal.max(ZERO, Decimal.min(dec(row.reservedQuantity ?? row.quantity), available));
      row.reservedQuantity = reserve.toNumber();
      row.deliveredQuantity = 0;
      left.set(key, available.minus(reserve));
    } else {
      row.deliveredQuantity = 0;
      row.reservedQuantity = 0;
    }
  }
}
