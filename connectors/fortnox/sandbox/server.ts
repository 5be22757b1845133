import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { RunningSandbox, SandboxOptions } from '../../../core/plugin-api/index.ts';
import { resolveConfig, type SandboxConfig, type SandboxConfigInput } from './config.ts';
import { FortnoxHttpError, UNAUTHORIZED_BODY } from './errors.ts';
import { attachEventsEndpoint, type EventsEndpoint } from './events-socket.ts';
import { OAuthError, tenantOfBearer, tokenEndpoint } from './oauth.ts';
import { BAD_JSON, Registers } from './registers.ts';
import {
  DEFAULT_PRICE_CONFIG,
  PriceRegisters,
  registerPriceRoutes,
  type PriceSandboxConfig,
} from './prices.ts';
import { LOOKUP_DEFAULTS } from './lookups.ts';
import { registerWarehouseRoutes, seedWarehouse } from './warehouse.ts';
import { registerConsentPage } from './consent.ts';
import { MISSING_SCOPE_BODY, scopeOfPath } from './scopes.ts';
import { RESOURCES, isResourceName } from './resources.ts';
import {
  DEFAULT_AUTHORIZATION_CODE,
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  DEFAULT_TENANT,
  RESOURCE_NAMES,
  SandboxState,
  type Fault,
  type RequestLogEntry,
  type SandboxSeed,
} from './state.ts';

export interface FortnoxSandboxOptions extends SandboxOptions {
  readonly seed?: SandboxSeed;
  readonly config?: SandboxConfigInput;
  /** How prices behave where Fortnox's documentation is silent (prices.ts). */
  readonly prices?: Partial<PriceSandboxConfig>;
}

export interface RunningFortnoxSandbox extends RunningSandbox {
  /** The state, for tests in the same process (the admin routes give the same over HTTP). */
  readonly state: SandboxState;
  readonly config: SandboxConfig;
  /** The WebSocket events endpoint (`/topics-v1`) and its event log. */
  readonly events?: EventsEndpoint;
}

/** What every sandbox starts with: one client, one tenant, a refresh token and an authorization code. */
export const DEFAULT_SEED: SandboxSeed = {
  clients: [DEFAULT_CLIENT],
  refreshTokens: [{ token: DEFAULT_REFRESH_TOKEN, clientId: DEFAULT_CLIENT.clientId }],
  authorizationCodes: [{ code: DEFAULT_AUTHORIZATION_CODE, clientId: DEFAULT_CLIENT.clientId }],
  serviceAccounts: [{ clientId: DEFAULT_CLIENT.clientId, tenantId: DEFAULT_TENANT }],
};

declare module 'fastify' {
  interface FastifyRequest {
    fortnoxLog?: RequestLogEntry;
    fortnoxTenant?: string;
  }
}

/** Starts the Fortnox sandbox on 127.0.0.1 (any free port unless `port` is given). */
export async function startFortnoxSandbox(
  options: FortnoxSandboxOptions = {},
): Promise<RunningFortnoxSandbox> {
  const config = resolveConfig(options.config);
  const priceConfig: PriceSandboxConfig = { ...DEFAULT_PRICE_CONFIG, ...options.prices };
  const state = new SandboxState();
  const windows = new Map<string, number[]>();
  let baseUrl = config.publicUrl ?? '';

  const seed = (input: SandboxSeed) => {
    applySeed(state, input, config, () => baseUrl);
    new PriceRegisters(state.tenant(input.tenantId ?? DEFAULT_TENANT), config, priceConfig, baseUrl).seed(
      input,
    );
    seedWarehouse(state.tenant(input.tenantId ?? DEFAULT_TENANT), input.warehouse, config);
  };
  seed(DEFAULT_SEED);
  if (options.seed) seed(options.seed);

  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text) as unknown);
    } catch {
      done(null, BAD_JSON);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof OAuthError) {
      return reply
        .status(error.status)
        .header('content-type', error.contentType)
        .send(JSON.stringify(error.body));
    }
    if (error instanceof FortnoxHttpError) return reply.status(error.status).send(error.body);
    return reply
      .status(500)
      .send({ ErrorInformation: { error: 1, message: 'System exception', code: 1000003 } });
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('server', 'Fortnox');
    return payload;
  });

  // The gate every API request passes, in Fortnox's order as far as it shows: faults (standing in
  // for the network and the gateway), then the bearer token, then the per-tenant rate limit.
  app.addHook('onRequest', async (request, reply) => {
    const api = request.url.startsWith('/3/') || request.url.startsWith('/api/warehouse/');
    if (!api && !request.url.startsWith('/oauth-v1/')) return;
    const entry: RequestLogEntry = {
      tenantId: null,
      at: config.now(),
      method: request.method,
      url: request.url,
    };
    state.requests.push(entry);
    request.fortnoxLog = entry;
    const fault = takeFault(state.faults, request.url);
    if (fault) {
      entry.fault = fault.type === 'status' ? String(fault.status) : fault.type;
      if (fault.type === 'drop') {
        reply.hijack();
        request.raw.socket.destroy();
        return reply;
      }
      if (fault.type === 'status') {
        return reply.status(fault.status).send(fault.body ?? defaultFaultBody(fault.status));
      }
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    if (!api) return;
    const now = config.now();
    const tenantId = tenantOfBearer(request.headers.authorization, state, now);
    if (tenantId === undefined) return reply.status(401).send(UNAUTHORIZED_BODY);
    entry.tenantId = tenantId;
    request.fortnoxTenant = tenantId;
    const scope = config.grantedScopes ? scopeOfPath(request.url) : undefined;
    if (scope && !config.grantedScopes?.includes(scope)) return reply.status(403).send(MISSING_SCOPE_BODY);
    const window = (windows.get(tenantId) ?? []).filter((at) => at > now - config.rateLimit.windowMs);
    windows.set(tenantId, window);
    if (window.length >= config.rateLimit.requests) {
      if (config.rateLimit.countRejected) window.push(now);
      if (config.rateLimit.retryAfterHeader) {
        const oldest = window[0] ?? now;
        reply.header(
          'retry-after',
          String(Math.max(1, Math.ceil((oldest + config.rateLimit.windowMs - now) / 1000))),
        );
      }
      return reply.status(429).send(config.rateLimit.body);
    }
    window.push(now);
    entry.at = now;
    return undefined;
  });

  app.addHook('onResponse', async (request, reply) => {
    if (request.fortnoxLog) request.fortnoxLog.status = reply.statusCode;
  });

  app.post('/oauth-v1/token', async (request, reply) => {
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
      string,
      string
    >;
    const tenantHeader = request.headers.tenantid;
    const response = tokenEndpoint(
      {
        authorization: request.headers.authorization,
        tenantIdHeader: Array.isArray(tenantHeader) ? tenantHeader[0] : tenantHeader,
        form,
      },
      state,
      config,
    );
    return reply.status(200).send(response);
  });

  const registers = (request: FastifyRequest) =>
    new Registers(state.tenant(request.fortnoxTenant ?? DEFAULT_TENANT), config, baseUrl);

  type Params = { resource: string; id: string; action: string };
  type Query = Record<string, string | undefined>;
  const resourceOf = (params: Partial<Params>) => {
    const resource = params.resource ?? '';
    if (!isResourceName(resource)) throw new FortnoxHttpError(404, { message: 'not found' });
    return resource;
  };

  // the consent page of the authorization-code flow (consent.ts)
  registerConsentPage(app, state, config);

  // Fortnox Lager: /api/warehouse routes, and stock kept in step with documents (warehouse*.ts).
  registerWarehouseRoutes(app, (request) => state.tenant(request.fortnoxTenant ?? DEFAULT_TENANT), config);
  // Static routes win over the parametric ones below.
  registerPriceRoutes(
    app,
    (request) =>
      new PriceRegisters(state.tenant(request.fortnoxTenant ?? DEFAULT_TENANT), config, priceConfig, baseUrl),
  );
  app.get('/3/settings/company', async (request) => registers(request).companySettings());
  app.get('/3/companyinformation', async (request) => registers(request).companyInformation());
  app.delete<{ Params: Params }>('/3/:resource/:id', async (request, reply) => {
    if (resourceOf(request.params) !== 'invoicepayments')
      throw new FortnoxHttpError(404, { message: 'not found' });
    registers(request).deletePayment(request.params.id);
    return reply.status(204).send();
  });

  app.get<{ Params: Params; Querystring: Query }>('/3/:resource', async (request) =>
    registers(request).list(resourceOf(request.params), request.query),
  );
  app.get<{ Params: Params }>('/3/:resource/:id', async (request) =>
    registers(request).get(resourceOf(request.params), request.params.id),
  );
  app.post<{ Params: Params }>('/3/:resource', async (request, reply: FastifyReply) => {
    const resource = resourceOf(request.params);
    const body = registers(request).create(resource, request.body);
    // Recorded: 201 with a Location header that is literally the resource name.
    return reply.status(201).header('location', resource).send(body);
  });
  app.put<{ Params: Params }>('/3/:resource/:id', async (request) => {
    const resource = resourceOf(request.params);
    // Not modelled: changing a payment (and its invoice's balance) in place.
    if (resource === 'invoicepayments') throw new FortnoxHttpError(404, { message: 'not found' });
    return registers(request).update(resource, request.params.id, request.body);
  });
  app.put<{ Params: Params }>('/3/:resource/:id/:action', async (request) => {
    const resource = resourceOf(request.params);
    const { id, action } = request.params;
    const target = registers(request);
    if (resource === 'orders' && action === 'createinvoice') return target.createInvoiceFromOrder(id);
    if ((resource === 'orders' || resource === 'invoices') && action === 'cancel')
      return target.cancel(resource, id);
    if (resource === 'invoices' && action === 'bookkeep') return target.bookkeep(id);
    if (resource === 'invoices' && action === 'credit') return target.credit(id);
    if (resource === 'invoicepayments' && action === 'bookkeep') return target.bookkeepPayment(id);
    throw new FortnoxHttpError(404, { message: 'not found' });
  });

  // The admin surface: not Fortnox, so plain JSON and no auth.
  app.post('/__admin/seed', async (request) => {
    seed((request.body ?? {}) as SandboxSeed);
    return { ok: true };
  });
  app.get('/__admin/state', async () => state.snapshot());
  app.get('/__admin/faults', async () => state.faults);
  app.post('/__admin/faults', async (request, reply) => {
    const fault = parseFault(request.body);
    if (typeof fault === 'string') return reply.status(400).send({ error: fault });
    state.faults.push(fault);
    return { ok: true, faults: state.faults };
  });
  app.delete('/__admin/faults', async () => {
    state.faults.length = 0;
    return { ok: true };
  });
  app.post('/__admin/reset', async () => {
    state.reset();
    windows.clear();
    seed(DEFAULT_SEED);
    return { ok: true };
  });

  // Fortnox's WebSocket API: events from what the requests above change (events-socket.ts).
  const events = attachEventsEndpoint(app, state, { now: config.now, timeZone: config.timeZone });

  const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const url = address.replace('[::1]', '127.0.0.1');
  if (config.publicUrl === undefined) baseUrl = url;
  return {
    url,
    state,
    config,
    events,
    async stop() {
      await events.close();
      await app.close();
    },
  };
}

function applySeed(
  state: SandboxState,
  seed: SandboxSeed,
  config: SandboxConfig,
  baseUrl: () => string,
): void {
  const tenantId = seed.tenantId ?? DEFAULT_TENANT;
  const now = config.now();
  for (const client of seed.clients ?? []) state.clients.set(client.clientId, client.clientSecret);
  for (const token of seed.refreshTokens ?? []) {
    state.refreshTokens.set(token.token, {
      tenantId: token.tenantId ?? tenantId,
      clientId: token.clientId,
      expiresAt: now + config.refreshTokenTtlMs,
      used: false,
    });
  }
  for (const code of seed.authorizationCodes ?? []) {
    state.authorizationCodes.set(code.code, {
      tenantId: code.tenantId ?? tenantId,
      clientId: code.clientId,
      expiresAt: now + config.authorizationCodeTtlMs,
      used: false,
    });
  }
  for (const account of seed.serviceAccounts ?? [])
    state.serviceAccounts.add(`${account.clientId}:${account.tenantId}`);
  const tenant = state.tenant(tenantId);
  const registers = new Registers(tenant, config, baseUrl());
  // Lookup registers replace their defaults record by record.
  const lookups = new Set(LOOKUP_DEFAULTS.map(([resource]) => resource));
  for (const resource of lookups) for (const record of seed[resource] ?? []) registers.put(resource, record);
  if (seed.companySettings) tenant.companySettings = { ...tenant.companySettings, ...seed.companySettings };
  // Customers and articles first: documents refer to them; payments to invoices.
  for (const resource of RESOURCE_NAMES) {
    if (lookups.has(resource)) continue;
    const { singular } = RESOURCES[resource];
    for (const record of seed[resource] ?? [])
      registers.create(resource, { [singular]: record }, { validate: false });
  }
}

function takeFault(faults: Fault[], url: string): Fault | undefined {
  const index = faults.findIndex(
    (fault) => fault.remaining > 0 && (fault.path === undefined || url.startsWith(fault.path)),
  );
  if (index < 0) return undefined;
  const fault = faults[index] as Fault;
  fault.remaining -= 1;
  if (fault.remaining === 0) faults.splice(index, 1);
  return fault;
}

function defaultFaultBody(status: number): unknown {
  if (status === 429) return { message: 'Too Many Requests' };
  if (status === 401) return UNAUTHORIZED_BODY;
  return { ErrorInformation: { error: 1, message: 'System exception', code: 1000003 } };
}

function parseFault(body: unknown): Fault | string {
  if (typeof body !== 'object' || body === null) return 'expected a JSON object';
  const input = body as Record<string, unknown>;
  const remaining = input.count === undefined ? 1 : Number(input.count);
  if (!Number.isInteger(remaining) || remaining < 1) return 'count must be a positive integer';
  const path = typeof input.path === 'string' ? input.path : undefined;
  const scope = path === undefined ? {} : { path };
  switch (input.type) {
    case 'status': {
      const status = Number(input.status);
      if (!Number.isInteger(status) || status < 400 || status > 599) return 'status must be 400..599';
      return {
        type: 'status',
        status,
        remaining,
        ...scope,
        ...(input.body === undefined ? {} : { body: input.body }),
      };
    }
    case 'delay': {
      const ms = Number(input.ms);
      if (!Number.isFinite(ms) || ms < 0) return 'ms must be a non-negative number';
      return { type: 'delay', ms, remaining, ...scope };
    }
    case 'drop':
      return { type: 'drop', remaining, ...scope };
    default:
      return 'type must be status, delay or drop';
  }
}
