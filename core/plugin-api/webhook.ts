import type { ConnectorContext } from './context.ts';

/** One HTTP delivery to Koppla's webhook endpoint, untouched: signatures are over the raw bytes. */
export interface WebhookRequest {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly rawBody: Buffer | string;
}

/**
 * What a connector made of a delivery. `event` is the connector's own name for what happened
 * (`order.updated`); pipelines subscribe to `<connection>.<event>`.
 */
export type WebhookReceipt =
  /** A handshake the service sends when a webhook is created: answer 200, start nothing. */
  | { readonly kind: 'ping' }
  | {
      readonly kind: 'event';
      readonly event: string;
      /** What the connector itself already knows is a repeat (e.g. within one process). */
      readonly duplicate: boolean;
      /**
       * Identifies this delivery among the connection's deliveries. The runtime records it in its
       * persistent `DeliveryDedupe` (scoped to tenant and connection) and starts nothing for a repeat.
       */
      readonly deliveryKey?: string;
    }
  | { readonly kind: 'rejected'; readonly status: 400 | 401; readonly reason: string };

/** What `WebhookDefinition.register` is asked to set up. */
export interface WebhookRegistrationInput {
  /** Koppla's endpoint for this tenant and connection: `<public base>/webhooks/<tenant>/<connection>`. */
  readonly deliveryUrl: string;
  /** The connector's own event names (`order.created`), from the pipelines' `trigger.events`. */
  readonly events: readonly string[];
}

/** One webhook on the remote side after `register`: made now, switched on again, or found as it should be. */
export interface WebhookRegistration {
  readonly id: string;
  readonly event: string;
  readonly action: 'created' | 'reactivated' | 'kept';
}

/** How a connector receives webhooks. It must verify before it believes anything in the body. */
export interface WebhookDefinition {
  receive(ctx: ConnectorContext<object>, request: WebhookRequest): WebhookReceipt;
  /**
   * Optional: makes the remote system deliver `events` to `deliveryUrl`, signed so that `receive` can
   * verify them — creating missing webhooks and switching disabled ones on again, never duplicating
   * one. `koppla webhooks register` calls it for every connection a tenant's pipelines subscribe to.
   */
  register?(
    ctx: ConnectorContext<object>,
    input: WebhookRegistrationInput,
  ): Promise<readonly WebhookRegistration[]>;
}

/**
 * Remembers webhook deliveries already handled, so one sent twice starts nothing the second time.
 * The runtime provides a persistent one shared by every worker; keys come from
 * `WebhookReceipt.deliveryKey`, and the runtime scopes them to tenant and connection.
 */
export interface DeliveryDedupe {
  /** Records `key`; resolves true the first time, false when it was recorded before. */
  firstTime(key: string): Promise<boolean>;
}
