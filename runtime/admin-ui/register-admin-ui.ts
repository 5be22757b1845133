import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { registerAdminApi, type AdminApiOptions } from '../admin/admin-api.ts';
import type { AdminPrincipal } from '../admin/api-keys.ts';
import type { RequestAuthenticator } from '../admin/tenant-scope.ts';
import { TOKENS } from '../container/tokens.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import { ADMIN_UI_DIST, ensureAdminUiBuilt } from './build-ui.ts';
import { csrfMatches, SessionStore, type SessionPrincipal, type SessionTimes } from './sessions.ts';
import { AdminUserStore } from './users.ts';

export const ADMIN_UI_PREFIX = '/admin';
export const SESSION_COOKIE = 'koppla_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface AdminUiOptions extends AdminApiOptions {
  readonly db: Db;
  /** The master key: Fortnox consent stores its tokens with it, dry runs get read-only connectors. */
  readonly box?: SecretBox;
  readonly sessions?: never;
  readonly sessionTimes?: SessionTimes;
  /** The built page; default admin-ui/dist, built on first use when missing or stale. */
  readonly distDir?: string;
  /**
   * Set the cookie's Secure attribute. Default true: browsers keep Secure cookies on http://localhost
   * and 127.0.0.1 too, so only a plain-HTTP address elsewhere needs false (and should not exist).
   */
  readonly secureCookies?: boolean;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** The page talks only to this origin; nothing of it may be framed, and the OAuth code never leaks in a Referer. */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Failed sign-ins allowed per client address and window, before 429. */
const SIGN_IN_FAILURES = 10;
const SIGN_IN_WINDOW_MS = 5 * 60_000;

/**
 * The admin page on a worker's HTTP server: the production build under /admin (static files, built
 * on first use when missing), sign-in (an admin API key or a tenant's user) with sessions in
 * MongoDB behind an HttpOnly SameSite=Strict Secure cookie, and the admin API under /admin/v1 that
 * also accepts that session — with its CSRF token for every change, and a shop owner kept to their
 * own tenant.
 */
export async function registerAdminUi(http: FastifyInstance, options: AdminUiOptions): Promise<void> {
  const { db, keyring } = options;
  const users = new AdminUserStore(db);
  const sessions = new SessionStore(db, options.sessionTimes);
  const logger = options.container.resolve<RuntimeLogger>(TOKENS.Logger);
  const secure = options.secureCookies ?? true;
  const dist = options.distDir ?? ADMIN_UI_DIST;
  const failures = new Map<string, number[]>();

  const tokenOf = (request: FastifyRequest): string | undefined => {
    for (const part of (request.headers.cookie ?? '').split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === SESSION_COOKIE) return value.join('=');
    }
    return undefined;
  };
  const sameOrigin = (request: FastifyRequest): boolean => {
    const origin = request.headers.origin;
    if (origin === undefined) return true; // same-origin GETs and non-browser clients send none
    return origin === `${request.protocol}://${request.headers.host}`;
  };
  const principalOf = (p: SessionPrincipal): AdminPrincipal => ({
    name: p.name,
    ...(p.tenant ? { tenant: p.tenant } : {}),
    via: p.byKey || p.kind === 'operator' ? 'key-session' : 'user-session',
  });

  const authenticator: RequestAuthenticator = {
    async authenticate(request) {
      const token = tokenOf(request);
      if (!token) return undefined;
      const session = await sessions.get(token);
      if (!session) return undefined;
      const safe = request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS';
      if (!safe) {
        const header = request.headers[CSRF_HEADER];
        if (!sameOrigin(request) || !csrfMatches(session, Array.isArray(header) ? header[0] : header))
          return { refused: 'a change through the admin page needs its CSRF token (reload the page)' };
      }
      return principalOf(session.principal);
    },
  };

  await registerAdminApi(http, {
    ...options,
    sessions: authenticator,
    extras: { ...options.extras, users, ...(options.box ? { box: options.box } : {}) },
  });

  const cookie = (token: string, maxAgeS: number) =>
    `${SESSION_COOKIE}=${token}; Path=${ADMIN_UI_PREFIX}; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure ? '; Secure' : ''}`;
  const sessionAnswer = (principal: SessionPrincipal, csrf: string, expiresAt: Date) => ({
    kind: principal.kind,
    name: principal.name,
    tenant: principal.tenant ?? null,
    csrf,
    expiresAt: expiresAt.toISOString(),
  });

  http.post(`${ADMIN_UI_PREFIX}/session`, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    // a JSON body and our own origin: another site can neither post this form nor sign a victim in
    if (!String(request.headers['content-type'] ?? '').startsWith('application/json') || !sameOrigin(request))
      return reply.code(403).send({ error: 'forbidden', message: 'sign in from the admin page' });
    const address = request.ip;
    const now = Date.now();
    const recent = (failures.get(address) ?? []).filter((at) => at > now - SIGN_IN_WINDOW_MS);
    if (recent.length >= SIGN_IN_FAILURES)
      return reply
        .code(429)
        .send({ error: 'too_many', message: 'too many failed sign-ins; wait a few minutes' });
    const body = (request.body ?? {}) as { apiKey?: unknown; username?: unknown; password?: unknown };
    let principal: SessionPrincipal | undefined;
    if (typeof body.apiKey === 'string' && body.apiKey !== '') {
      const key = await keyring.verify(body.apiKey);
      // a key limited to one tenant (koppla admin key create --tenant) signs in as that shop's owner
      if (key)
        principal = key.tenant
          ? { kind: 'owner', name: key.name, tenant: key.tenant, byKey: true }
          : { kind: 'operator', name: key.name, byKey: true };
    } else if (typeof body.username === 'string' && typeof body.password === 'string') {
      const user = await users.verify(body.username, body.password);
      if (user) principal = { kind: 'owner', name: user.username, tenant: user.tenant };
    }
    if (!principal) {
      failures.set(address, [...recent, now]);
      logger.warn({ address }, 'admin page sign-in refused');
      return reply.code(401).send({ error: 'unauthorized', message: 'wrong key, user name or password' });
    }
    failures.delete(address);
    const { token, session } = await sessions.create(principal);
    logger.info(
      { who: principal.name, kind: principal.kind, tenant: principal.tenant },
      'admin page sign-in',
    );
    return reply
      .header('set-cookie', cookie(token, Math.floor(sessions.idleMs / 1000)))
      .send(sessionAnswer(principal, session.csrf, session.expiresAt));
  });

  http.get(`${ADMIN_UI_PREFIX}/session`, async (request, reply) => {
    reply.header('cache-control', 'no-store');
    const token = tokenOf(request);
    const session = token ? await sessions.get(token) : undefined;
    if (!session) return reply.code(401).send({ error: 'unauthorized', message: 'not signed in' });
    return sessionAnswer(session.principal, session.csrf, session.expiresAt);
  });

  http.post(`${ADMIN_UI_PREFIX}/session/sign-out`, async (request, reply) => {
    const token = tokenOf(request);
    if (token) {
      const session = await sessions.get(token);
      const header = request.headers[CSRF_HEADER];
      if (session && !csrfMatches(session, Array.isArray(header) ? header[0] : header))
        return reply.code(403).send({ error: 'forbidden', message: 'sign out from the admin page' });
      await sessions.end(token);
    }
    return reply.header('set-cookie', cookie('', 0)).code(204).send();
  });

  // the page: built on first use when missing or stale, then served from disk
  let ready: Promise<unknown> | undefined;
  const serve = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!options.distDir) {
      ready ??= ensureAdminUiBuilt().catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      try {
        await ready;
      } catch (error) {
        logger.error({ error: (error as Error).message }, 'the admin page could not be built');
        return reply
          .code(503)
          .type('text/plain')
          .send(`The admin page is not available: ${(error as Error).message}`);
      }
    }
    const path = decodeURIComponent((request.params as { '*'?: string })['*'] ?? '');
    if (path.startsWith('v1/'))
      return reply.code(404).send({ error: 'not_found', message: 'no such admin API route' });
    const root = resolve(dist);
    let file = resolve(root, path);
    if (file !== root && !file.startsWith(root + sep)) return reply.code(404).send();
    // a screen's address (/admin/activity) is the page itself; only real files are files
    if (path === '' || !existsSync(file) || !extname(file)) file = join(root, 'index.html');
    if (!existsSync(file)) return reply.code(503).type('text/plain').send('The admin page is not built.');
    const html = file.endsWith('.html');
    reply.headers(PAGE_HEADERS);
    reply.header('cache-control', html ? 'no-store' : 'public, max-age=31536000, immutable');
    return reply.type(TYPES[extname(file)] ?? 'application/octet-stream').send(readFileSync(file));
  };
  http.get(ADMIN_UI_PREFIX, (_request, reply) => reply.redirect(`${ADMIN_UI_PREFIX}/`));
  http.get(`${ADMIN_UI_PREFIX}/*`, serve);
}
