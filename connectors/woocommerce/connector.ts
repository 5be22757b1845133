import {
  defineConnector,
  type ConnectorContext,
  type KeyValueStore,
  type PluginServices,
} from '../../core/plugin-api/index.ts';
import { wooRequest } from './client/index.ts';
import { listRefunds, setStatus } from './operations/index.ts';
import { batchUpdateOperation } from './operations/batch-update.ts';
import { listBySkuOperation } from './operations/list-by-sku.ts';
import { sandbox } from './sandbox/index.ts';
import { credentialsSchema, type WooSettings } from './settings.ts';
import { ordersStream } from './streams/orders.ts';
import { productsStreamWith } from './streams/products.ts';
import { wooWebhooks } from './webhooks/definition.ts';
import { ordersCount, probeWrite, storeDiagnostics } from './operations/store-diagnostics.ts';

/** What the runtime lends the connector; without it (the tools) nothing is cached. */
export interface WooConnectorDeps {
  /** Shared by all workers: the SKU cache of `products.listBySku` (`cached: true`) lives here. */
  readonly keyValueStore?: KeyValueStore;
}

/** WooCommerce (REST API `wc/v3`, WooCommerce 8–10): orders, refunds and products in; order status, stock and product data out. */
export function createWooConnector(deps: WooConnectorDeps = {}) {
  const skuCache = deps.keyValueStore ? { store: deps.keyValueStore } : undefined;
  return defineConnector({
    meta: {
      id: 'woocommerce',
      name: 'WooCommerce',
      version: '0.1.0',
      description:
        'A WooCommerce store through its REST API (wc/v3): orders, refunds and products as canonical records; order status, stock and product updates.',
      docsUrl: 'https://woocommerce.github.io/woocommerce-rest-api-docs/',
    },
    credentials: credentialsSchema,
    streams: { orders: ordersStream, products: productsStreamWith(skuCache) },
    operations: {
      'orders.setStatus': setStatus,
      'orders.listRefunds': listRefunds,
      'products.batchUpdate': batchUpdateOperation(skuCache),
      'products.listBySku': listBySkuOperation(skuCache),
      // koppla doctor: the store's prerequisites, and whether the keys may write
      'store.diagnostics': storeDiagnostics,
      'keys.probeWrite': probeWrite,
      // koppla backfill's progress bar
      'orders.count': ordersCount,
    },
    sandbox,
    webhooks: wooWebhooks(),
    async checkConnection(ctx: ConnectorContext<object>) {
      await wooRequest(ctx as ConnectorContext<WooSettings>, {
        path: '/orders',
        query: { per_page: 1, _fields: 'id' },
      });
    },
  });
}

export default createWooConnector();

/** The plugin entry the runtime calls with its services: the SKU cache in the worker's MongoDB. */
export function createConnector(services: PluginServices) {
  return createWooConnector(services.keyValueStore ? { keyValueStore: services.keyValueStore } : {});
}
