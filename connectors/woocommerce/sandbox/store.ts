import { Decimal } from 'decimal.js';
import { stamps, type StoreClock } from './clock.ts';
import { errors, ORDER_WRITE_STATUSES, type WcError } from './errors.ts';
import type { Doc, SandboxState } from './state.ts';

/** Thrown inside the store's logic; the server answers it as WooCommerce would. */
export class WcFailure extends Error {
  constructor(readonly error: WcError) {
    super(error.body.message);
  }
}

const num = (value: unknown): number => (typeof value === 'number' ? value : Number(value ?? 0));

// ---------------------------------------------------------------------------------------------
// Stock (wc-stock-functions.php): reduced on the way to processing / completed / on-hold, restored
// on the way to cancelled / pending; refunded and failed leave it alone.

const REDUCES = new Set(['processing', 'completed', 'on-hold']);
const RESTORES = new Set(['cancelled', 'pending']);

function stockTarget(state: SandboxState, item: Record<string, unknown>): Doc | undefined {
  const variationId = num(item.variation_id);
  const doc = variationId ? state.variations.get(variationId) : state.products.get(num(item.product_id));
  if (!doc) return undefined;
  if (doc.manage_stock === 'parent') return state.products.get(num(doc.parent_id));
  return doc.manage_stock === true ? doc : undefined;
}

function setStock(state: SandboxState, doc: Doc, quantity: number, clock: StoreClock): void {
  doc.stock_quantity = quantity;
  doc.stock_status =
    quantity > 0 ? 'instock' : doc.backorders && doc.backorders !== 'no' ? 'onbackorder' : 'outofstock';
  touch(doc, clock);
  if (doc.parent_id && state.variations.has(doc.id)) refreshParentStockStatus(state, num(doc.parent_id));
}

function refreshParentStockStatus(state: SandboxState, parentId: number): void {
  const parent = state.products.get(parentId);
  if (!parent) return;
  const children = [...state.variations.values()].filter((v) => num(v.parent_id) === parentId);
  parent.stock_status = children.some((v) => v.stock_status === 'instock') ? 'instock' : 'outofstock';
}

function adjustStock(
  state: SandboxState,
  order: Doc,
  direction: -1 | 1,
  clock: StoreClock,
  touched: Set<Doc>,
) {
  for (const item of (order.line_items as Record<string, unknown>[] | undefined) ?? []) {
    const target = stockTarget(state, item);
    if (!target) continue;
    setStock(state, target, num(target.stock_quantity) + direction * num(item.quantity), clock);
    touched.add(target);
    const meta = (item.meta_data as Record<string, unknown>[] | undefined) ?? [];
    const rest = meta.filter((m) => m.key !== '_reduced_stock');
    item.meta_data =
      direction < 0
        ? [
            ...rest,
            {
              id: state.nextId(),
              key: '_reduced_stock',
              value: String(item.quantity),
              display_key: '_reduced_stock',
              display_value: String(item.quantity),
            },
          ]
        : rest;
  }
}

export function touch(doc: Doc, clock: StoreClock): void {
  const { gmt, local } = stamps(clock);
  doc.date_modified = local;
  doc.date_modified_gmt = gmt;
}

/**
 * `PUT /orders/<id> {"status"}`: the transition and its side effects (stock, paid and completed
 * dates). Returns the products whose stock changed, for `product.updated` webhooks.
 */
export function setOrderStatus(state: SandboxState, order: Doc, status: string, clock: StoreClock): Set<Doc> {
  if (!(ORDER_WRITE_STATUSES as readonly string[]).includes(status))
    throw new WcFailure(errors.invalidStatus());
  const touched = new Set<Doc>();
  const from = String(order.status);
  if (from === status) return touched;
  const { gmt, local } = stamps(clock);
  order.status = status;
  if (REDUCES.has(status) && !state.stockReduced.has(order.id)) {
    adjustStock(state, order, -1, clock, touched);
    state.stockReduced.add(order.id);
  }
  if (RESTORES.has(status) && state.stockReduced.has(order.id)) {
    adjustStock(state, order, 1, clock, touched);
    state.stockReduced.delete(order.id);
  }
  if ((status === 'processing' || status === 'completed') && !order.date_paid_gmt) {
    order.date_paid = local;
    order.date_paid_gmt = gmt;
  }
  if (status === 'completed') {
    order.date_completed = local;
    order.date_completed_gmt = gmt;
  }
  if (status === 'refunded') refundRemainder(state, order, clock);
  touch(order, clock);
  return touched;
}

/**
 * `wc_order_fully_refunded`: an order set to `refunded` gets a refund of whatever is left, with no
 * rows, no gateway call and no restock, and an order note saying the money was not sent back.
 */
function refundRemainder(state: SandboxState, order: Doc, clock: StoreClock): void {
  const refunds = state.refunds.get(order.id) ?? [];
  const refunded = refunds.reduce((sum, r) => sum.plus(String(r.amount ?? '0')), new Decimal(0));
  const remaining = new Decimal(String(order.total ?? '0')).minus(refunded);
  if (remaining.lessThanOrEqualTo(0)) return;
  const { gmt, local } = stamps(clock);
  const reason = 'Order fully refunded.';
  const amount = remaining.toFixed(2);
  const refund: Doc = {
    id: state.nextId(),
    date_created: local,
    date_created_gmt: gmt,
    amount,
    reason,
    refunded_by: 1,
    refunded_payment: false,
    meta_data: [],
    line_items: [],
    shipping_lines: [],
    tax_lines: [],
    fee_lines: [],
  };
  state.refunds.set(order.id, [...refunds, refund]);
  order.refunds = [
    ...((order.refunds as unknown[] | undefined) ?? []),
    { id: refund.id, reason, total: `-${amount}` },
  ];
  state.notes.set(order.id, [
    ...(state.notes.get(order.id) ?? []),
    {
      id: state.nextId(),
      note: 'Order status set to refunded. To return funds to the customer you will need to issue a refund through your payment gateway.',
      customer_note: false,
      author: 'system',
      date_created_gmt: gmt,
    },
  ]);
}

// ---------------------------------------------------------------------------------------------
// Products and variations.

/** Tax classes the store knows, as product slugs (`standard` is `''`). */
export function knownTaxClass(state: SandboxState, slug: unknown): string {
  const value = typeof slug === 'string' ? slug : '';
  if (value === '' || value === 'standard') return '';
  // WooCommerce stores an unknown class as the standard one, silently (WC_Product::set_tax_class).
  return state.taxClasses.some((c) => c.slug === value) ? value : '';
}

function uniqueSuggestion(state: SandboxState, sku: string): string {
  for (let n = 1; ; n++) if (!state.skuOwner(`${sku}-${n}`)) return `${sku}-${n}`;
}

/**
 * Applies the writable product fields the connector uses, with WooCommerce's rules: SKU unique
 * across products and variations, unknown tax class stored as standard, stock quantity kept only
 * while stock is managed, `price` following the regular and sale prices.
 */
export function applyProductUpdate(
  state: SandboxState,
  doc: Doc,
  body: Record<string, unknown>,
  clock: StoreClock,
) {
  if (typeof body.sku === 'string' && body.sku !== doc.sku) {
    const owner = state.skuOwner(body.sku, doc.id);
    if (owner) throw new WcFailure(errors.duplicateSku(owner.id, uniqueSuggestion(state, body.sku)));
    doc.sku = body.sku;
  }
  for (const field of [
    'name',
    'status',
    'description',
    'short_description',
    'weight',
    'backorders',
  ] as const) {
    if (typeof body[field] === 'string') doc[field] = body[field];
  }
  if (body.dimensions && typeof body.dimensions === 'object')
    doc.dimensions = { ...(doc.dimensions as object), ...body.dimensions };
  if ('tax_class' in body) doc.tax_class = knownTaxClass(state, body.tax_class);
  if (typeof body.tax_status === 'string') doc.tax_status = body.tax_status;
  const isVariable = doc.type === 'variable';
  for (const field of ['regular_price', 'sale_price'] as const) {
    if (typeof body[field] === 'string' && !isVariable) doc[field] = body[field];
  }
  if (!isVariable && ('regular_price' in body || 'sale_price' in body)) {
    doc.price = doc.sale_price ? doc.sale_price : doc.regular_price;
    doc.on_sale = Boolean(doc.sale_price);
  }
  if ('manage_stock' in body)
    doc.manage_stock = body.manage_stock === 'parent' ? 'parent' : Boolean(body.manage_stock);
  if ('stock_quantity' in body || 'manage_stock' in body) {
    if (doc.manage_stock === true) {
      if (body.stock_quantity !== undefined && body.stock_quantity !== null)
        setStock(state, doc, num(body.stock_quantity), clock);
    } else if (doc.manage_stock === false) {
      doc.stock_quantity = null;
    }
  }
  if (Array.isArray(body.meta_data)) {
    const meta = [...((doc.meta_data as Record<string, unknown>[] | undefined) ?? [])];
    for (const entry of body.meta_data as Record<string, unknown>[]) {
      const existing = meta.find((m) => m.key === entry.key);
      if (existing) existing.value = entry.value;
      else meta.push({ id: state.nextId(), key: entry.key, value: entry.value });
    }
    doc.meta_data = meta;
  }
  touch(doc, clock);
}

export function newProduct(
  state: SandboxState,
  body: Record<string, unknown>,
  clock: StoreClock,
  parentId?: number,
): Doc {
  const { gmt, local } = stamps(clock);
  const id = state.nextId();
  const doc: Doc = {
    id,
    name: '',
    type: parentId ? 'variation' : 'simple',
    status: 'publish',
    sku: '',
    price: '',
    regular_price: '',
    sale_price: '',
    on_sale: false,
    tax_status: 'taxable',
    tax_class: '',
    manage_stock: false,
    stock_quantity: null,
    stock_status: 'instock',
    backorders: 'no',
    weight: '',
    dimensions: { length: '', width: '', height: '' },
    attributes: [],
    meta_data: [],
    parent_id: parentId ?? 0,
    date_created: local,
    date_created_gmt: gmt,
    date_modified: local,
    date_modified_gmt: gmt,
    ...(parentId ? {} : { variations: [] }),
  };
  if (typeof body.type === 'string' && !parentId) doc.type = body.type;
  applyProductUpdate(state, doc, body, clock);
  return doc;
}
