import { createHash, createHmac } from 'node:crypto';
import type { StoreClock } from './clock.ts';
import type { DeliveryRecord, SandboxState, SandboxWebhook } from './state.ts';

export const WOOCOMMERCE_VERSION = '10.0.2';
const USER_AGENT = `WooCommerce/${WOOCOMMERCE_VERSION} Hookshot (WordPress/6.8.8)`;

/** JSON as PHP's `wp_json_encode` writes it: slashes escaped, non-ASCII as `\uXXXX` (recorded bodies). */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function signBody(body: string, secret: string): string {
  return createHmac('sha256', secret).update(body, 'utf8').digest('base64');
}

export interface Deliverer {
  /** Queues `resource.event` deliveries for a resource; repeated changes before delivery collapse into one. */
  enqueue(resource: string, event: string, id: number): void;
  /** Delivers everything queued now; resolves with what was sent. */
  flush(): Promise<DeliveryRecord[]>;
  /** Sends one signed delivery now, whatever the queue holds. */
  fire(webhook: SandboxWebhook, id: number): Promise<DeliveryRecord>;
  ping(webhook: SandboxWebhook): Promise<DeliveryRecord>;
  close(): void;
}

export interface DelivererOptions {
  readonly state: SandboxState;
  readonly clock: StoreClock;
  /** `home_url('/')`, the `X-WC-Webhook-Source`. */
  readonly sourceUrl: () => string;
  /** The resource as `GET /wc/v3/<resource>s/<id>` would answer, built at delivery time. */
  readonly payload: (resource: string, id: number) => unknown;
  /** `auto`: deliver on the next tick (like a store's queue runner). `manual`: only on `flush()`. */
  readonly mode: 'auto' | 'manual';
}

/**
 * WooCommerce's webhook delivery (`WC_Webhook::deliver`): POST, JSON body, `X-WC-Webhook-*` headers,
 * base64 HMAC-SHA256 signature, no redirects, no retries. Queued per (webhook, resource) like the
 * Action Scheduler queue, so rapid changes collapse into one delivery of the latest state; the
 * delivery id is a hash of webhook id and the second, so two deliveries in one second share it.
 */
export function createDeliverer(options: DelivererOptions): Deliverer {
  const { state, clock } = options;
  const pending = new Map<string, { webhook: SandboxWebhook; id: number }>();
  let timer: NodeJS.Timeout | undefined;

  async function post(webhook: SandboxWebhook, body: string, headers: Record<string, string>, ping: boolean) {
    const deliveryId = createHash('md5')
      .update(`${webhook.id}${Math.floor(clock.now() / 1000)}`)
      .digest('hex');
    let status: number | 'error';
    try {
      const response = await fetch(webhook.delivery_url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(60_000),
        headers: {
          'user-agent': USER_AGENT,
          ...(ping ? { 'content-type': 'application/x-www-form-urlencoded' } : headers),
          ...(ping ? {} : { 'x-wc-webhook-delivery-id': deliveryId }),
        },
        body,
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 'error';
    }
    if (!ping) {
      const ok =
        typeof status === 'number' && ((status >= 200 && status < 300) || status === 301 || status === 302);
      if (ok) webhook.failure_count = 0;
      else if (webhook.failure_count > 5) webhook.status = 'disabled';
      else webhook.failure_count += 1;
    }
    const record: DeliveryRecord = {
      webhookId: webhook.id,
      topic: ping ? 'ping' : webhook.topic,
      deliveryId: ping ? '' : deliveryId,
      url: webhook.delivery_url,
      status,
      ping,
    };
    state.deliveries.push(record);
    return record;
  }

  async function fire(webhook: SandboxWebhook, id: number): Promise<DeliveryRecord> {
    const event = webhook.event;
    const payload = event === 'deleted' ? { id } : options.payload(webhook.resource, id);
    const body = phpJson(payload);
    return post(
      webhook,
      body,
      {
        'content-type': 'application/json',
        'x-wc-webhook-source': options.sourceUrl(),
        'x-wc-webhook-topic': webhook.topic,
        'x-wc-webhook-resource': webhook.resource,
        'x-wc-webhook-event': event,
        'x-wc-webhook-signature': signBody(body, webhook.secret),
        'x-wc-webhook-id': String(webhook.id),
      },
      false,
    );
  }

  async function flush(): Promise<DeliveryRecord[]> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const batch = [...pending.values()];
    pending.clear();
    const sent: DeliveryRecord[] = [];
    for (const { webhook, id } of batch) sent.push(await fire(webhook, id));
    return sent;
  }

  return {
    enqueue(resource, event, id) {
      for (const webhook of state.webhooks.values()) {
        if (webhook.status !== 'active' || webhook.resource !== resource || webhook.event !== event) continue;
        pending.set(`${webhook.id}:${id}`, { webhook, id });
      }
      if (options.mode === 'auto' && pending.size > 0 && !timer) {
        timer = setTimeout(() => void flush(), 0);
      }
    },
    flush,
    fire,
    ping: (webhook) => post(webhook, `webhook_id=${webhook.id}`, {}, true),
    close() {
      if (timer) clearTimeout(timer);
      pending.clear();
    },
  };
}
