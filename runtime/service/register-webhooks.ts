import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';
import type { WebhookRegistration } from '../../core/plugin-api/index.ts';
import { connectionSettings } from '../executor/connection-settings.ts';
import { connectorLogger, type RuntimeLogger } from '../logging/logger.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import { secretValues, type Tenant } from '../tenants/tenant.ts';

export interface ConnectionWebhooks {
  readonly connection: string;
  readonly connector: string;
  readonly deliveryUrl: string;
  readonly events: readonly string[];
  /** What the remote side has now; absent when the connector cannot register webhooks itself. */
  readonly registrations?: readonly WebhookRegistration[];
}

/**
 * Makes each system a tenant's pipelines listen to (`trigger.events: [shop.order.created, …]`)
 * deliver those events to this installation's endpoint, `<publicUrl>/webhooks/<tenant>/<connection>`.
 * Connections whose connector has no `webhooks.register` are returned without registrations: their
 * webhooks are set up by hand, at the address returned.
 */
export async function registerTenantWebhooks(options: {
  readonly tenant: Tenant;
  readonly plans: readonly ExecutionPlan[];
  readonly connectors: ConnectorRegistry;
  readonly publicUrl: string;
  readonly logger: RuntimeLogger;
}): Promise<ConnectionWebhooks[]> {
  const { tenant, plans, connectors } = options;
  const base = options.publicUrl.replace(/\/+$/, '');
  // connection → the plan that names it (for its settings) and the events subscribed to on it
  const wanted = new Map<string, { plan: ExecutionPlan; events: Set<string> }>();
  for (const plan of plans) {
    for (const topic of plan.trigger.events) {
      const dot = topic.indexOf('.');
      const connection = topic.slice(0, dot);
      if (dot < 1 || !plan.connections[connection]) continue;
      const entry = wanted.get(connection) ?? { plan, events: new Set<string>() };
      entry.events.add(topic.slice(dot + 1));
      wanted.set(connection, entry);
    }
  }
  const results: ConnectionWebhooks[] = [];
  for (const [connection, { plan, events }] of wanted) {
    const connector = plan.connections[connection]!.connector;
    // events of a connector without webhooks come another way (Fortnox's WebSocket feed)
    if (!connectors.get(connector).webhooks) continue;
    const deliveryUrl = `${base}/webhooks/${encodeURIComponent(tenant.id)}/${encodeURIComponent(connection)}`;
    const register = connectors.get(connector).webhooks?.register;
    const result = { connection, connector, deliveryUrl, events: [...events].sort() };
    if (!register) {
      results.push(result);
      continue;
    }
    const registrations = await register(
      {
        tenantId: tenant.id,
        settings: connectionSettings(tenant, plan, connection),
        signal: AbortSignal.timeout(60_000),
        logger: connectorLogger(options.logger, { tenant: tenant.id, connection }, secretValues(tenant)),
      },
      { deliveryUrl, events: result.events },
    );
    results.push({ ...result, registrations });
  }
  return results;
}
