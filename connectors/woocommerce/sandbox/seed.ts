import type { StoreClock } from './clock.ts';
import type { Doc, SandboxState, SandboxWebhook } from './state.ts';
import { setOrderStatus, touch } from './store.ts';

/**
 * What `start({ seed })` and `POST /__admin/seed` accept: WooCommerce's own JSON (e.g. the recorded
 * responses in ../shared/woocommerce-reference), so seeding needs no translation.
 */
export interface WooSeed {
  readonly products?: readonly unknown[];
  readonly variations?: readonly unknown[];
  readonly orders?: readonly unknown[];
  readonly refunds?: readonly { readonly orderId: number; readonly refund: unknown }[];
  readonly taxes?: readonly unknown[];
  readonly taxClasses?: readonly unknown[];
  /** `GET /settings/general` as recorded: `[{ id, value, … }]`. */
  readonly settingsGeneral?: readonly unknown[];
  readonly webhooks?: readonly Partial<SandboxWebhook>[];
}

const clone = <T>(value: T): T => structuredClone(value);

function asDoc(value: unknown): Doc | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const doc = clone(value) as Record<string, unknown>;
  if (typeof doc.id !== 'number') return undefined;
  delete doc._links;
  return doc as Doc;
}

/** The store settings a Swedish shop like the reference store has, for groups the seed leaves out. */
export function defaultSettings(state: SandboxState): void {
  const option = (id: string, value: string) => ({ id, label: id, value, default: value, type: 'text' });
  if (!state.settings.has('general')) {
    state.settings.set('general', [
      option('woocommerce_default_country', 'SE'),
      option('woocommerce_currency', 'SEK'),
      option('woocommerce_calc_taxes', 'yes'),
      option('woocommerce_price_num_decimals', '2'),
    ]);
  }
  state.settings.set('tax', [
    option('woocommerce_prices_include_tax', 'yes'),
    option('woocommerce_tax_based_on', 'shipping'),
    option('woocommerce_tax_round_at_subtotal', 'no'),
  ]);
  state.settings.set('products', [
    option('woocommerce_weight_unit', 'kg'),
    option('woocommerce_dimension_unit', 'cm'),
    option('woocommerce_manage_stock', 'yes'),
    option('woocommerce_hold_stock_minutes', '60'),
  ]);
  if (state.taxClasses.length === 0) {
    state.taxClasses = [
      { slug: 'standard', name: 'Standard rate' },
      { slug: 'reduced-rate', name: 'Reduced rate' },
      { slug: 'zero-rate', name: 'Zero rate' },
    ];
  }
}

export function applySeed(state: SandboxState, seed: WooSeed, clock: StoreClock): void {
  for (const value of seed.products ?? []) {
    const doc = asDoc(value);
    if (!doc) continue;
    state.products.set(doc.id, doc);
    state.seenId(doc.id);
  }
  for (const value of seed.variations ?? []) {
    const doc = asDoc(value);
    if (!doc) continue;
    doc.type = 'variation';
    state.variations.set(doc.id, doc);
    state.seenId(doc.id);
    const parent = state.products.get(Number(doc.parent_id));
    if (parent) {
      const ids = new Set((parent.variations as number[] | undefined) ?? []);
      ids.add(doc.id);
      parent.variations = [...ids];
    }
  }
  for (const value of seed.orders ?? []) {
    const doc = asDoc(value);
    if (!doc) continue;
    state.orders.set(doc.id, doc);
    state.seenId(doc.id);
    for (const list of ['line_items', 'shipping_lines', 'fee_lines', 'coupon_lines', 'tax_lines'] as const) {
      for (const item of (doc[list] as { id?: number }[] | undefined) ?? [])
        state.seenId(Number(item.id ?? 0));
    }
    const reduced = ((doc.line_items as { meta_data?: { key: string }[] }[] | undefined) ?? []).some((item) =>
      (item.meta_data ?? []).some((m) => m.key === '_reduced_stock'),
    );
    if (reduced) state.stockReduced.add(doc.id);
  }
  for (const { orderId, refund } of seed.refunds ?? []) {
    const doc = asDoc(refund);
    if (!doc) continue;
    state.refunds.set(orderId, [...(state.refunds.get(orderId) ?? []).filter((r) => r.id !== doc.id), doc]);
    state.seenId(doc.id);
  }
  if (seed.taxes) state.taxes = seed.taxes.map(asDoc).filter((d): d is Doc => d !== undefined);
  if (seed.taxClasses) {
    state.taxClasses = seed.taxClasses.map((c) => {
      const copy = clone(c) as Record<string, unknown>;
      delete copy._links;
      return copy;
    });
  }
  if (seed.settingsGeneral)
    state.settings.set('general', clone(seed.settingsGeneral) as Record<string, unknown>[]);
  for (const webhook of seed.webhooks ?? []) {
    const id = webhook.id ?? state.nextId();
    const [resource = '', event = ''] = (webhook.topic ?? 'order.updated').split('.');
    const now = new Date(clock.now()).toISOString().slice(0, 19);
    state.webhooks.set(id, {
      id,
      name: webhook.name ?? `Webhook ${id}`,
      status: webhook.status ?? 'active',
      topic: webhook.topic ?? 'order.updated',
      resource,
      event,
      delivery_url: webhook.delivery_url ?? '',
      secret: webhook.secret ?? '',
      failure_count: 0,
      date_created_gmt: now,
      date_modified_gmt: now,
    });
    state.seenId(id);
  }
  defaultSettings(state);
}

/**
 * Orders placed now, as a checkout would place them: each arrives `pending` and moves to its own
 * status (default `processing`) with WooCommerce's side effects (stock reduced, paid date), and is
 * then due an `order.created` webhook. Returns the orders and the products whose stock changed.
 */
export function applyCheckouts(
  state: SandboxState,
  orders: readonly unknown[],
  clock: StoreClock,
): { orders: Doc[]; touched: Set<Doc> } {
  const placed: Doc[] = [];
  const touched = new Set<Doc>();
  for (const value of orders) {
    const doc = asDoc(value);
    if (!doc) continue;
    const target = typeof doc.status === 'string' && doc.status !== '' ? doc.status : 'processing';
    doc.status = 'pending';
    // The stock is reduced here, by this checkout, whatever the JSON says happened before.
    for (const item of (doc.line_items as { meta_data?: { key: string }[] }[] | undefined) ?? []) {
      item.meta_data = (item.meta_data ?? []).filter((m) => m.key !== '_reduced_stock');
    }
    state.orders.set(doc.id, doc);
    state.seenId(doc.id);
    for (const list of ['line_items', 'shipping_lines', 'fee_lines', 'coupon_lines', 'tax_lines'] as const) {
      for (const item of (doc[list] as { id?: number }[] | undefined) ?? [])
        state.seenId(Number(item.id ?? 0));
    }
    for (const product of setOrderStatus(state, doc, target, clock)) touched.add(product);
    touch(doc, clock);
    placed.push(doc);
  }
  return { orders: placed, touched };
}
