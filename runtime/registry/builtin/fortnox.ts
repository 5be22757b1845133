/**
 * The Fortnox connector as a plugin module. Fortnox needs two things every worker must share — the
 * OAuth token store (single-use refresh tokens, refreshed under a lease) and the 25 requests / 5 s
 * budget — so its plugin entry is a factory the loader calls with the runtime's services; the
 * default export (in-process services) serves the tools that call no service.
 */
import type { PluginServices, TokenStore } from '../../../core/plugin-api/index.ts';
import type { TokenPair } from '../../../connectors/fortnox/client/index.ts';
import { createFortnoxConnector } from '../../../connectors/fortnox/connector.ts';

export { default } from '../../../connectors/fortnox/connector.ts';

export function createConnector(services: PluginServices) {
  return createFortnoxConnector({
    tokenStore: services.tokenStore as TokenStore<TokenPair>,
    rateLimiter: services.rateLimiter,
  });
}
