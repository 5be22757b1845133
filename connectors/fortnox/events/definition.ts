import {
  InMemoryOffsetStore,
  ValidationError,
  type EventsDefinition,
} from '../../../core/plugin-api/index.ts';
import { FortnoxAuth, type ClientDeps, type FortnoxSettings } from '../client/index.ts';
import { EventConnection, type ReconnectOptions } from './connection.ts';
import { DEFAULT_TOPICS, FORTNOX_EVENTS, KNOWN_TOPICS, eventsUrl } from './protocol.ts';

export interface FortnoxEventsOptions {
  /** Default: from the connection's `apiUrl` (`wss://ws.fortnox.se/topics-v1` for Fortnox itself). */
  readonly url?: string;
  /** Default: orders, invoices, articles, customers. */
  readonly topics?: readonly string[];
  readonly reconnect?: ReconnectOptions;
  readonly firstConnectAttempts?: number;
  readonly responseTimeoutMs?: number;
  readonly heartbeatMs?: number;
  /** `''` (default) or `'Bearer '` before each access token in `add-tenants-v1`. */
  readonly tokenPrefix?: string;
}

/**
 * The Fortnox connector's `events`: Fortnox's WebSocket API as event triggers. Connections with the
 * same client id share one socket (Fortnox wants one for all of an integration's tenants); the
 * access tokens come from the same token store as the REST client's, under the same key. The first
 * subscriber's `OffsetStore` keeps that socket's offsets (the runtime passes one store to all).
 */
export function fortnoxEvents(deps: ClientDeps, options: FortnoxEventsOptions = {}): EventsDefinition {
  const topics = options.topics ?? DEFAULT_TOPICS;
  const unknown = topics.filter((topic) => !KNOWN_TOPICS.includes(topic));
  if (unknown.length > 0) throw new TypeError(`fortnoxEvents: unknown topics ${unknown.join(', ')}`);
  const connections = new Map<string, EventConnection>();
  const fallbackOffsets = new InMemoryOffsetStore();

  return {
    events: FORTNOX_EVENTS,
    async subscribe(ctx, listener, subscribeOptions = {}) {
      const settings = ctx.settings as FortnoxSettings;
      if (!settings.clientId || !settings.clientSecret) {
        throw new ValidationError('Fortnox events: the connection has no clientId or clientSecret', {
          field: 'clientSecret',
        });
      }
      const url = options.url ?? eventsUrl(settings);
      const id = `${url} ${settings.clientId}`;
      let connection = connections.get(id);
      if (!connection || connection.closed) {
        connection = new EventConnection({
          url,
          clientId: settings.clientId,
          clientSecret: settings.clientSecret,
          topics,
          offsets: subscribeOptions.offsets ?? fallbackOffsets,
          ...(options.reconnect ? { reconnect: options.reconnect } : {}),
          ...(options.firstConnectAttempts ? { firstConnectAttempts: options.firstConnectAttempts } : {}),
          ...(options.responseTimeoutMs ? { responseTimeoutMs: options.responseTimeoutMs } : {}),
          ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
          ...(options.tokenPrefix !== undefined ? { tokenPrefix: options.tokenPrefix } : {}),
        });
        connections.set(id, connection);
      }
      const shared = connection;
      // The same key as FortnoxClient's, so the socket and the REST calls share one token pair
      // (a Fortnox refresh token is single use).
      const auth = new FortnoxAuth(settings, `fortnox:${settings.clientId}:${ctx.tenantId}`, {
        store: deps.tokenStore,
        fetch: deps.fetch,
        now: deps.now,
      });
      const onAbort = () => void shared.remove(ctx.tenantId);
      await shared.add({
        key: ctx.tenantId,
        accessToken: (signal) => auth.accessToken(signal),
        listener,
        ...(subscribeOptions.onError ? { onError: subscribeOptions.onError } : {}),
      });
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      if (ctx.signal.aborted) onAbort();
      return {
        async close() {
          ctx.signal.removeEventListener('abort', onAbort);
          await shared.remove(ctx.tenantId);
        },
      };
    },
  };
}
