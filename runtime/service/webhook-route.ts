import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../container/tokens.ts';
import { PipelineRunner } from '../executor/pipeline-runner.ts';
import { connectionSettings } from '../executor/connection-settings.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import { connectorLogger } from '../logging/logger.ts';
import { secretValues } from '../tenants/tenant.ts';
import type { PipelineScheduler } from '../scheduler/pipeline-schedule.ts';
import type { MongoDeliveryDedupe } from '../store/index.ts';

/**
 * The largest webhook body read (413 beyond it). A WooCommerce order delivery is about 1 KB per
 * line, so this holds orders of several thousand lines; a bigger one is refused, and since a
 * delivery only triggers a run, the scheduled poll still reads that order (SECURITY.md).
 */
export const WEBHOOK_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * `POST /webhooks/:tenant/:connection`: the connector verifies the delivery on its raw bytes; a
 * verified event starts a run of every pipeline of that tenant subscribed to
 * `<connection>.<event>`. A delivery the connector identifies (`deliveryKey`) is claimed in the
 * shared `MongoDeliveryDedupe`, so a repeat reaching any worker starts nothing. The run reads the
 * source as usual, so merged or out-of-order deliveries change nothing either: the cursor and the
 * effects ledger decide what is new. Unverified deliveries get 401 and start nothing.
 */
export async function registerWebhookRoute(
  http: FastifyInstance,
  container: DependencyContainer,
  scheduler: PipelineScheduler,
): Promise<void> {
  const tenants = container.resolve<TenantDirectory>(TOKENS.Tenants);
  const connectors = container.resolve<ConnectorRegistry>(TOKENS.Connectors);
  const logger = container.resolve<RuntimeLogger>(TOKENS.Logger);
  const runner = container.resolve(PipelineRunner);
  const deliveries = container.resolve<MongoDeliveryDedupe>(TOKENS.DeliveryDedupe);

  await http.register(async (scope) => {
    // signatures are over the exact bytes: no JSON parsing before the connector has verified them
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

    scope.post<{ Params: { tenant: string; connection: string } }>(
      '/webhooks/:tenant/:connection',
      { bodyLimit: WEBHOOK_BODY_LIMIT },
      async (request, reply) => {
        const { tenant: tenantId, connection } = request.params;
        let tenant;
        try {
          tenant = tenants.get(tenantId);
        } catch {
          return reply.code(404).send({ error: 'unknown tenant' });
        }
        const subscribed = tenant.pipelines
          .filter((p) => p.enabled)
          .map((p) => runner.plan(tenant, p.file).plan)
          .filter((plan) => plan.connections[connection] !== undefined);
        const connectorId = subscribed[0]?.connections[connection]?.connector;
        const webhooks = connectorId ? connectors.get(connectorId).webhooks : undefined;
        if (!connectorId || !webhooks) return reply.code(404).send({ error: 'not found' });

        const receipt = webhooks.receive(
          {
            tenantId,
            settings: connectionSettings(tenant, subscribed[0], connection),
            signal: AbortSignal.timeout(10_000),
            logger: connectorLogger(logger, { tenant: tenantId, connection }, secretValues(tenant)),
          },
          { headers: request.headers, rawBody: (request.body as Buffer | undefined) ?? Buffer.alloc(0) },
        );
        if (receipt.kind === 'rejected') {
          logger.warn({ tenant: tenantId, connection, reason: receipt.reason }, 'webhook refused');
          return reply.code(receipt.status).send({ error: receipt.reason });
        }
        if (receipt.kind === 'ping' || receipt.duplicate) return reply.code(200).send({ status: 'ok' });
        // a repeat seen by any worker, since any time the cleanup job has kept (default three days)
        const { deliveryKey } = receipt;
        const dedupe = deliveryKey === undefined ? undefined : deliveries.forScope(tenantId, connection);
        if (dedupe && deliveryKey !== undefined && !(await dedupe.firstTime(deliveryKey)))
          return reply.code(200).send({ status: 'ok' });
        const topic = `${connection}.${receipt.event}`;
        const started: string[] = [];
        // follows the delivery into the runs it starts and down to each remote call (docs/operations.md)
        const header = request.headers['x-request-id'];
        const correlationId =
          typeof header === 'string' && /^[\w.:-]{1,100}$/.test(header) ? header : randomUUID();
        logger.info({ tenant: tenantId, connection, topic, correlationId }, 'webhook accepted');
        try {
          for (const plan of subscribed) {
            if (!plan.trigger.events.includes(topic)) continue;
            const queued = await scheduler.runNow(tenantId, plan.id, 'event', correlationId);
            // a run already queued and not yet started reads this delivery's change too
            if (queued.coalesced)
              logger.info(
                {
                  tenant: tenantId,
                  pipeline: plan.id,
                  correlationId,
                  ...(queued.correlationId === undefined ? {} : { coalescedInto: queued.correlationId }),
                },
                'webhook coalesced into a pending run',
              );
            started.push(plan.id);
          }
        } catch (error) {
          // not handled: the sender's retry must not be taken for a repeat
          if (dedupe && deliveryKey !== undefined) await dedupe.forget(deliveryKey).catch(() => undefined);
          throw error;
        }
        return reply.code(202).send({ status: 'accepted', runs: started });
      },
    );
  });
}
