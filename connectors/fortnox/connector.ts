import { defineConnector } from '../../core/plugin-api/index.ts';
import {
  FortnoxClient,
  defaultClientDeps,
  settingsSchema,
  type ClientDeps,
  type FortnoxSettings,
} from './client/index.ts';
import { articlesList } from './operations/articles-list.ts';
import { customersUpsert } from './operations/customers-upsert.ts';
import { invoicesCreate, ordersCreate, ordersCreateInvoice } from './operations/documents.ts';
import { sandbox } from './sandbox/index.ts';
import { stockStream } from './streams/stock.ts';

/**
 * The Fortnox connector. `deps` is where the runtime plugs in what must be shared across workers:
 * the token store (single-use refresh tokens, refreshed under a lease) and the rate limiter (25
 * requests / 5 s per tenant). The default export uses in-memory ones, right for one process.
 */
export function createFortnoxConnector(overrides: Partial<ClientDeps> = {}) {
  const deps = defaultClientDeps(overrides);
  return defineConnector({
    meta: {
      id: 'fortnox',
      name: 'Fortnox',
      version: '0.1.0',
      description: 'Fortnox accounting (REST API v3): customers, articles, orders and invoices.',
      docsUrl: 'https://api.fortnox.se/apidocs',
    },
    credentials: settingsSchema,
    rateLimit: { requests: 25, perMs: 5000, scope: 'tenant' },
    streams: { stock: stockStream(deps) },
    operations: {
      'customers.upsert': customersUpsert(deps),
      'orders.create': ordersCreate(deps),
      'orders.createInvoice': ordersCreateInvoice(deps),
      'invoices.create': invoicesCreate(deps),
      'articles.list': articlesList(deps),
    },
    sandbox,
    async checkConnection(ctx) {
      const settings = ctx.settings as FortnoxSettings;
      await new FortnoxClient(settings, ctx.tenantId, deps).request('GET', '/3/customers', {
        query: { limit: 1 },
        signal: ctx.signal,
      });
    },
  });
}

export default createFortnoxConnector();
