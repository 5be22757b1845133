import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { SandboxConfig } from './config.ts';
import { DEFAULT_TENANT, type SandboxState } from './state.ts';

/**
 * Fortnox's consent page (`GET /oauth-v1/auth`), as far as a browser test needs it: no login form,
 * the company's administrator approves at once. A known client gets a fresh single-use authorization
 * code for the sandbox's company and is sent back to `redirect_uri` with it and its `state`, as
 * Fortnox does; `?deny=1` sends it back with `error=access_denied`. Without a redirect_uri the page
 * shows the code, for pasting into `koppla connect fortnox`.
 */
export function registerConsentPage(app: FastifyInstance, state: SandboxState, config: SandboxConfig): void {
  app.get('/oauth-v1/auth', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const clientId = query.client_id ?? '';
    if (!state.clients.has(clientId))
      return reply
        .status(400)
        .type('text/plain')
        .send('Unknown client_id: this app is not registered with Fortnox.');
    const redirect = query.redirect_uri;
    const back = (params: Record<string, string>) => {
      const url = new URL(redirect!);
      for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
      if (query.state !== undefined) url.searchParams.set('state', query.state);
      return reply.redirect(url.toString(), 302);
    };
    if (query.deny !== undefined && redirect)
      return back({ error: 'access_denied', error_description: 'The user denied the request' });
    const code = randomBytes(12).toString('base64url');
    state.authorizationCodes.set(code, {
      tenantId: DEFAULT_TENANT,
      clientId,
      expiresAt: config.now() + config.authorizationCodeTtlMs,
      used: false,
    });
    if (!redirect) return reply.type('text/plain').send(`Authorization code: ${code}`);
    return back({ code });
  });
}
