/**
 * Fortnox's WebSocket API (`wss://ws.fortnox.se/topics-v1`): JSON text frames, commands one way,
 * command responses and events the other. From Fortnox's websockets guide and the SDKs that use it
 * (../shared/docs/fortnox-api.md §5.9); what no source settles is marked UNCONFIRMED.
 */
import type { EventDeclaration } from '../../../core/plugin-api/index.ts';
import { DEFAULT_API_URL, type FortnoxSettings } from '../client/index.ts';

export const FORTNOX_EVENTS_URL = 'wss://ws.fortnox.se/topics-v1';

/** The topics a WooCommerce ⇄ Fortnox integration listens to by default. */
export const DEFAULT_TOPICS = ['orders', 'invoices', 'articles', 'customers'] as const;

/** Every topic Fortnox documents (see the facts document); others are refused before sending. */
export const KNOWN_TOPICS: readonly string[] = [
  'orders',
  'invoices',
  'customers',
  'articles',
  'offers',
  'currencies',
  'termsofdeliveries',
  'waysofdeliveries',
  'termsofpayments',
  'cost-centers',
  'financial-years',
  'projects',
  'suppliers',
  'supplier-invoices',
  'vouchers',
  'messages',
  'bureau-activities',
  'bureau-assignments',
  'warehouse-stockbalances',
];

/**
 * Where the event feed of a connection is: Fortnox's own host for the real API, otherwise (a
 * sandbox, a proxy) `/topics-v1` on the API's host, `ws:` for `http:` and `wss:` for `https:`.
 */
export function eventsUrl(settings: Pick<FortnoxSettings, 'apiUrl'>): string {
  const api = (settings.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, '');
  if (api === DEFAULT_API_URL) return FORTNOX_EVENTS_URL;
  const url = new URL(api);
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/topics-v1`;
  return url.toString();
}

export type Command =
  | {
      readonly command: 'add-tenants-v1';
      readonly clientSecret: string;
      readonly accessTokens: readonly string[];
    }
  | { readonly command: 'remove-tenants-v1'; readonly tenants: readonly number[] }
  | {
      readonly command: 'add-topics-v1';
      readonly topics: readonly { readonly topic: string; readonly offset?: string }[];
    }
  | { readonly command: 'subscribe-v1' };

export type CommandName = Command['command'];

export interface CommandResponse {
  readonly kind: 'response';
  readonly response: string;
  readonly result: string;
  /** add-tenants-v1: access token (as sent) → Fortnox tenant id. The keys are secrets. */
  readonly tenantIds?: Readonly<Record<string, number | string>>;
  /** add-tenants-v1: the access tokens (as sent) Fortnox refused. Secrets. */
  readonly invalidTokens?: readonly string[];
  /** add-topics-v1: topics Fortnox refused (unknown, or an offset it cannot resume from). */
  readonly invalidTopics?: readonly string[];
}

export interface FortnoxEvent {
  readonly kind: 'event';
  readonly topic: string;
  /** Opaque, unique within the topic; events of a topic come in offset order. */
  readonly offset: string;
  /** Versioned, e.g. `order-updated-v1`. */
  readonly type: string;
  readonly tenantId: string;
  readonly entityId?: string;
  readonly timestamp?: string;
}

export type Frame = CommandResponse | FortnoxEvent | { readonly kind: 'unknown' };

const text = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** One frame from Fortnox; anything unreadable is `unknown` (never echoed: it may hold tokens). */
export function parseFrame(data: string): Frame {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return { kind: 'unknown' };
  }
  if (typeof value !== 'object' || value === null) return { kind: 'unknown' };
  const frame = value as Record<string, unknown>;
  if (typeof frame.response === 'string') {
    const strings = (list: unknown) => (Array.isArray(list) ? list.map(String) : undefined);
    const invalidTokens = strings(frame.invalidTokens);
    const invalidTopics = strings(frame.invalidTopics);
    const tenantIds =
      typeof frame.tenantIds === 'object' && frame.tenantIds !== null && !Array.isArray(frame.tenantIds)
        ? (frame.tenantIds as Record<string, number | string>)
        : undefined;
    return {
      kind: 'response',
      response: frame.response,
      result: typeof frame.result === 'string' ? frame.result : '',
      ...(tenantIds ? { tenantIds } : {}),
      ...(invalidTokens ? { invalidTokens } : {}),
      ...(invalidTopics ? { invalidTopics } : {}),
    };
  }
  const topic = text(frame.topic);
  const type = text(frame.type);
  const tenantId = text(frame.tenantId);
  const offset = text(frame.offset);
  if (topic && type && tenantId !== undefined && offset) {
    const entityId = text(frame.entityId);
    const timestamp = text(frame.timestamp);
    return {
      kind: 'event',
      topic,
      offset,
      type,
      tenantId,
      ...(entityId !== undefined ? { entityId } : {}),
      ...(timestamp !== undefined ? { timestamp } : {}),
    };
  }
  return { kind: 'unknown' };
}

/**
 * Koppla's name for a Fortnox event type: the version dropped and the last hyphen made a dot, so
 * `order-updated-v1` is `order.updated`, `customer-updated-v2` is `customer.updated` and
 * `invoicepayment-bookkeep-v1` is `invoicepayment.bookkeep`.
 */
export function eventName(type: string): string {
  const unversioned = type.replace(/-v\d+$/, '');
  const dash = unversioned.lastIndexOf('-');
  return dash < 0 ? unversioned : `${unversioned.slice(0, dash)}.${unversioned.slice(dash + 1)}`;
}

/**
 * The events of the default topics, with the connector's streams each may change. UNCONFIRMED:
 * whether invoicing an order sends `order-updated-v1` (the sandbox does).
 */
export const FORTNOX_EVENTS: Readonly<Record<string, EventDeclaration>> = {
  'order.created': { description: 'An order was created.', streams: ['orders'] },
  'order.updated': { description: 'An order changed (also when it was invoiced).', streams: ['orders'] },
  'order.cancelled': { description: 'An order was cancelled.', streams: ['orders'] },
  'invoice.created': { description: 'An invoice was created.' },
  'invoice.updated': { description: 'An invoice changed.' },
  'invoice.bookkeep': { description: 'An invoice was booked.' },
  'invoice.cancelled': { description: 'An invoice was cancelled.' },
  'invoicepayment.bookkeep': { description: 'A payment of an invoice was booked.' },
  'invoicepayment.deleted': { description: 'A payment of an invoice was deleted.' },
  'reminder.sent': { description: 'A payment reminder was sent.' },
  'article.created': { description: 'An article was created.', streams: ['articles', 'stock'] },
  'article.updated': {
    description: 'An article changed (price, stock without Fortnox Lager).',
    streams: ['articles', 'stock'],
  },
  'article.deleted': { description: 'An article was deleted.', streams: ['articles', 'stock'] },
  'customer.created': { description: 'A customer was created.' },
  'customer.updated': { description: 'A customer changed.' },
  'customer.deleted': { description: 'A customer was deleted.' },
};
