import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { DependencyContainer } from 'tsyringe';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { redactDeep } from '../../core/plugin-api/index.ts';
import { TOKENS } from '../container/tokens.ts';
import type { DeadLetter, DeadLetterStatus, DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import { describeHandResolve, resolveByHand } from '../dead-letter/resolve-by-hand.ts';
import { PipelineRunner } from '../executor/pipeline-runner.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import type { Run, RunStatus, RunStore } from '../store/index.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import { secretValues } from '../tenants/tenant.ts';
import { AdminError, conflict, notFound } from './admin-error.ts';
import type { AdminKeyring, AdminPrincipal } from './api-keys.ts';
import { openApiDocument } from './openapi.ts';
import { ADMIN_PREFIX, fastifyPath, ROUTES, type OperationId, type RouteSpec } from './routes.ts';
import { ErrorSchema } from './schemas.ts';
import { tenantAdminFor, type RunQueue } from './tenant-admin.ts';
import type { ScheduleTarget } from '../tenants/sync-schedules.ts';
import type { PipelineInput, PipelinePatch, TenantInput, TenantPatch, TogglesPatch } from './tenant-types.ts';
import { guardTenantScope, type RequestAuthenticator } from './tenant-scope.ts';
import { AuthThrottle } from './auth-throttle.ts';
import { uiHandlers, type AdminExtrasDeps } from './ui-handlers.ts';
import { doctorHandlers } from './doctor-route.ts';

export interface AdminApiOptions {
  /** The worker's runtime container (stores, tenant directory and catalog, workspace, logger). */
  readonly container: DependencyContainer;
  readonly keyring: AdminKeyring;
  /** Queues "run now". */
  readonly queue?: RunQueue;
  /** The schedules, re-synced after every change: `() => new PipelineScheduler(agenda, db)`. */
  readonly schedules?: () => ScheduleTarget;
  /** Calls without an Authorization header: the admin page's session cookie (runtime/admin-ui). */
  readonly sessions?: RequestAuthenticator;
  /** What the admin page's routes need besides the container (connection checks, consent, users). */
  readonly extras?: AdminExtrasDeps;
  /** Refused API keys per client address (SECURITY.md, "admin auth"); default 300 per 5 minutes. */
  readonly throttle?: AuthThrottle;
}

/**
 * The largest admin request body: a tenant with its pipelines, toggles and params is a few KB; the
 * cap keeps one request from holding megabytes of a worker's memory (413 beyond it).
 */
export const ADMIN_BODY_LIMIT = 256 * 1024;

/** Dead letters replayed per `replayTenant` call. */
export const REPLAY_BATCH = 500;

export interface Call {
  readonly request: FastifyRequest;
  readonly params: Record<string, string>;
  readonly query: Record<string, unknown>;
  readonly body: unknown;
  /** `api:<key name>`: who made a change, as tenant revisions record it. */
  readonly by: string;
  /** Who calls; undefined only for public routes. */
  readonly principal: AdminPrincipal | undefined;
}

export type Handler = (call: Call) => Promise<unknown>;

/**
 * Mounts the admin API under /admin/v1 on a worker's HTTP server: every route of ROUTES, validated
 * and serialized with its schemas (a serializer drops whatever a response schema does not name), an
 * API key on every call but the OpenAPI document, and every answer scrubbed of all tenants' secret
 * values as a last line of defence.
 */
export async function registerAdminApi(http: FastifyInstance, options: AdminApiOptions): Promise<void> {
  const { container, keyring } = options;
  const throttle = options.throttle ?? new AuthThrottle();
  const directory = container.resolve<TenantDirectory>(TOKENS.Tenants);
  const runs = container.resolve<RunStore>(TOKENS.Runs);
  const deadLetters = container.resolve<DeadLetterStore>(TOKENS.DeadLetters);
  const logger = container.resolve<RuntimeLogger>(TOKENS.Logger);
  const tenants = tenantAdminFor(container, {
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.schedules ? { schedules: options.schedules } : {}),
  });
  const openApi = openApiDocument();
  // who made each call, for the logs and the tenant revisions
  const principals = new WeakMap<object, AdminPrincipal>();

  const replay = async (ids: readonly string[]) => {
    // the runner reads tenants from the directory: make it see the latest changes first
    await directory.refresh();
    const runner = container.createChildContainer().resolve(PipelineRunner);
    const results: { id: string; status: 'resolved' | 'failed'; message?: string }[] = [];
    for (const id of ids) {
      try {
        const result = await runner.replay(id);
        results.push({ id, ...result });
      } catch (error) {
        throw conflict(`dead letter ${id}: ${(error as Error).message}`);
      }
    }
    const failed = results.filter((r) => r.status === 'failed').length;
    return { resolved: results.length - failed, failed, results };
  };
  const existingTenant = async (id: string) => (await tenants.get(id)).id;

  const handlers: Readonly<Record<OperationId, Handler>> = {
    listTenants: async ({ principal }) => ({
      tenants: (await tenants.list()).filter((t) => !principal?.tenant || t.id === principal.tenant),
    }),
    createTenant: ({ body, by }) => tenants.create(body as TenantInput, by),
    getTenant: ({ params }) => tenants.get(params.tenant!),
    updateTenant: ({ params, body, by }) => tenants.update(params.tenant!, body as TenantPatch, by),
    enableTenant: ({ params, by }) => tenants.setEnabled(params.tenant!, true, by),
    disableTenant: ({ params, by }) => tenants.setEnabled(params.tenant!, false, by),
    listPipelines: async ({ params }) => ({ pipelines: await tenants.pipelines(params.tenant!) }),
    addPipeline: ({ params, body, by }) => tenants.addPipeline(params.tenant!, body as PipelineInput, by),
    updatePipeline: ({ params, body, by }) =>
      tenants.updatePipeline(params.tenant!, params.pipeline!, body as PipelinePatch, by),
    triggerRun: ({ params }) => tenants.trigger(params.tenant!, params.pipeline!),
    getToggles: ({ params }) => tenants.toggles(params.tenant!),
    updateToggles: ({ params, body, by }) => tenants.updateToggles(params.tenant!, body as TogglesPatch, by),
    listRuns: async ({ params, query }) => {
      const tenant = await existingTenant(params.tenant!);
      const list = await runs.list({
        tenant,
        ...(typeof query.pipeline === 'string' ? { pipeline: query.pipeline } : {}),
        ...(typeof query.status === 'string' ? { status: query.status as RunStatus } : {}),
        limit: Number(query.limit ?? 50),
      });
      return { runs: list.map((run) => runView(run, false)) };
    },
    getRun: async ({ params }) => {
      const run = await runs.get(params.id!);
      if (!run) throw notFound(`no run ${params.id}`);
      const failed = await deadLetters.list({ tenant: run.tenant, pipeline: run.pipeline, limit: 1000 });
      return {
        ...runView(run, true),
        deadLetters: failed.filter((d) => d.runId === run.id).map((d) => deadLetterView(d, false)),
      };
    },
    listDeadLetters: async ({ params, query }) => {
      const tenant = await existingTenant(params.tenant!);
      const list = await deadLetters.list({
        tenant,
        ...(typeof query.pipeline === 'string' ? { pipeline: query.pipeline } : {}),
        ...(typeof query.status === 'string' ? { status: query.status as DeadLetterStatus } : {}),
        limit: Number(query.limit ?? 100),
      });
      return { deadLetters: list.map((d) => deadLetterView(d, false)) };
    },
    getDeadLetter: async ({ params }) => {
      const dead = await deadLetters.get(params.id!);
      if (!dead) throw notFound(`no dead letter ${params.id}`);
      return deadLetterView(dead, true);
    },
    replayDeadLetter: async ({ params, by }) => {
      const dead = await deadLetters.get(params.id!);
      if (!dead) throw notFound(`no dead letter ${params.id}`);
      const result = await replay([dead.id]);
      logger.info(
        { deadLetter: dead.id, tenant: dead.tenant, by, ...result.results[0] },
        'dead letter replayed',
      );
      return result;
    },
    replayTenant: async ({ params, query, by }) => {
      const tenant = await existingTenant(params.tenant!);
      const open = await deadLetters.list({
        tenant,
        status: 'open',
        ...(typeof query.pipeline === 'string' ? { pipeline: query.pipeline } : {}),
        limit: REPLAY_BATCH,
      });
      const result = await replay(open.map((d) => d.id));
      logger.info({ tenant, by, resolved: result.resolved, failed: result.failed }, 'dead letters replayed');
      return result;
    },
    resolveDeadLetter: async ({ params, body, by }) => {
      const tenant = await existingTenant(params.tenant!);
      const { note } = body as { note?: string };
      const [result] = await resolveByHand(deadLetters, {
        tenant,
        ids: [params.id!],
        resolvedBy: by,
        ...(note === undefined ? {} : { note }),
      });
      if (!result || result.outcome === 'unknown') throw notFound(`no dead letter ${params.id}`);
      if (result.outcome === 'already-resolved') throw conflict(describeHandResolve(result, tenant));
      logger.info({ deadLetter: result.id, tenant, by }, 'dead letter resolved by hand');
      return deadLetterView(result.deadLetter, false);
    },
    getOpenApi: async () => openApi,
    ...uiHandlers({ container, tenants, replay, extras: options.extras ?? {} }),
    ...doctorHandlers(container),
  };

  await http.register(
    async (scope) => {
      scope.setValidatorCompiler(validatorCompiler());
      scope.setErrorHandler((error: FastifyError, request, reply) =>
        sendError(error, request, reply, logger),
      );
      scope.setNotFoundHandler((_request, reply) =>
        reply.code(404).send({ error: 'not_found', message: 'no such admin API route' }),
      );
      scope.addHook('onRequest', async (request, reply) => {
        if ((request.routeOptions.config as { public?: boolean } | undefined)?.public) return;
        // a client that has sent too many wrong keys is not even checked until its window passes
        const presented = request.headers.authorization !== undefined;
        const wait = presented ? throttle.retryAfter(request.ip) : 0;
        if (wait > 0)
          return reply
            .code(429)
            .header('retry-after', String(wait))
            .send({ error: 'too_many_requests', message: `too many refused keys; try again in ${wait} s` });
        let principal: AdminPrincipal | undefined;
        if (request.headers.authorization !== undefined || !options.sessions)
          principal = await authenticate(keyring, request.headers.authorization);
        else {
          const outcome = await options.sessions.authenticate(request);
          if (outcome && 'refused' in outcome)
            return reply.code(403).send({ error: 'forbidden', message: outcome.refused });
          principal = outcome;
        }
        if (!principal) {
          if (presented) throttle.failed(request.ip);
          await reply
            .code(401)
            .header('www-authenticate', 'Bearer realm="koppla-admin"')
            .send({ error: 'unauthorized', message: 'send Authorization: Bearer <admin API key>' });
          return reply;
        }
        principals.set(request.raw, principal);
        return undefined;
      });
      // the last line of defence: no tenant's secret value leaves in an answer, whatever a bug put there
      scope.addHook('preSerialization', async (_request, _reply, payload) =>
        redactDeep(payload, directory.all().flatMap(secretValues)),
      );
      for (const route of ROUTES as readonly RouteSpec[]) {
        const handler = handlers[route.operationId as OperationId];
        scope.route({
          method: route.method,
          url: fastifyPath(route.path).slice(ADMIN_PREFIX.length),
          bodyLimit: ADMIN_BODY_LIMIT,
          config: { public: route.public === true },
          schema: fastifySchema(route),
          // a body that may be left out is validated as the empty one it stands for
          ...(route.bodyOptional
            ? {
                preValidation: async (request: FastifyRequest) => {
                  request.body ??= {};
                },
              }
            : {}),
          handler: async (request, reply) => {
            const principal = principals.get(request.raw);
            const params = (request.params ?? {}) as Record<string, string>;
            // a shop owner's session sees its own tenant only: checked here, for every route
            await guardTenantScope(route.operationId, principal, params, { runs, deadLetters });
            const body = await handler({
              request,
              params,
              query: (request.query ?? {}) as Record<string, unknown>,
              body: request.body,
              by: byOf(principal),
              principal,
            });
            return reply.code(route.status).send(body);
          },
        });
      }
    },
    { prefix: ADMIN_PREFIX },
  );
}

/** `updatedBy` of a change: `api:<key>` (header or an operator's session), `user:<name>` (a shop owner). */
function byOf(principal: AdminPrincipal | undefined): string {
  if (!principal) return 'api';
  return principal.via === 'user-session' ? `user:${principal.name}` : `api:${principal.name}`;
}

async function authenticate(
  keyring: AdminKeyring,
  header: string | undefined,
): Promise<AdminPrincipal | undefined> {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  return keyring.verify(match[1]);
}

function fastifySchema(route: RouteSpec): Record<string, unknown> {
  const errors: Record<number, unknown> = {
    400: ErrorSchema,
    401: ErrorSchema,
    403: ErrorSchema,
    404: ErrorSchema,
    409: ErrorSchema,
    500: ErrorSchema,
  };
  return {
    ...(route.params ? { params: route.params } : {}),
    ...(route.querystring ? { querystring: route.querystring } : {}),
    ...(route.body ? { body: route.body } : {}),
    response: { [route.status]: route.response, ...errors },
  };
}

/**
 * Request validation with ajv for JSON Schema 2020-12 (the OpenAPI 3.1 dialect): strict about bodies
 * (an unknown field is an error, not silently dropped), coercing only query strings and path
 * parameters, which arrive as text.
 */
function validatorCompiler() {
  const strict = new Ajv2020({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false });
  const coercing = new Ajv2020({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true });
  return ({ schema, httpPart }: { schema: unknown; httpPart?: string }) =>
    (httpPart === 'querystring' || httpPart === 'params' ? coercing : strict).compile(schema as object);
}

function sendError(error: FastifyError, request: FastifyRequest, reply: FastifyReply, logger: RuntimeLogger) {
  if (error instanceof AdminError) {
    return reply.code(error.status).send({
      error: error.code,
      message: error.message,
      ...(error.diagnostics.length > 0 ? { details: error.diagnostics } : {}),
    });
  }
  if (error.validation) {
    return reply.code(400).send({
      error: 'invalid_request',
      message: `${error.validationContext ?? 'request'}: ${error.message}`,
    });
  }
  const status = error.statusCode ?? 500;
  // a body over the limit or of a type the API does not read keeps its own status
  if (status === 413 || status === 415)
    return reply.code(status).send({ error: 'invalid_request', message: error.message });
  if (status >= 400 && status < 500)
    return reply.code(400).send({ error: 'invalid_request', message: error.message });
  logger.error({ err: error, url: request.url, method: request.method }, 'admin API error');
  return reply
    .code(500)
    .send({ error: 'internal', message: "internal error; the worker's log has the details" });
}

function runView(run: Run, withTraces: boolean) {
  return {
    id: run.id,
    tenant: run.tenant,
    pipeline: run.pipeline,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    durationMs: run.durationMs ?? null,
    counts: run.counts,
    error: run.error ?? null,
    calls: run.calls ?? {},
    ...(withTraces ? { traces: run.traces ?? [] } : {}),
  };
}

function deadLetterView(dead: DeadLetter, full: boolean) {
  return {
    id: dead.id,
    tenant: dead.tenant,
    pipeline: dead.pipeline,
    recordKey: dead.recordKey,
    failedStep: dead.failedStep,
    position: dead.position,
    error: dead.error,
    attempts: dead.attempts,
    failures: dead.failures,
    status: dead.status,
    runId: dead.runId ?? null,
    firstFailedAt: dead.firstFailedAt,
    lastFailedAt: dead.lastFailedAt,
    replays: dead.replays,
    replayedAt: dead.replayedAt ?? null,
    resolvedAt: dead.resolvedAt ?? null,
    resolution: dead.resolution ?? null,
    resolvedBy: dead.resolvedBy ?? null,
    note: dead.note ?? null,
    ...(full ? { record: dead.record ?? null, trace: dead.trace ?? null } : {}),
  };
}
