import { defineConnector } from '../../core/plugin-api/index.ts';
import {
  FortnoxClient,
  defaultClientDeps,
  settingsSchema,
  type ClientDeps,
  type FortnoxSettings,
} from './client/index.ts';
import { articlesList } from './operations/articles-list.ts';
import { customersCreate, customersFind, customersUpdate } from './operations/customers.ts';
import { customersUpsert } from './operations/customers-upsert.ts';
import { invoicesCreate, ordersCreate, ordersCreateInvoice } from './operations/documents.ts';
import { invoicePaymentsCreate } from './operations/invoice-payments.ts';
import {
  invoicesBookkeep,
  invoicesCancel,
  invoicesCredit,
  invoicesGet,
  invoicesList,
} from './operations/invoices.ts';
import {
  accountsList,
  companySettingsGet,
  currenciesList,
  modesOfPaymentList,
  predefinedAccountsList,
  termsOfDeliveryList,
  termsOfPaymentList,
  vatCodesList,
  waysOfDeliveryList,
} from './operations/lookups.ts';
import { ordersCancel, ordersGet, ordersList } from './operations/orders.ts';
import { pricesGet, pricesList } from './operations/prices.ts';
import { fortnoxEvents } from './events/index.ts';
import { sandbox } from './sandbox/index.ts';
import { articlesStream, articlesStreamOptionsSchema } from './streams/articles.ts';
import { ordersStream, ordersStreamOptionsSchema } from './streams/orders.ts';
import { stockStream } from './streams/stock.ts';
import {
  customOutboundSaveOperation,
  stockBalancesListOperation,
  stockPointsListOperation,
  stockStreamOptionsSchema,
  warehouseStatusOperation,
} from './warehouse/index.ts';
import { invoicePaymentsList } from './operations/invoice-payments-list.ts';

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
      description:
        'Fortnox accounting (REST API v3): customers, articles, orders, invoices, credits, payments and registers.',
      docsUrl: 'https://api.fortnox.se/apidocs',
    },
    // the streams' options live in the connection settings too, under `streams.<stream>`
    credentials: {
      ...settingsSchema,
      properties: {
        ...settingsSchema.properties,
        streams: {
          type: 'object',
          additionalProperties: false,
          properties: {
            orders: ordersStreamOptionsSchema,
            articles: articlesStreamOptionsSchema,
            stock: stockStreamOptionsSchema,
          },
        },
      },
    },
    rateLimit: { requests: 25, perMs: 5000, scope: 'tenant' },
    streams: { stock: stockStream(deps), orders: ordersStream(deps), articles: articlesStream(deps) },
    operations: {
      'customers.upsert': customersUpsert(deps),
      'customers.find': customersFind(deps),
      'customers.create': customersCreate(deps),
      'customers.update': customersUpdate(deps),
      'orders.create': ordersCreate(deps),
      'orders.createInvoice': ordersCreateInvoice(deps),
      'orders.get': ordersGet(deps),
      'orders.list': ordersList(deps),
      'orders.cancel': ordersCancel(deps),
      'invoices.create': invoicesCreate(deps),
      'invoices.get': invoicesGet(deps),
      'invoices.list': invoicesList(deps),
      'invoices.bookkeep': invoicesBookkeep(deps),
      'invoices.cancel': invoicesCancel(deps),
      'invoices.credit': invoicesCredit(deps),
      'invoicePayments.create': invoicePaymentsCreate(deps),
      'invoicePayments.list': invoicePaymentsList(deps),
      'currencies.list': currenciesList(deps),
      'modesOfPayment.list': modesOfPaymentList(deps),
      'termsOfPayment.list': termsOfPaymentList(deps),
      'waysOfDelivery.list': waysOfDeliveryList(deps),
      'termsOfDelivery.list': termsOfDeliveryList(deps),
      'predefinedAccounts.list': predefinedAccountsList(deps),
      'accounts.list': accountsList(deps),
      'vatCodes.list': vatCodesList(deps),
      'companySettings.get': companySettingsGet(deps),
      'articles.list': articlesList(deps),
      'prices.list': pricesList(deps),
      'prices.get': pricesGet(deps),
      'warehouse.status': warehouseStatusOperation(deps),
      'warehouse.stockPoints.list': stockPointsListOperation(deps),
      'warehouse.stockBalances.list': stockBalancesListOperation(deps),
      'warehouse.customOutbound.save': customOutboundSaveOperation(deps),
    },
    sandbox,
    // Fortnox's WebSocket API as event triggers (`<connection>.order.updated`, …): events/.
    events: fortnoxEvents(deps),
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
