import type { ConnectorContext } from './context.ts';
import type { ConnectorError } from './errors.ts';

/**
 * Something that changed at the service, as the service pushed it (Fortnox's WebSocket API). Like a
 * webhook, an event only says *that* something changed: the runtime runs the pipelines subscribed to
 * `<connection>.<event>`, and their stream reads what changed from the cursor, so duplicated or
 * missed events change nothing but timing.
 */
export interface ServiceEvent {
  /** The connector's name for it (`order.updated`); pipelines subscribe to `<connection>.<event>`. */
  readonly event: string;
  /** Unique within the connection's feed (e.g. topic and offset), for logs and dedupe. */
  readonly id?: string;
  /** The service's id of what changed, e.g. an order's `DocumentNumber`. */
  readonly entityId?: string;
  /** When it happened at the service, ISO 8601 with offset. */
  readonly occurredAt?: string;
  /** The service's own name for it, e.g. `order-updated-v1`. */
  readonly type?: string;
}

/** Called once per event, one at a time; the event counts as handled when the promise resolves. */
export type ServiceEventListener = (event: ServiceEvent) => Promise<void>;

/**
 * Where an event feed keeps how far it has read (Fortnox: an opaque offset per topic), so a
 * reconnect or a restart resumes there. The runtime provides a persistent one shared by its
 * workers; keys are the connector's own (the runtime namespaces them by connector id).
 */
export interface OffsetStore {
  get(key: string): Promise<string | undefined>;
  /** Called after the listener has handled the event at `offset`. */
  save(key: string, offset: string): Promise<void>;
}

/** The default `OffsetStore`: one process, forgotten on restart. */
export class InMemoryOffsetStore implements OffsetStore {
  private readonly offsets = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.offsets.get(key);
  }

  async save(key: string, offset: string): Promise<void> {
    this.offsets.set(key, offset);
  }
}

export interface EventSubscribeOptions {
  /** Default: an `InMemoryOffsetStore` the connector keeps. */
  readonly offsets?: OffsetStore;
  /**
   * Told about trouble the feed works around by itself (a dropped connection it reconnects) and
   * about the end of the subscription when it gives up (an `AuthError`: a person must act).
   */
  readonly onError?: (error: ConnectorError) => void;
}

export interface EventSubscription {
  /** Stops the subscription; no listener call starts after the promise resolved. */
  close(): Promise<void>;
}

/** One event a feed can report. */
export interface EventDeclaration {
  readonly description: string;
  /**
   * Streams of this connector whose records the event may have changed: a hint for the runtime,
   * which may also run pipelines reading these streams when the event arrives.
   */
  readonly streams?: readonly string[];
}

/** How a connector receives events the service pushes over a connection it keeps open. */
export interface EventsDefinition {
  /** Every event the feed reports, by name (`order.updated`). */
  readonly events: Readonly<Record<string, EventDeclaration>>;
  /**
   * Starts receiving one connection's events. Resolves once the service has accepted the
   * connection (rejects with an `AuthError` when it refuses its credentials); then calls `listener`
   * for every event, in the service's order, and records the event's offset after the listener
   * resolved (at least once: after a crash an event may come again). Reconnects by itself and
   * resumes from the recorded offsets. `close()` or aborting `ctx.signal` stops it.
   */
  subscribe(
    ctx: ConnectorContext<object>,
    listener: ServiceEventListener,
    options?: EventSubscribeOptions,
  ): Promise<EventSubscription>;
}

export const EVENT_NAME_PATTERN = /^[a-z][a-zA-Z0-9_-]*(\.[a-z][a-zA-Z0-9_-]*)*$/;

/** What is wrong with an `events` declaration, one message each. */
export function eventsProblems(events: EventsDefinition | undefined): string[] {
  if (events === undefined) return [];
  const problems: string[] = [];
  if (typeof events.subscribe !== 'function') problems.push('events has no subscribe()');
  for (const [name, declaration] of Object.entries(events.events ?? {})) {
    if (!EVENT_NAME_PATTERN.test(name))
      problems.push(`event name "${name}" must match ${EVENT_NAME_PATTERN}`);
    if (!declaration?.description) problems.push(`event "${name}" has no description`);
  }
  return problems;
}
