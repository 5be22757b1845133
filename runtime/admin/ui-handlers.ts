import type { Db } from 'mongodb';
import { isConnectorError } from '../../core/plugin-api/index.ts';
import type { DependencyContainer } from 'tsyringe';
import { TOKENS } from '../container/tokens.ts';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import { dryRun } from '../cli/dry-run/dry-run.ts';
import type { EffectsLedger } from '../ledger/effects-ledger.ts';
import { connectorLogger, type RuntimeLogger } from '../logging/logger.ts';
import {
  builtinConnectors,
  registryWithBuiltins,
  servicePluginHost,
} from '../registry/builtin-connectors.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { CursorStore, RunStore } from '../store/index.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { secretValues, type Tenant } from '../tenants/tenant.ts';
import { AdminUserError, type AdminUserStore } from '../admin-ui/users.ts';
import { conflict, invalid, notFound } from './admin-error.ts';
import type { Call, Handler } from './admin-api.ts';
import { checkConnectionLive, type CheckOutcome } from './connection-check.ts';
import { FortnoxConsent } from './fortnox-consent.ts';
import type { TenantAdmin } from './tenant-admin.ts';
import { activityOf, changesOf, packRefsOf, queueDepth, rateUse, recordTrail } from './ui-activity.ts';
import type { UiOperationId } from './ui-routes.ts';

/** What the admin page's routes need besides the runtime container. */
export interface AdminExtrasDeps {
  /** The installation's master key: Fortnox consent stores tokens with it; dry runs get read-only connectors. */
  readonly box?: SecretBox;
  /** Shop owners' users; without it the users routes answer 409. */
  readonly users?: AdminUserStore;
  /** For the WooCommerce probe; tests may stub it. */
  readonly fetch?: typeof fetch;
}

interface UiContext {
  readonly container: DependencyContainer;
  readonly tenants: TenantAdmin;
  readonly replay: (ids: readonly string[]) => Promise<unknown>;
  readonly extras: AdminExtrasDeps;
}

/** Health answers are cached this long per tenant: every open page polls, each check calls the services. */
const HEALTH_CACHE_MS = 20_000;

/** A stock point list the page waits for; Fortnox answers it in well under a second. */
const STOCK_POINTS_TIMEOUT_MS = 15_000;

export function uiHandlers(context: UiContext): Readonly<Record<UiOperationId, Handler>> {
  const { container, tenants, extras } = context;
  const db = container.resolve<Db>(TOKENS.Db);
  const directory = container.resolve<TenantDirectory>(TOKENS.Tenants);
  const runs = container.resolve<RunStore>(TOKENS.Runs);
  const deadLetters = container.resolve<DeadLetterStore>(TOKENS.DeadLetters);
  const ledger = container.resolve<EffectsLedger>(TOKENS.Ledger);
  const logger = container.resolve<RuntimeLogger>(TOKENS.Logger);
  const workerName = container.resolve<string>(TOKENS.WorkerName);
  const consent = extras.box ? new FortnoxConsent({ db, box: extras.box, workerName }) : undefined;
  const healthCache = new Map<string, { at: number; connections: Promise<unknown[]> }>();

  const tenantOf = async (id: string): Promise<Tenant> => {
    await tenants.get(id); // 404 with a did-you-mean for an unknown tenant
    await directory.refresh();
    return directory.get(id);
  };
  const connectorOf = (tenant: Tenant, connection: string) => {
    const id = tenants.connectorsOf(tenant)[connection];
    if (!id) throw notFound(`tenant "${tenant.id}" has no connection "${connection}" in its pipelines`);
    return container.resolve<ConnectorRegistry>(TOKENS.Connectors).get(id);
  };
  const loggerFor = (tenant: Tenant, connection: string, extra: readonly string[] = []) =>
    connectorLogger(logger, { tenant: tenant.id, connection, check: 'admin' }, [
      ...secretValues(tenant),
      ...extra,
    ]);

  const check = async (
    tenant: Tenant,
    connection: string,
    candidate: { settings?: Record<string, unknown>; secrets?: Record<string, string> } = {},
  ): Promise<CheckOutcome & { connector: string }> => {
    const connector = connectorOf(tenant, connection);
    const config = tenant.connections[connection];
    const settings = {
      ...config?.settings,
      ...config?.secrets,
      ...candidate.settings,
      ...candidate.secrets,
    };
    const open = await deadLetters.list({ tenant: tenant.id, status: 'open', limit: 50 });
    const outcome = await checkConnectionLive({
      connector,
      tenantId: tenant.id,
      settings,
      logger: loggerFor(tenant, connection, Object.values(candidate.secrets ?? {})),
      ...(extras.fetch ? { fetch: extras.fetch } : {}),
      needs: packRefsOf(tenant, tenants, open),
    });
    return { ...outcome, connector: connector.meta.id };
  };
  const checkView = (connection: string, outcome: CheckOutcome & { connector: string }, saved: boolean) => ({
    connection,
    connector: outcome.connector,
    ok: outcome.ok,
    account: outcome.account,
    problems: outcome.problems,
    warnings: outcome.warnings,
    saved,
  });

  const handlers: Record<UiOperationId, Handler> = {
    getMe: async ({ principal }) => ({
      kind: principal?.tenant ? 'owner' : 'operator',
      name: principal?.name ?? '',
      tenant: principal?.tenant ?? null,
    }),

    checkConnection: async ({ params, body, by }) => {
      const input = (body ?? {}) as {
        settings?: Record<string, unknown>;
        secrets?: Record<string, string>;
        save?: boolean;
      };
      const tenant = await tenantOf(params.tenant!);
      const connection = params.connection!;
      const outcome = await check(tenant, connection, input);
      let saved = false;
      if (input.save && outcome.ok && (input.settings || input.secrets || outcome.settings)) {
        await tenants.update(
          tenant.id,
          {
            connections: {
              [connection]: {
                settings: { ...input.settings, ...outcome.settings },
                ...(input.secrets ? { secrets: input.secrets } : {}),
              },
            },
          },
          by,
        );
        saved = true;
        healthCache.delete(tenant.id);
      }
      return checkView(connection, outcome, saved);
    },

    startConsent: async ({ params, body, by }) => {
      if (!consent) throw conflict('this worker has no master key (KOPPLA_MASTER_KEY) to store tokens with');
      const tenant = await tenantOf(params.tenant!);
      const connection = params.connection!;
      if (connectorOf(tenant, connection).meta.id !== 'fortnox')
        throw invalid(`connection ${connection} is not a Fortnox connection`);
      const config = tenant.connections[connection];
      return consent.start(
        { tenant: tenant.id, connection, by, redirectUri: (body as { redirectUri: string }).redirectUri },
        { ...config?.settings, ...config?.secrets },
      );
    },

    finishConsent: async ({ params, body, by }) => {
      if (!consent) throw conflict('this worker has no master key (KOPPLA_MASTER_KEY) to store tokens with');
      const { code, state } = body as { code: string; state: string };
      const tenant = await tenantOf(params.tenant!);
      const connection = params.connection!;
      const config = tenant.connections[connection];
      try {
        await consent.finish(
          { tenant: tenant.id, connection, by, code, state },
          { ...config?.settings, ...config?.secrets },
          tenant.id,
          loggerFor(tenant, connection, [code]),
        );
      } catch (error) {
        if (error instanceof Error && error.name === 'AdminError') throw error;
        return checkView(
          connection,
          {
            connector: 'fortnox',
            ok: false,
            account: null,
            problems: [
              {
                code: 'consent_failed',
                message: `Fortnox did not accept the code: ${(error as Error).message}`,
                values: { reason: (error as Error).message },
              },
            ],
            warnings: [],
          },
          false,
        );
      }
      logger.info({ tenant: tenant.id, connection, by }, 'Fortnox connected from the admin page');
      healthCache.delete(tenant.id);
      return checkView(connection, await check(tenant, connection), true);
    },

    dryRun: async ({ params, body }) => {
      const input = (body ?? {}) as { limit?: number; fromStart?: boolean };
      const tenant = await tenantOf(params.tenant!);
      const loaded = tenants.pipelineOf(tenant, params.pipeline!);
      // connectors whose ctx.http refuses writes, besides the writes the dry run itself refuses
      // (a plugin connector outside the built-ins: the worker's own, whose writes dryRun refuses)
      const readOnly = extras.box
        ? registryWithBuiltins(
            builtinConnectors({ ...servicePluginHost(db, extras.box, workerName), readOnly: true }),
          )
        : undefined;
      const used = Object.values(tenants.connectorsOf(tenant));
      const connectors =
        readOnly && used.every((id) => readOnly.manifests().has(id))
          ? readOnly
          : container.resolve<ConnectorRegistry>(TOKENS.Connectors);
      try {
        return await dryRun(
          {
            tenant,
            loaded,
            connectors,
            cursors: container.resolve<CursorStore>(TOKENS.Cursors),
            ledger,
            logger,
          },
          {
            limit: input.limit ?? 20,
            ...(input.fromStart ? { fromStart: true } : {}),
          },
        );
      } catch (error) {
        // the source or a read failed (not connected, a wrong key): the page shows why
        if (isConnectorError(error)) throw conflict(`the dry run stopped: ${error.message}`);
        throw error;
      }
    },

    getRecordTrail: async ({ params, query }) => {
      const tenant = await tenantOf(params.tenant!);
      const ids = tenant.pipelines
        .map((p) => {
          try {
            return tenants.pipelineOf(tenant, p.file).plan.id;
          } catch {
            return undefined;
          }
        })
        .filter((id): id is string => id !== undefined);
      const wanted = typeof query.pipeline === 'string' ? ids.filter((id) => id === query.pipeline) : ids;
      return recordTrail({ db, ledger, deadLetters }, tenant, wanted, String(query.key));
    },

    getActivity: async ({ params, query }) => {
      const tenant = await tenantOf(params.tenant!);
      return activityOf(db, runs, tenant.id, {
        ...(typeof query.pipeline === 'string' ? { pipeline: query.pipeline } : {}),
        limit: Number(query.limit ?? 30),
        connectors: tenants.connectorsOf(tenant),
      });
    },

    listStockPoints: async ({ params }) => {
      const tenant = await tenantOf(params.tenant!);
      const connection = params.connection!;
      const connector = connectorOf(tenant, connection);
      const operation = connector.operations['warehouse.stockPoints.list'];
      if (connector.meta.id !== 'fortnox' || !operation)
        throw invalid(`connection ${connection} is not a Fortnox connection`);
      const config = tenant.connections[connection];
      try {
        const output = (await operation.run(
          {
            tenantId: tenant.id,
            settings: { ...config?.settings, ...config?.secrets },
            signal: AbortSignal.timeout(STOCK_POINTS_TIMEOUT_MS),
            logger: loggerFor(tenant, connection),
            idempotencyKey: 'admin:stock-points',
          },
          { state: 'ALL' },
        )) as { stockPoints: readonly { code: string; name: string; active?: boolean }[] };
        return {
          connection,
          stockPoints: output.stockPoints.map((p) => ({
            code: p.code,
            name: p.name,
            active: p.active !== false,
          })),
        };
      } catch (error) {
        // not connected, Lager off, a refused token: the page falls back to typed-in codes
        if (isConnectorError(error))
          throw conflict(`Fortnox did not list its stock points: ${error.message}`);
        throw error;
      }
    },

    getHealth: async ({ params }) => {
      const tenant = await tenantOf(params.tenant!);
      const connectors = tenants.connectorsOf(tenant);
      let cached = healthCache.get(tenant.id);
      if (!cached || Date.now() - cached.at > HEALTH_CACHE_MS) {
        const connections = Promise.all(
          Object.keys(connectors).map(async (connection) => {
            const outcome = await check(tenant, connection).catch((error: unknown) => ({
              connector: connectors[connection] ?? null,
              ok: false,
              account: null,
              problems: [{ code: 'failed', message: (error as Error).message }],
              warnings: [],
            }));
            return {
              connection,
              connector: outcome.connector,
              ok: outcome.ok,
              account: outcome.account,
              problem: outcome.problems[0]?.code ?? null,
            };
          }),
        );
        healthCache.set(tenant.id, (cached = { at: Date.now(), connections }));
        connections.catch(() => healthCache.delete(tenant.id));
      }
      const pipelines = await Promise.all(
        tenant.pipelines.map(async (entry) => {
          let id: string;
          try {
            id = tenants.pipelineOf(tenant, entry.file).plan.id;
          } catch {
            return undefined;
          }
          const [last] = await runs.list({ tenant: tenant.id, pipeline: id, limit: 1 });
          const [success] = await runs.list({
            tenant: tenant.id,
            pipeline: id,
            status: 'succeeded',
            limit: 1,
          });
          const open = await deadLetters.list({
            tenant: tenant.id,
            pipeline: id,
            status: 'open',
            limit: 500,
          });
          return {
            pipeline: id,
            enabled: entry.enabled,
            lastRunAt: last?.startedAt ?? null,
            lastStatus: last?.status ?? null,
            lastSuccessAt: success?.finishedAt ?? success?.startedAt ?? null,
            openDeadLetters: open.length,
          };
        }),
      );
      const fortnox = Object.entries(connectors)
        .filter(([, connector]) => connector === 'fortnox')
        .map(([name]) => name);
      return {
        tenant: tenant.id,
        connections: await cached.connections,
        pipelines: pipelines.filter((p) => p !== undefined),
        queue: await queueDepth(db, tenant.id),
        rateLimits: await rateUse(db, tenant, fortnox),
      };
    },

    listChanges: async ({ params }) => {
      const tenant = await tenantOf(params.tenant!);
      return changesOf(db, tenant.id);
    },

    listUsers: async ({ params }) => {
      const tenant = await tenantOf(params.tenant!);
      return { users: extras.users ? await extras.users.list(tenant.id) : [] };
    },

    createUser: async (call: Call) => {
      if (!extras.users) throw conflict('this worker keeps no users (the admin page is off)');
      const tenant = await tenantOf(call.params.tenant!);
      const { username, password } = call.body as { username: string; password: string };
      try {
        const user = await extras.users.create({ username, password, tenant: tenant.id }, call.by);
        logger.info({ tenant: tenant.id, user: user.username, by: call.by }, 'admin page user created');
        return user;
      } catch (error) {
        if (error instanceof AdminUserError)
          throw /exists/.test(error.message) ? conflict(error.message) : invalid(error.message);
        throw error;
      }
    },
  };
  return handlers;
}
