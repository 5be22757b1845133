import type { WebhookDefinition } from '../../../core/plugin-api/index.ts';
import type { WooSettings } from '../settings.ts';
import { memoryDedupe, receiveWebhook } from './receiver.ts';

/**
 * WooCommerce deliveries for the runtime's webhook endpoint: verified against the connection's
 * `webhookSecret`; events are WooCommerce topics (`order.updated`). Without a secret every signed
 * delivery is refused — an unverifiable webhook must not start anything.
 */
export function wooWebhooks(): WebhookDefinition {
  const dedupe = memoryDedupe();
  return {
    receive(ctx, request) {
      const secret = (ctx.settings as Partial<WooSettings>).webhookSecret;
      const outcome = receiveWebhook(request, { secret: secret ?? '', dedupe });
      if (outcome.kind === 'ping') return { kind: 'ping' };
      if (outcome.kind === 'rejected')
        return { kind: 'rejected', status: outcome.status, reason: outcome.reason };
      if (!secret)
        return { kind: 'rejected', status: 401, reason: 'no webhookSecret configured for this connection' };
      return { kind: 'event', event: outcome.topic, duplicate: outcome.duplicate };
    },
  };
}
