/**
 * The sandbox's event log, Fortnox's Kafka topics in miniature: it compares the registers with what
 * it saw last (`sync()`, run after every request) and appends one event per change to the topic of
 * the register, each with an opaque offset. Nothing in the registers knows about it.
 */
import type { FortnoxRecord, SandboxState, StoredRecord } from './state.ts';
import { localParts } from './time.ts';

export interface SandboxEvent {
  readonly topic: string;
  readonly offset: string;
  readonly type: string;
  /** A number, as Fortnox sends it, when the sandbox tenant id is numeric. */
  readonly tenantId: number | string;
  readonly entityId: string;
  readonly timestamp: string;
}

/** The registers that have a topic, with the singular Fortnox uses in event types. */
const WATCHED: Readonly<Record<string, { readonly topic: string; readonly singular: string }>> = {
  orders: { topic: 'orders', singular: 'order' },
  invoices: { topic: 'invoices', singular: 'invoice' },
  invoicepayments: { topic: 'invoices', singular: 'invoicepayment' },
  articles: { topic: 'articles', singular: 'article' },
  customers: { topic: 'customers', singular: 'customer' },
};

/** Topics the sandbox accepts in `add-topics-v1` (Fortnox's list); only some ever carry events here. */
export const SANDBOX_TOPICS: readonly string[] = [
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

const isTrue = (value: unknown) => value === true || value === 'true';

/** The event type of a change, as Fortnox names them (versions from the facts document). */
function typeOf(singular: string, before: FortnoxRecord | undefined, after: FortnoxRecord | undefined) {
  if (!after)
    return ['article', 'customer', 'invoicepayment'].includes(singular)
      ? `${singular}-deleted-v1`
      : undefined;
  if (!before) {
    if (singular === 'invoicepayment') return isTrue(after.Booked) ? 'invoicepayment-bookkeep-v1' : undefined;
    return `${singular}-created-v1`;
  }
  if (
    (singular === 'order' || singular === 'invoice') &&
    isTrue(after.Cancelled) &&
    !isTrue(before.Cancelled)
  )
    return `${singular}-cancelled-v1`;
  if (singular === 'invoice' && isTrue(after.Booked) && !isTrue(before.Booked)) return 'invoice-bookkeep-v1';
  if (singular === 'invoicepayment')
    return isTrue(after.Booked) && !isTrue(before.Booked) ? 'invoicepayment-bookkeep-v1' : undefined;
  return singular === 'customer' ? 'customer-updated-v2' : `${singular}-updated-v1`;
}

/** `2017-12-28T14:59:16.500+01:00`: local time in the sandbox's zone with its offset, like Fortnox. */
function fortnoxTimestamp(ms: number, timeZone: string): string {
  const { dateTime } = localParts(ms, timeZone);
  const wall = Date.parse(`${dateTime.replace(' ', 'T')}Z`);
  const offsetMinutes = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${dateTime.replace(' ', 'T')}.${String(ms % 1000).padStart(3, '0')}${sign}${hh}:${mm}`;
}

/** Opaque to clients, like Fortnox's `"xDy7J"`; the sandbox reads back the topic and position. */
export function encodeOffset(topic: string, position: number): string {
  return Buffer.from(`${topic}:${position}`).toString('base64url');
}

export function decodeOffset(topic: string, offset: string): number | undefined {
  const text = Buffer.from(offset, 'base64url').toString('utf8');
  const match = /^(.+):(\d+)$/.exec(text);
  return match && match[1] === topic ? Number(match[2]) : undefined;
}

interface Seen {
  readonly data: FortnoxRecord;
  readonly modifiedAt: number;
}

export class EventFeed {
  private readonly logs = new Map<string, SandboxEvent[]>();
  private readonly seen = new Map<string, Seen>();
  private readonly listeners = new Set<(event: SandboxEvent, position: number) => void>();

  constructor(
    private readonly state: SandboxState,
    private readonly now: () => number,
    private readonly timeZone: string,
  ) {
    this.baseline();
  }

  /** Forgets every event and takes the registers as they are now as the starting point. */
  reset(): void {
    this.logs.clear();
    this.baseline();
  }

  /** Logs an event for every record created, changed or deleted since the last call. */
  sync(): void {
    const current = this.snapshot();
    for (const [key, now] of current) {
      const before = this.seen.get(key);
      if (before && before.data === now.data && before.modifiedAt === now.modifiedAt) continue;
      this.record(key, before?.data, now.data);
    }
    for (const [key, before] of this.seen) if (!current.has(key)) this.record(key, before.data, undefined);
    this.seen.clear();
    for (const [key, value] of current) this.seen.set(key, value);
  }

  /** Position after the last event of a topic (where a subscriber without an offset starts). */
  end(topic: string): number {
    return this.logs.get(topic)?.length ?? 0;
  }

  /** Events of a topic from a position on. */
  from(topic: string, position: number): readonly SandboxEvent[] {
    return (this.logs.get(topic) ?? []).slice(position);
  }

  /**
   * The position a client's offset stands for: the event at the offset itself when `inclusive`
   * (what Kafka does when a consumer seeks to it), else the one after. Undefined for an offset this
   * topic never gave out.
   */
  positionOf(topic: string, offset: string, inclusive: boolean): number | undefined {
    const position = decodeOffset(topic, offset);
    if (position === undefined || position < 1 || position > this.end(topic)) return undefined;
    return inclusive ? position - 1 : position;
  }

  all(): Readonly<Record<string, readonly SandboxEvent[]>> {
    return Object.fromEntries(this.logs);
  }

  onEvent(listener: (event: SandboxEvent, position: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(key: string, before: FortnoxRecord | undefined, after: FortnoxRecord | undefined): void {
    const [tenantId = '', resource = '', entityId = ''] = key.split('\u0000');
    const watched = WATCHED[resource];
    const type = watched && typeOf(watched.singular, before, after);
    if (!watched || !type) return;
    const log = this.logs.get(watched.topic) ?? [];
    this.logs.set(watched.topic, log);
    const event: SandboxEvent = {
      topic: watched.topic,
      offset: encodeOffset(watched.topic, log.length + 1),
      type,
      tenantId: /^\d+$/.test(tenantId) ? Number(tenantId) : tenantId,
      entityId,
      timestamp: fortnoxTimestamp(this.now(), this.timeZone),
    };
    log.push(event);
    for (const listener of this.listeners) listener(event, log.length - 1);
  }

  private baseline(): void {
    this.seen.clear();
    for (const [key, value] of this.snapshot()) this.seen.set(key, value);
  }

  private snapshot(): Map<string, Seen> {
    const result = new Map<string, Seen>();
    for (const [tenantId, data] of this.state.tenants) {
      for (const resource of Object.keys(WATCHED)) {
        const register = (data.records as Partial<Record<string, Map<string, StoredRecord>>>)[resource];
        for (const [id, stored] of register ?? []) {
          result.set(`${tenantId}\u0000${resource}\u0000${id}`, {
            data: stored.data,
            modifiedAt: stored.modifiedAt,
          });
        }
      }
    }
    return result;
  }
}
