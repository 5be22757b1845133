import WebSocket from 'ws';
import {
  AuthError,
  TransientError,
  ValidationError,
  toConnectorError,
  type ConnectorError,
  type OffsetStore,
  type ServiceEvent,
  type ServiceEventListener,
} from '../../../core/plugin-api/index.ts';
import {
  eventName,
  parseFrame,
  type Command,
  type CommandName,
  type CommandResponse,
  type FortnoxEvent,
} from './protocol.ts';

/** One Koppla connection (a Fortnox tenant) on the shared socket. */
export interface EventTenant {
  /** Koppla's id of the connection; names it in errors (never a token). */
  readonly key: string;
  /** A live access token (refreshed under the token store's lease). */
  accessToken(signal?: AbortSignal): Promise<string>;
  readonly listener: ServiceEventListener;
  readonly onError?: (error: ConnectorError) => void;
}

export interface ReconnectOptions {
  readonly minDelayMs: number;
  readonly maxDelayMs: number;
}

export interface EventConnectionOptions {
  readonly url: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly topics: readonly string[];
  /** Where each topic's offset is kept, under `<clientId>:<topic>`. */
  readonly offsets: OffsetStore;
  readonly reconnect?: ReconnectOptions;
  /** Failed attempts to open the first session before waiting subscribers are given up. Default 3. */
  readonly firstConnectAttempts?: number;
  /** How long a command may wait for its response. Default 30 s. */
  readonly responseTimeoutMs?: number;
  /** Ping interval that finds a dead connection. Default 30 s. */
  readonly heartbeatMs?: number;
  /**
   * Prefix for the access tokens in `add-tenants-v1`: `''` (the .NET SDK) or `'Bearer '` (a public
   * script). UNCONFIRMED which Fortnox requires; default `''`.
   */
  readonly tokenPrefix?: string;
}

export const DEFAULT_RECONNECT: ReconnectOptions = { minDelayMs: 1000, maxDelayMs: 60_000 };

interface Deferred {
  readonly promise: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  // a subscriber that stopped waiting must not leave an unhandled rejection behind
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

interface Entry {
  readonly tenant: EventTenant;
  readonly ready: Deferred;
  /** Fortnox's tenant id, once `add-tenants-v1` accepted the token. */
  fortnoxId?: string;
  accepted: boolean;
}

interface Pending {
  readonly name: CommandName;
  resolve(response: CommandResponse): void;
  reject(error: unknown): void;
}

interface Session {
  readonly socket: WebSocket;
  readonly generation: number;
  pending?: Pending;
  commands: Promise<unknown>;
  /** The offset last handled per topic: an event at exactly it is a replay and is skipped. */
  readonly handled: Map<string, string>;
  readonly closed: Promise<void>;
  /** `subscribe-v1` was sent: tenants added from now on are live as soon as Fortnox accepts them. */
  subscribed: boolean;
}

const sleepUnlessWoken = (ms: number, wake: Promise<void>) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    void wake.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * One WebSocket to Fortnox for every tenant of one client id, as Fortnox asks (a connection per
 * customer does not scale for them). It adds the tenants' access tokens, the topics with the
 * offsets saved last, subscribes, and hands each event to its tenant's listener, one at a time and
 * in order, saving the topic's offset after the listener resolved (a failing listener gets the
 * same event again; the events behind it wait). A dropped connection, a missing pong or an error
 * answer ends the session; the next one resumes from the saved offsets.
 */
export class EventConnection {
  private readonly entries = new Map<string, Entry>();
  private readonly secrets = new Set<string>();
  private session?: Session;
  private generation = 0;
  private events: Promise<void> = Promise.resolve();
  private running?: Promise<void>;
  private closing = false;
  private inListener = false;
  private wakeUp!: () => void;
  private readonly woken = new Promise<void>((resolve) => {
    this.wakeUp = resolve;
  });

  constructor(private readonly options: EventConnectionOptions) {
    this.secrets.add(options.clientSecret);
  }

  get closed(): boolean {
    return this.closing;
  }

  /** Adds a tenant; resolves once Fortnox accepted its token and the feed runs for it. */
  add(tenant: EventTenant): Promise<void> {
    if (this.closing) return Promise.reject(new TransientError('Fortnox events: the connection is closed'));
    const entry: Entry = { tenant, ready: deferred(), accepted: false };
    this.entries.set(tenant.key, entry);
    if (!this.running) {
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    } else if (this.session) {
      void this.addLive(this.session, [entry]).catch((error: unknown) =>
        this.endSession(this.session, error),
      );
    }
    return entry.ready.promise;
  }

  /** Removes a tenant; the socket closes with the last one. */
  async remove(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const session = this.session;
    if (this.entries.size === 0) return this.close();
    if (session && entry.fortnoxId !== undefined && /^\d+$/.test(entry.fortnoxId)) {
      await this.command(session, { command: 'remove-tenants-v1', tenants: [Number(entry.fortnoxId)] }).catch(
        () => undefined,
      );
    }
  }

  /**
   * Closes the socket; no listener call starts after it resolved. Called from inside a listener it
   * does not wait for that listener (which waits for it).
   */
  async close(): Promise<void> {
    this.closing = true;
    this.wakeUp();
    this.session?.socket.terminate();
    if (this.inListener) return;
    await this.running;
    await this.events;
  }

  private async loop(): Promise<void> {
    const reconnect = this.options.reconnect ?? DEFAULT_RECONNECT;
    let failures = 0;
    while (!this.closing && this.entries.size > 0) {
      let subscribed = false;
      try {
        subscribed = await this.runSession();
      } catch (error) {
        if (this.closing) break;
        const failure = this.connectorError(error);
        if (failure.kind === 'auth' || failure.kind === 'validation') {
          // Nothing a reconnect fixes: every tenant still waiting is told, and the feed stops.
          this.failAll(failure);
          break;
        }
        this.report(failure);
      }
      if (this.closing || this.entries.size === 0) break;
      failures = subscribed ? 0 : failures + 1;
      const waiting = [...this.entries.values()].filter((entry) => !entry.accepted);
      if (waiting.length > 0 && failures >= (this.options.firstConnectAttempts ?? 3)) {
        const error = new TransientError(
          `Fortnox events: could not open the event feed at ${this.options.url} after ${failures} attempts`,
        );
        for (const entry of waiting) this.reject(entry, error);
        if (this.entries.size === 0) break;
      }
      const base = Math.min(reconnect.maxDelayMs, reconnect.minDelayMs * 2 ** Math.max(0, failures - 1));
      await sleepUnlessWoken(base * (1 + Math.random()), this.woken);
    }
    this.closing = true;
  }

  /** One socket from open to close; true when it got as far as subscribing. */
  private async runSession(): Promise<boolean> {
    // Events of the previous session are handled (and their offsets saved) before offsets are read.
    await this.events;
    const socket = new WebSocket(this.options.url, {
      handshakeTimeout: this.options.responseTimeoutMs ?? 30_000,
    });
    const generation = ++this.generation;
    let markClosed!: () => void;
    const closed = new Promise<void>((resolve) => {
      markClosed = resolve;
    });
    const session: Session = {
      socket,
      generation,
      commands: Promise.resolve(),
      handled: new Map(),
      closed,
      subscribed: false,
    };
    this.session = session;
    let heartbeat: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
        socket.once('close', () =>
          reject(new TransientError('Fortnox events: the connection closed while opening')),
        );
      });
      socket.on('error', () => undefined); // 'close' follows and ends the session
      socket.on('close', () => {
        session.pending?.reject(new TransientError('Fortnox events: the connection closed'));
        markClosed();
      });
      socket.on('message', (data, isBinary) => {
        if (!isBinary) this.onFrame(session, data.toString());
      });
      let alive = true;
      socket.on('pong', () => {
        alive = true;
      });
      heartbeat = setInterval(() => {
        if (!alive) socket.terminate();
        alive = false;
        socket.ping();
      }, this.options.heartbeatMs ?? 30_000);

      await this.addLive(session, [...this.entries.values()]);
      if (![...this.entries.values()].some((entry) => entry.fortnoxId !== undefined)) {
        socket.close();
        return false;
      }
      await this.addTopics(session);
      // Fortnox starts the stream on subscribe-v1; an error answer to it ends the session later.
      socket.send(JSON.stringify({ command: 'subscribe-v1' } satisfies Command));
      session.subscribed = true;
      for (const entry of this.entries.values()) {
        if (entry.fortnoxId !== undefined && !entry.accepted) {
          entry.accepted = true;
          entry.ready.resolve();
        }
      }
      await closed;
      // Not ended by us (close) nor already reported (endSession): the connection dropped.
      if (!this.closing && session.generation === this.generation) {
        this.report(new TransientError('Fortnox events: the connection dropped; reconnecting'));
      }
      return true;
    } finally {
      if (heartbeat) clearInterval(heartbeat);
      if (this.session === session) this.session = undefined;
      socket.terminate();
    }
  }

  /** `add-tenants-v1` for some tenants: Fortnox maps each accepted token to its tenant id. */
  private async addLive(session: Session, entries: readonly Entry[]): Promise<void> {
    const prefix = this.options.tokenPrefix ?? '';
    const byToken = new Map<string, Entry>();
    for (const entry of entries) {
      try {
        const token = `${prefix}${await entry.tenant.accessToken()}`;
        this.secrets.add(token);
        this.secrets.add(token.slice(prefix.length));
        byToken.set(token, entry);
      } catch (error) {
        this.reject(entry, this.connectorError(error));
      }
    }
    if (byToken.size === 0) return;
    const response = await this.command(session, {
      command: 'add-tenants-v1',
      clientSecret: this.options.clientSecret,
      accessTokens: [...byToken.keys()],
    });
    for (const [token, entry] of byToken) {
      const id = response.tenantIds?.[token];
      if (id !== undefined && !response.invalidTokens?.includes(token)) {
        entry.fortnoxId = String(id);
        // Added to a session that already streams: it is live now (UNCONFIRMED that Fortnox sends
        // a tenant added after subscribe-v1 without a new subscribe; the sandbox does).
        if (session.subscribed && !entry.accepted && this.entries.get(entry.tenant.key) === entry) {
          entry.accepted = true;
          entry.ready.resolve();
        }
        continue;
      }
      this.reject(
        entry,
        new AuthError(
          `Fortnox events: Fortnox refused the access token of connection "${entry.tenant.key}" (add-tenants-v1 answered ${response.result || 'without a result'}). Check the client secret and that the integration is still authorized for this Fortnox company.`,
          { code: 'fortnox_events_token_refused', secrets: [...this.secrets] },
        ),
      );
    }
  }

  /** `add-topics-v1` with the saved offsets; a topic whose offset Fortnox refuses starts afresh. */
  private async addTopics(session: Session): Promise<void> {
    const topics = [];
    for (const topic of this.options.topics) {
      const offset = await this.options.offsets.get(this.offsetKey(topic));
      if (offset !== undefined) session.handled.set(topic, offset);
      topics.push(offset === undefined ? { topic } : { topic, offset });
    }
    const response = await this.command(session, { command: 'add-topics-v1', topics });
    const refused = new Set(response.invalidTopics ?? []);
    if (refused.size === 0 && response.result !== 'error') return;
    const retry = topics.filter((t) => refused.has(t.topic) && t.offset !== undefined);
    const unknown = [...refused].filter((topic) => !retry.some((t) => t.topic === topic));
    if (unknown.length > 0 || (refused.size === 0 && response.result === 'error')) {
      throw new ValidationError(
        `Fortnox events: Fortnox refused the topics ${unknown.join(', ') || this.options.topics.join(', ')} (add-topics-v1)`,
        { code: 'fortnox_events_topic_refused' },
      );
    }
    // An offset older than Fortnox keeps (about two weeks): events in between are lost, so the
    // streams must be read in full once; the feed goes on from now.
    this.report(
      new ValidationError(
        `Fortnox events: Fortnox cannot resume ${retry.map((t) => t.topic).join(', ')} from the saved offset; events since then may be lost, read those streams in full`,
        { code: 'fortnox_events_offset_refused' },
      ),
    );
    for (const { topic } of retry) session.handled.delete(topic);
    const again = await this.command(session, {
      command: 'add-topics-v1',
      topics: retry.map(({ topic }) => ({ topic })),
    });
    if ((again.invalidTopics ?? []).length > 0 || again.result === 'error') {
      throw new ValidationError(
        `Fortnox events: Fortnox refused the topics ${retry.map((t) => t.topic).join(', ')}`,
        {
          code: 'fortnox_events_topic_refused',
        },
      );
    }
  }

  /** Sends a command and waits for its response; one command at a time per session. */
  private command(session: Session, command: Command): Promise<CommandResponse> {
    const run = session.commands.then(
      () =>
        new Promise<CommandResponse>((resolve, reject) => {
          const timer = setTimeout(() => {
            session.pending = undefined;
            reject(new TransientError(`Fortnox events: no answer to ${command.command}`));
            session.socket.terminate();
          }, this.options.responseTimeoutMs ?? 30_000);
          session.pending = {
            name: command.command,
            resolve: (response) => {
              clearTimeout(timer);
              resolve(response);
            },
            reject: (error) => {
              clearTimeout(timer);
              reject(error);
            },
          };
          session.socket.send(JSON.stringify(command), (error) => {
            if (error)
              session.pending?.reject(new TransientError(`Fortnox events: ${command.command} not sent`));
          });
        }),
    );
    session.commands = run.catch(() => undefined);
    return run;
  }

  private onFrame(session: Session, data: string): void {
    const frame = parseFrame(data);
    if (frame.kind === 'response') {
      const pending = session.pending;
      if (pending && pending.name === frame.response) {
        session.pending = undefined;
        pending.resolve(frame);
      } else if (frame.result === 'error') {
        this.endSession(session, new TransientError(`Fortnox events: ${frame.response} failed`));
      }
      return;
    }
    if (frame.kind === 'event') {
      this.events = this.events.then(() => this.handle(session, frame));
    }
  }

  private async handle(session: Session, event: FortnoxEvent): Promise<void> {
    // A session ended by an error (an offset not saved): the events behind it come again after reconnect.
    if (session.generation !== this.generation || this.closing) return;
    if (session.handled.get(event.topic) === event.offset) return;
    const entry = [...this.entries.values()].find((e) => e.fortnoxId === event.tenantId);
    if (entry && !(await this.deliver(entry, event))) return;
    try {
      await this.options.offsets.save(this.offsetKey(event.topic), event.offset);
      session.handled.set(event.topic, event.offset);
    } catch (error) {
      this.endSession(session, error);
    }
  }

  /**
   * Hands an event to its tenant's listener until the listener takes it: a failing listener (its
   * database is away) is called again with the same event after a growing pause, and the events
   * behind it wait, so none is skipped and the offset only moves on success. False when the
   * connection closed or the tenant left meanwhile.
   */
  private async deliver(entry: Entry, event: FortnoxEvent): Promise<boolean> {
    const reconnect = this.options.reconnect ?? DEFAULT_RECONNECT;
    for (let attempt = 0; ; attempt++) {
      if (this.closing || this.entries.get(entry.tenant.key) !== entry) return false;
      try {
        this.inListener = true;
        await entry.tenant.listener(toServiceEvent(event));
        return true;
      } catch (error) {
        entry.tenant.onError?.(
          new TransientError(
            `Fortnox events: the listener of connection "${entry.tenant.key}" failed on ${event.topic} ${event.type}; trying the event again`,
            { cause: error, secrets: [...this.secrets] },
          ),
        );
      } finally {
        this.inListener = false;
      }
      const pause = Math.min(reconnect.maxDelayMs, reconnect.minDelayMs * 2 ** attempt);
      await sleepUnlessWoken(pause, this.woken);
    }
  }

  /** Ends a session (it reconnects): later events of it are not handled. */
  private endSession(session: Session | undefined, error: unknown): void {
    if (!session || session.generation !== this.generation) return;
    this.generation += 1;
    this.report(this.connectorError(error));
    session.socket.terminate();
  }

  private offsetKey(topic: string): string {
    return `${this.options.clientId}:${topic}`;
  }

  private reject(entry: Entry, error: ConnectorError): void {
    this.entries.delete(entry.tenant.key);
    if (entry.accepted) entry.tenant.onError?.(error);
    else entry.ready.reject(error);
  }

  private failAll(error: ConnectorError): void {
    for (const entry of [...this.entries.values()]) this.reject(entry, error);
  }

  private report(error: ConnectorError): void {
    for (const entry of this.entries.values()) entry.tenant.onError?.(error);
  }

  private connectorError(error: unknown): ConnectorError {
    return toConnectorError(error, { secrets: [...this.secrets] });
  }
}

function toServiceEvent(event: FortnoxEvent): ServiceEvent {
  return {
    event: eventName(event.type),
    id: `${event.topic}:${event.offset}`,
    type: event.type,
    ...(event.entityId !== undefined ? { entityId: event.entityId } : {}),
    ...(event.timestamp !== undefined ? { occurredAt: event.timestamp } : {}),
  };
}
