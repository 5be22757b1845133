import type { DeliveryDedupe } from '../../../core/plugin-api/index.ts';
import { verifySignature } from './verify.ts';

export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

export interface WebhookRequest {
  readonly headers: HeaderBag;
  /** The body exactly as received. */
  readonly rawBody: Buffer | string;
}

export type WebhookOutcome =
  /** WooCommerce's creation ping: `webhook_id=N`, unsigned. Answer 200 or the admin shows an error. */
  | { readonly kind: 'ping'; readonly status: 200; readonly webhookId: string }
  | {
      readonly kind: 'delivery';
      readonly status: 200;
      readonly topic: string;
      readonly resource: string;
      readonly event: string;
      readonly webhookId: string;
      readonly deliveryId: string;
      /**
       * What identifies this delivery for a `DeliveryDedupe`: delivery id **and** signature, since
       * WooCommerce's delivery id only hashes webhook id and the second.
       */
      readonly deliveryKey: string;
      readonly source: string;
      /** True when this exact delivery was seen before (answer 200, do nothing). */
      readonly duplicate: boolean;
      readonly payload: unknown;
    }
  | {
      readonly kind: 'rejected';
      readonly status: 400 | 401;
      readonly reason: 'missing_signature' | 'bad_signature' | 'bad_body' | 'missing_topic';
    };

/**
 * The per-process dedupe: the last `size` delivery keys. The runtime's persistent, shared
 * `DeliveryDedupe` (core/plugin-api) is the real one; this one serves tests and single processes.
 */
export class MemoryDeliveryDedupe implements DeliveryDedupe {
  private readonly seen = new Set<string>();

  constructor(private readonly size = 10_000) {}

  /** Records the key now; false when it was already there. */
  record(key: string): boolean {
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > this.size) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }

  async firstTime(key: string): Promise<boolean> {
    return this.record(key);
  }
}

/** An in-memory dedupe remembering the last `size` deliveries. */
export function memoryDedupe(size = 10_000): MemoryDeliveryDedupe {
  return new MemoryDeliveryDedupe(size);
}

function header(headers: HeaderBag, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    // an empty list is no value: look on, or a signature sent under another spelling is missed
    const first = typeof value === 'string' ? value : value[0];
    if (first !== undefined) return first;
  }
  return undefined;
}

/**
 * Checks one request to the webhook endpoint, without remembering anything. Signed deliveries are
 * verified on the raw body; the unsigned creation ping (`webhook_id=N`, no `X-WC-Webhook-*`
 * headers) is recognised and answered 200. `duplicate` is always false here: see `receiveWebhook`.
 */
export function verifyDelivery(
  request: WebhookRequest,
  options: { readonly secret: string },
): WebhookOutcome {
  const raw = typeof request.rawBody === 'string' ? request.rawBody : request.rawBody.toString('utf8');
  const signature = header(request.headers, 'x-wc-webhook-signature');
  const topic = header(request.headers, 'x-wc-webhook-topic');
  // the ping carries no X-WC-Webhook-* header at all (recorded); any one of them, even empty, and
  // the request is a delivery that must be signed
  const unsigned = !Object.keys(request.headers).some((key) => key.toLowerCase().startsWith('x-wc-webhook-'));
  if (unsigned) {
    const ping = /^webhook_id=(\d+)$/.exec(raw.trim());
    if (ping?.[1]) return { kind: 'ping', status: 200, webhookId: ping[1] };
    return { kind: 'rejected', status: 401, reason: 'missing_signature' };
  }
  if (!signature) return { kind: 'rejected', status: 401, reason: 'missing_signature' };
  if (!verifySignature(request.rawBody, signature, options.secret)) {
    return { kind: 'rejected', status: 401, reason: 'bad_signature' };
  }
  if (!topic) return { kind: 'rejected', status: 400, reason: 'missing_topic' };
  let payload: unknown;
  try {
    payload = JSON.parse(raw);
  } catch {
    return { kind: 'rejected', status: 400, reason: 'bad_body' };
  }
  const [topicResource = '', topicEvent = ''] = topic.split('.');
  const deliveryId = header(request.headers, 'x-wc-webhook-delivery-id') ?? '';
  return {
    kind: 'delivery',
    status: 200,
    topic,
    resource: header(request.headers, 'x-wc-webhook-resource') ?? topicResource,
    event: header(request.headers, 'x-wc-webhook-event') ?? topicEvent,
    webhookId: header(request.headers, 'x-wc-webhook-id') ?? '',
    deliveryId,
    deliveryKey: `${deliveryId}:${signature.trim()}`,
    source: header(request.headers, 'x-wc-webhook-source') ?? '',
    duplicate: false,
    payload,
  };
}

/**
 * `verifyDelivery`, then the dedupe: a verified delivery whose key the dedupe has seen before is
 * marked `duplicate` (answer 200, start nothing). Keys are delivery id **and** signature:
 * WooCommerce's delivery id is a hash of webhook id and the second, so two different deliveries in
 * one second share it (seen in the recorded deliveries).
 */
export async function receiveWebhook(
  request: WebhookRequest,
  options: { readonly secret: string; readonly dedupe?: DeliveryDedupe },
): Promise<WebhookOutcome> {
  const outcome = verifyDelivery(request, options);
  if (outcome.kind !== 'delivery' || !options.dedupe) return outcome;
  return { ...outcome, duplicate: !(await options.dedupe.firstTime(outcome.deliveryKey)) };
}
