import { defineConnector, type ConnectorContext } from '../../core/plugin-api/index.ts';
import { wooRequest } from './client/index.ts';
import { batchUpdate, listBySku, listRefunds, setStatus } from './operations/index.ts';
import { sandbox } from './sandbox/index.ts';
import { credentialsSchema, type WooSettings } from './settings.ts';
import { ordersStream } from './streams/orders.ts';
import { productsStream } from './streams/products.ts';
import { wooWebhooks } from './webhooks/definition.ts';

/** WooCommerce (REST API `wc/v3`, WooCommerce 8–10): orders, refunds and products in; order status, stock and product data out. */
export default defineConnector({
  meta: {
    id: 'woocommerce',
    name: 'WooCommerce',
    version: '0.1.0',
    description:
      'A WooCommerce store through its REST API (wc/v3): orders, refunds and products as canonical records; order status, stock and product updates.',
    docsUrl: 'https://woocommerce.github.io/woocommerce-rest-api-docs/',
  },
  credentials: credentialsSchema,
  streams: { orders: ordersStream, products: productsStream },
  operations: {
    'orders.setStatus': setStatus,
    'orders.listRefunds': listRefunds,
    'products.batchUpdate': batchUpdate,
    'products.listBySku': listBySku,
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
