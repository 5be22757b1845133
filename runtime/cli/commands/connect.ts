import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import type { Db } from 'mongodb';
import type { ConnectorDefinition, TokenStore } from '../../../core/plugin-api/index.ts';
import { redact } from '../../../core/plugin-api/index.ts';
import { tenantAdminFor } from '../../admin/tenant-admin.ts';
import { TOKENS } from '../../container/tokens.ts';
import { connectorLogger, type RuntimeLogger } from '../../logging/logger.ts';
import { builtinConnectors, servicePluginHost } from '../../registry/builtin-connectors.ts';
import type { SecretBox } from '../../secrets/secret-box.ts';
import type { TenantDirectory } from '../../tenants/tenant-directory.ts';
import { secretValues, type Tenant } from '../../tenants/tenant.ts';
import { asUserErrors, runtimeCommand } from '../runtime-command.ts';
import { withRuntime, type RuntimeCommandOptions } from '../runtime-session.ts';
import { TerminalInput } from '../terminal-input.ts';

/** What Koppla's shipped pipelines need of Fortnox; every scope is read and write there. */
export const DEFAULT_FORTNOX_SCOPES = [
  'companyinformation',
  'customer',
  'order',
  'invoice',
  'payment',
  'article',
  'price',
  'settings',
  'bookkeeping',
  'currency',
  'warehouse',
];
const DEFAULT_FORTNOX_AUTH_URL = 'https://apps.fortnox.se';

interface ConnectOptions extends RuntimeCommandOptions {
  tenant: string;
  connection?: string;
  scope?: string;
  code?: string;
}

export function registerConnectCommand(program: Command): void {
  const connect = program
    .command('connect')
    .description("connect a tenant to a service's account (OAuth consent)");
  runtimeCommand(
    connect,
    'fortnox',
    "authorize Koppla in the tenant's Fortnox company and store the tokens (encrypted, in MongoDB)",
  )
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--connection <name>', 'the Fortnox connection (default: the one its pipelines use with fortnox)')
    .option('--scope <scopes>', 'space-separated Fortnox scopes', DEFAULT_FORTNOX_SCOPES.join(' '))
    .option('--code <code>', 'the authorization code (or the whole redirect URL); else it is read from stdin')
    .action((options: ConnectOptions) =>
      withRuntime(options, (container, setup) =>
        asUserErrors(async () => {
          const tenant = container.resolve<TenantDirectory>(TOKENS.Tenants).get(options.tenant);
          const connection =
            options.connection ?? fortnoxConnection(tenant, tenantAdminFor(container).connectorsOf(tenant));
          const config = tenant.connections[connection];
          const settings: Record<string, unknown> = { ...config?.settings, ...config?.secrets };
          if (typeof settings.clientId !== 'string' || settings.clientId === '')
            throw new Error(
              `tenant ${tenant.id}, connection ${connection}: set the Fortnox app's client id first (koppla tenants set ${tenant.id} --setting ${connection}.clientId=<id>)`,
            );
          if (typeof settings.clientSecret !== 'string' || settings.clientSecret === '')
            throw new Error(
              `tenant ${tenant.id}, connection ${connection}: set the Fortnox app's client secret first (koppla tenants set ${tenant.id} --secret ${connection}.clientSecret)`,
            );
          const state = randomBytes(12).toString('base64url');
          const url = fortnoxAuthorizationUrl(
            settings,
            (options.scope ?? '').split(/\s+/).filter(Boolean),
            state,
          );
          process.stdout.write(
            `Open this address as an administrator of the tenant's Fortnox company and approve Koppla:\n\n  ${url}\n\n`,
          );
          const answer =
            options.code ??
            (await new TerminalInput(process.stdin, process.stderr).ask(
              'Paste the code (or the whole address Fortnox sent you to): ',
            ));
          const code = codeFrom(answer.trim(), state);
          const logger = container.resolve<RuntimeLogger>(TOKENS.Logger);
          const outcome = await exchangeCode(setup, tenant, connection, settings, code, logger);
          const secrets = [...secretValues(tenant), code];
          if (outcome.error) {
            const message = redact(outcome.error.message, secrets);
            throw new Error(
              outcome.stored
                ? `the tokens are stored, but the connection check failed: ${message}`
                : `Fortnox did not accept the code: ${message}`,
            );
          }
          process.stdout.write(
            `connected: tenant ${tenant.id}, connection ${connection}; the tokens are stored encrypted in MongoDB and refreshed by the workers\n`,
          );
        }),
      ),
    );
}

/** The connection its pipelines use with the fortnox connector. */
function fortnoxConnection(tenant: Tenant, connectors: Record<string, string>): string {
  const found = Object.entries(connectors)
    .filter(([, connector]) => connector === 'fortnox')
    .map(([name]) => name);
  if (found.length === 1) return found[0]!;
  if (found.length === 0)
    throw new Error(
      `tenant ${tenant.id} has no pipeline with a Fortnox connection; name it with --connection`,
    );
  throw new Error(
    `tenant ${tenant.id} has several Fortnox connections (${found.join(', ')}); name one with --connection`,
  );
}

/** Fortnox's consent page for this app, scopes and state (docs: fortnox-api.md §1.2). */
export function fortnoxAuthorizationUrl(
  settings: Record<string, unknown>,
  scopes: readonly string[],
  state: string,
): string {
  const base =
    typeof settings.authUrl === 'string' && settings.authUrl !== ''
      ? settings.authUrl
      : DEFAULT_FORTNOX_AUTH_URL;
  const query = new URLSearchParams({
    client_id: String(settings.clientId),
    scope: scopes.join(' '),
    state,
    access_type: 'offline',
    response_type: 'code',
  });
  if (typeof settings.redirectUri === 'string' && settings.redirectUri !== '')
    query.set('redirect_uri', settings.redirectUri);
  // a service account's consent: its tokens then come with client credentials, without a refresh token
  if (settings.flow === 'client_credentials') query.set('account_type', 'service');
  return `${base.replace(/\/$/, '')}/oauth-v1/auth?${query.toString().replace(/\+/g, '%20')}`;
}

/**
 * The code from what was pasted: the code itself, or the address Fortnox redirected to, whose
 * `state` must be the one this consent was asked with (else someone else's consent is being fed in).
 */
export function codeFrom(answer: string, state: string): string {
  if (!/^https?:\/\//.test(answer)) {
    if (answer === '') throw new Error('no code given');
    return answer;
  }
  const url = new URL(answer);
  const error = url.searchParams.get('error');
  if (error)
    throw new Error(
      `Fortnox refused the consent: ${error} ${url.searchParams.get('error_description') ?? ''}`.trim(),
    );
  const code = url.searchParams.get('code');
  if (!code) throw new Error('the address has no code parameter');
  if (url.searchParams.get('state') !== state)
    throw new Error('the address belongs to another consent (its state differs); start again');
  return code;
}

/**
 * Exchanges the code through the Fortnox connector itself: its settings get the code, and a token
 * store that reports no tokens yet, so the connector spends the code and saves the new pair (to
 * MongoDB, encrypted) before its connection check runs. The code is never stored.
 */
async function exchangeCode(
  setup: { readonly db: Db; readonly box: SecretBox; readonly workerName: string },
  tenant: Tenant,
  connection: string,
  settings: Record<string, unknown>,
  code: string,
  logger: RuntimeLogger,
): Promise<{ stored: boolean; error?: Error }> {
  const host = servicePluginHost(setup.db, setup.box, setup.workerName);
  if (!host.tokenStore) throw new Error('the runtime lends no token store');
  const fresh = freshTokenStore(host.tokenStore);
  const fortnox = builtinConnectors({ ...host, tokenStore: fresh.store }).find(
    (c: ConnectorDefinition) => c.meta.id === 'fortnox',
  );
  if (!fortnox?.checkConnection) throw new Error('this Koppla has no Fortnox connector');
  const { refreshToken, authorizationCode, ...rest } = settings;
  void refreshToken;
  void authorizationCode;
  try {
    await fortnox.checkConnection({
      tenantId: tenant.id,
      settings: { ...rest, authorizationCode: code },
      signal: AbortSignal.timeout(60_000),
      logger: connectorLogger(logger, { tenant: tenant.id, connection }, [...secretValues(tenant), code]),
    });
    return { stored: fresh.saved() };
  } catch (error) {
    return { stored: fresh.saved(), error: error instanceof Error ? error : new Error(String(error)) };
  }
}

/** A token store that hides the pairs saved before: a reconnect must spend the new code, not reuse old tokens. */
function freshTokenStore(store: TokenStore): { store: TokenStore; saved: () => boolean } {
  const savedKeys = new Set<string>();
  return {
    saved: () => savedKeys.size > 0,
    store: {
      get: async (key) => (savedKeys.has(key) ? store.get(key) : undefined),
      save: async (key, value) => {
        await store.save(key, value);
        savedKeys.add(key);
      },
      withRefreshLease: (key, fn) => store.withRefreshLease(key, fn),
    },
  };
}
