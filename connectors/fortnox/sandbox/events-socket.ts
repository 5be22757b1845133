/**
 * Fortnox's WebSocket API on the sandbox (`ws://<sandbox>/topics-v1`): `add-tenants-v1` checks the
 * client secret and the sandbox's own access tokens, `add-topics-v1` takes an offset per topic,
 * `subscribe-v1` replays what the topics hold from there and then streams what the registers do.
 * Where Fortnox's documentation is silent the behaviour is an option (see `EventsSocketOptions`).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { EventFeed, SANDBOX_TOPICS, type SandboxEvent } from './events-feed.ts';
import type { SandboxState } from './state.ts';

export interface EventsSocketOptions {
  readonly now: () => number;
  readonly timeZone: string;
  /** Path of the endpoint; default `/topics-v1`. */
  readonly path?: string;
  /**
   * Whether a subscriber resuming at an offset gets the event at that offset again (Kafka's seek)
   * or starts after it. UNCONFIRMED for Fortnox; default true (at-least-once: clients skip it).
   */
  readonly offsetInclusive?: boolean;
}

export interface EventsEndpoint {
  readonly feed: EventFeed;
  /** Drops every socket, as a network failure would. */
  disconnectAll(): number;
  close(): Promise<void>;
}

interface Session {
  /** Fortnox tenant id (as the event carries it) → the token it was added with. */
  readonly tenants: Map<string, string>;
  /** Topic → the position its stream continues from. */
  readonly positions: Map<string, number>;
  subscribed: boolean;
}

const tenantKey = (tenantId: number | string) => String(tenantId);

/**
 * Mounts the endpoint on the sandbox's HTTP server and the feed on its request cycle: the feed
 * syncs after every request (so an API call's changes become events) and starts afresh on
 * `/__admin/reset`. Admin: `GET /__admin/events`, `POST /__admin/events/disconnect`.
 */
export function attachEventsEndpoint(
  app: FastifyInstance,
  state: SandboxState,
  options: EventsSocketOptions,
): EventsEndpoint {
  const feed = new EventFeed(state, options.now, options.timeZone);
  const path = options.path ?? '/topics-v1';
  const inclusive = options.offsetInclusive ?? true;
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();

  app.addHook('onResponse', async (request) => {
    if (request.url.startsWith('/__admin/reset')) feed.reset();
    else feed.sync();
  });
  app.get('/__admin/events', async () => ({ topics: feed.all(), connections: sockets.size }));
  app.post('/__admin/events/disconnect', async () => ({ disconnected: disconnectAll() }));

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? '/', 'http://sandbox').pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => serve(ws));
  };
  app.server.on('upgrade', onUpgrade);

  function serve(ws: WebSocket): void {
    sockets.add(ws);
    const session: Session = { tenants: new Map(), positions: new Map(), subscribed: false };
    const send = (value: unknown) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(value));
    };
    const deliver = (event: SandboxEvent, position: number) => {
      const next = session.positions.get(event.topic);
      if (!session.subscribed || next === undefined || position < next) return;
      session.positions.set(event.topic, position + 1);
      if (session.tenants.has(tenantKey(event.tenantId))) send(event);
    };
    const replay = (topic: string) => {
      const start = session.positions.get(topic) ?? feed.end(topic);
      feed.from(topic, start).forEach((event, i) => deliver(event, start + i));
    };
    const unsubscribe = feed.onEvent(deliver);
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('message', (data) => {
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(data.toString()) as Record<string, unknown>;
      } catch {
        send({ response: 'unknown', result: 'error', message: 'Invalid JSON' });
        return;
      }
      const command = typeof message.command === 'string' ? message.command : 'unknown';
      switch (command) {
        case 'add-tenants-v1':
          return send(addTenants(session, message));
        case 'remove-tenants-v1': {
          const tenants = Array.isArray(message.tenants) ? message.tenants : [];
          for (const id of tenants) session.tenants.delete(tenantKey(id as number));
          return send({ response: command, result: 'ok' });
        }
        case 'list-tenants-v1':
          return send({
            response: command,
            result: 'ok',
            tenantIds: [...session.tenants.keys()].map(Number),
          });
        case 'add-topics-v1': {
          const { added, ...answer } = addTopics(session, message);
          send(answer);
          if (session.subscribed) for (const topic of added) replay(topic);
          return;
        }
        case 'subscribe-v1':
          session.subscribed = true;
          send({ response: command, result: 'ok' });
          for (const topic of session.positions.keys()) replay(topic);
          return;
        default:
          return send({ response: command, result: 'error', message: 'Unknown command' });
      }
    });
  }

  function addTenants(session: Session, message: Record<string, unknown>) {
    const secretOk =
      typeof message.clientSecret === 'string' &&
      [...state.clients.values()].includes(message.clientSecret) &&
      message.clientSecret !== '';
    const clientId = [...state.clients.entries()].find(([, secret]) => secret === message.clientSecret)?.[0];
    const tokens = Array.isArray(message.accessTokens) ? message.accessTokens.map(String) : [];
    const tenantIds: Record<string, number | string> = {};
    const invalidTokens: string[] = [];
    const now = options.now();
    for (const sent of tokens) {
      // UNCONFIRMED whether Fortnox wants "Bearer <jwt>" or the bare token: both are accepted.
      const grant = state.accessTokens.get(sent.replace(/^Bearer\s+/i, ''));
      if (!secretOk || !grant || grant.expiresAt <= now || grant.clientId !== clientId) {
        invalidTokens.push(sent);
        continue;
      }
      const id = /^\d+$/.test(grant.tenantId) ? Number(grant.tenantId) : grant.tenantId;
      tenantIds[sent] = id;
      session.tenants.set(tenantKey(id), sent);
    }
    const accepted = Object.keys(tenantIds).length > 0;
    return {
      response: 'add-tenants-v1',
      result: accepted ? 'ok' : 'error',
      tenantIds,
      ...(invalidTokens.length > 0 ? { invalidTokens } : {}),
    };
  }

  function addTopics(session: Session, message: Record<string, unknown>) {
    const requested = Array.isArray(message.topics) ? message.topics : [];
    const invalidTopics: string[] = [];
    const added: string[] = [];
    for (const item of requested) {
      // Both shapes are seen in the wild: {"topic": "orders", "offset": "…"} and "orders".
      const topic = typeof item === 'string' ? item : String((item as { topic?: unknown })?.topic ?? '');
      const offset =
        typeof item === 'object' && item !== null ? (item as { offset?: unknown }).offset : undefined;
      if (!SANDBOX_TOPICS.includes(topic)) {
        invalidTopics.push(topic);
        continue;
      }
      let position = feed.end(topic);
      if (offset !== undefined && offset !== null) {
        const resumed = feed.positionOf(topic, String(offset), inclusive);
        if (resumed === undefined) {
          invalidTopics.push(topic);
          continue;
        }
        position = resumed;
      }
      session.positions.set(topic, position);
      added.push(topic);
    }
    return {
      response: 'add-topics-v1',
      result: invalidTopics.length > 0 ? 'error' : 'ok',
      ...(invalidTopics.length > 0 ? { invalidTopics } : {}),
      added,
    };
  }

  function disconnectAll(): number {
    const count = sockets.size;
    for (const ws of sockets) ws.terminate();
    return count;
  }

  return {
    feed,
    disconnectAll,
    async close() {
      app.server.off('upgrade', onUpgrade);
      disconnectAll();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
