import type { HttpClient } from './http.ts';

/** Structured fields of a log line. The runtime adds tenant, pipeline, run and step itself. */
export type LogFields = Readonly<Record<string, unknown>>;

/** The logger a connector writes to. Never log secrets: the runtime redacts known ones, not all. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** A connection's settings, secrets included, as the connector's `credentials` schema describes them. */
export type ConnectionSettings = Readonly<Record<string, unknown>>;

/** What every connector call gets from the runtime. `S` is the connector's own settings type. */
export interface ConnectorContext<S extends object = ConnectionSettings> {
  readonly tenantId: string;
  /** Already validated against the `credentials` schema and decrypted. */
  readonly settings: S;
  /** Aborted on timeout or shutdown: pass it to every request. */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /**
   * The runtime's HTTP client: the tenant's request budget, recording, error classification and
   * secret scrubbing built in. Always set when the runtime or the contract kit (`koppla/testing`)
   * calls a connector; optional only so a connector's own unit tests may build a context by hand.
   */
  readonly http?: HttpClient;
}

export interface OperationContext<S extends object = ConnectionSettings> extends ConnectorContext<S> {
  /**
   * The effects-ledger key of this call, stable across retries. Send it to services that accept an
   * idempotency key; services that do not need `lookup` instead.
   */
  readonly idempotencyKey?: string;
  /**
   * The step's `match:` list: the fields that identify an existing remote object, in the order to try
   * them. An upsert that matches by several keys follows it; absent: the operation's own order.
   */
  readonly match?: readonly string[];
}

export type StreamContext<S extends object = ConnectionSettings> = ConnectorContext<S>;
