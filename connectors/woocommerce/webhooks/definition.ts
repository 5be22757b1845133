import { ConnectorError, type WebhookDefinition } from '../../../core/plugin-api/index.ts';
import type { WooSettings } from '../settings.ts';
import { verifyDelivery } from './receiver.ts';
import { registerWebhooks } from './register.ts';

/**
 * WooCommerce deliveries for the runtime's webhook endpoint: verified against the connection's
 * `webhookSecret`; events are WooCommerce topics (`order.updated`). Without a secret every signed
 * delivery is refused — an unverifiable webhook must not start anything. Repeats are the runtime's
 * to find: `deliveryKey` goes to its persistent, shared `DeliveryDedupe` (a memory here would
 * disagree with it, e.g. after the runtime forgot a key whose run could not start).
 */
export function wooWebhooks(): WebhookDefinition {
  return {
    receive(ctx, request) {
      const secret = (ctx.settings as Partial<WooSettings>).webhookSecret;
      const outcome = verifyDelivery(request, { secret: secret ?? '' });
      if (outcome.kind === 'ping') return { kind: 'ping' };
      if (outcome.kind === 'rejected')
        return { kind: 'rejected', status: outcome.status, reason: outcome.reason };
      if (!secret)
        return { kind: 'rejected', status: 401, reason: 'no webhookSecret configured for this connection' };
      return {
        kind: 'event',
        event: outcome.topic,
        duplicate: false,
        deliveryKey: outcome.deliveryKey,
      };
    },
    async register(ctx, input) {
      const settings = ctx.settings as WooSettings;
      // WooCommerce signs with the secret given at creation and never shows it again: without ours,
      // no delivery could be verified
      if (!settings.webhookSecret)
        throw new ConnectorError(
          'validation',
          'set the connection secret webhookSecret before registering webhooks',
          { field: 'webhookSecret' },
        );
      const registered = await registerWebhooks(
        { ...ctx, settings },
        { deliveryUrl: input.deliveryUrl, secret: settings.webhookSecret, topics: input.events },
      );
      return registered.map((w) => ({ id: String(w.id), event: w.topic, action: w.action }));
    },
  };
}
