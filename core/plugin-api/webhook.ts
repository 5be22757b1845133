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
  | { readonly kind: 'event'; readonly event: string; readonly duplicate: boolean }
  | { readonly kind: 'rejected'; readonly status: 400 | 401; readonly reason: string };

/** How a connector receives webhooks. It must verify before it believes anything in the body. */
export interface WebhookDefinition {
  receive(ctx: ConnectorContext<object>, request: WebhookRequest): WebhookReceipt;
}
