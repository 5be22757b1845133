import type { PermissionKind } from './errors.ts';

/** A stored resource: WooCommerce's JSON, mutable inside the sandbox. */
export type Doc = Record<string, unknown> & { id: number };

export interface ApiKey {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly permissions: 'read' | 'write' | 'read_write';
}

export interface SandboxWebhook {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  resource: string;
  event: string;
  delivery_url: string;
  secret: string;
  failure_count: number;
  date_created_gmt: string;
  date_modified_gmt: string;
}

export type FaultKind = '500' | '503' | '429' | 'delay' | 'drop';

export interface Fault {
  readonly kind: FaultKind;
  /** For `delay`. */
  readonly delayMs?: number;
  /** Only requests whose API path starts with this (e.g. `/orders`). */
  readonly path?: string;
}

export interface CallRecord {
  readonly method: string;
  /** The API route pattern, e.g. `PUT /orders/:id`. */
  readonly route: string;
  readonly path: string;
  /** The query string without its `?` (empty when none): tells a SKU look-up from a read by ids. */
  readonly query?: string;
  readonly status: number;
  readonly auth: string;
}

export interface DeliveryRecord {
  readonly webhookId: number;
  readonly topic: string;
  readonly deliveryId: string;
  readonly url: string;
  readonly status: number | 'error';
  readonly ping: boolean;
}

export interface OrderNote {
  id: number;
  note: string;
  customer_note: boolean;
  author: string;
  date_created_gmt: string;
}

/** Everything the fake store holds. One instance per running sandbox: no global state. */
export class SandboxState {
  orders = new Map<number, Doc>();
  products = new Map<number, Doc>();
  variations = new Map<number, Doc>();
  refunds = new Map<number, Doc[]>();
  notes = new Map<number, OrderNote[]>();
  /** Orders whose stock has been reduced (WooCommerce's `_order_stock_reduced` flag). */
  stockReduced = new Set<number>();
  webhooks = new Map<number, SandboxWebhook>();
  deliveries: DeliveryRecord[] = [];
  taxes: Doc[] = [];
  taxClasses: Record<string, unknown>[] = [];
  settings = new Map<string, Record<string, unknown>[]>();
  calls: CallRecord[] = [];
  faults: Fault[] = [];
  nonces = new Map<string, number>();
  private nextIdValue = 1000;

  constructor(readonly keys: readonly ApiKey[]) {}

  nextId(): number {
    return ++this.nextIdValue;
  }

  /** Keeps generated ids above every seeded one. */
  seenId(id: number): void {
    if (id > this.nextIdValue) this.nextIdValue = id;
  }

  /** A product or a variation, which share one id space and one SKU space in WooCommerce. */
  anyProduct(id: number): Doc | undefined {
    return this.products.get(id) ?? this.variations.get(id);
  }

  skuOwner(sku: string, exceptId?: number): Doc | undefined {
    if (!sku) return undefined;
    for (const doc of [...this.products.values(), ...this.variations.values()]) {
      if (doc.sku === sku && doc.id !== exceptId && doc.status !== 'trash') return doc;
    }
    return undefined;
  }

  callCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const call of this.calls) counts[call.route] = (counts[call.route] ?? 0) + 1;
    return counts;
  }
}

export type { PermissionKind };
