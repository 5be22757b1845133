import type { ConnectorContext } from '../../../core/plugin-api/index.ts';
import { listAll, wooRequest } from '../client/index.ts';
import type { WooSettings } from '../settings.ts';
import type { WcWebhook } from '../wc-types.ts';

export interface RegisterWebhooksInput {
  readonly deliveryUrl: string;
  readonly secret: string;
  /** Default: `order.created`, `order.updated`. */
  readonly topics?: readonly string[];
  readonly namePrefix?: string;
}

export interface RegisteredWebhook {
  readonly id: number;
  readonly topic: string;
  readonly action: 'created' | 'reactivated' | 'kept';
}

/**
 * Makes sure the store has an active webhook per topic pointing at `deliveryUrl`: creates missing
 * ones (with our secret, so signatures can be checked) and re-activates ones WooCommerce disabled
 * after repeated failed deliveries. Existing webhooks keep their secret, which the REST API never
 * returns; re-create them if the secret changed.
 */
export async function registerWebhooks(
  ctx: ConnectorContext<WooSettings>,
  input: RegisterWebhooksInput,
): Promise<RegisteredWebhook[]> {
  const existing = await listAll<WcWebhook>(ctx, { path: '/webhooks' });
  const result: RegisteredWebhook[] = [];
  for (const topic of input.topics ?? ['order.created', 'order.updated']) {
    const match = existing.find((w) => w.topic === topic && w.delivery_url === input.deliveryUrl);
    if (match && match.status === 'active') {
      result.push({ id: match.id, topic, action: 'kept' });
    } else if (match) {
      await wooRequest(ctx, { method: 'PUT', path: `/webhooks/${match.id}`, body: { status: 'active' } });
      result.push({ id: match.id, topic, action: 'reactivated' });
    } else {
      const created = await wooRequest<WcWebhook>(ctx, {
        method: 'POST',
        path: '/webhooks',
        body: {
          name: `${input.namePrefix ?? 'Koppla'} ${topic}`,
          topic,
          delivery_url: input.deliveryUrl,
          secret: input.secret,
          status: 'active',
        },
      });
      result.push({ id: created.body.id, topic, action: 'created' });
    }
  }
  return result;
}
