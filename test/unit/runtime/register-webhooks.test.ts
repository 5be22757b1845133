/**
 * `koppla webhooks register`: the events a tenant's pipelines subscribe to become webhooks in the
 * shop (the WooCommerce sandbox), pointing at this installation's endpoint for the tenant and
 * connection — once, however often it is run — and a connection without a secret is refused.
 */
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import { Workspace } from '../../../runtime/project/workspace.ts';
import { registryWithBuiltins } from '../../../runtime/registry/builtin-connectors.ts';
import { registerTenantWebhooks } from '../../../runtime/service/register-webhooks.ts';
import type { Tenant } from '../../../runtime/tenants/tenant.ts';

const pipeline = (name: string) => fileURLToPath(new URL(`../../../pipelines/${name}`, import.meta.url));
const connectors = registryWithBuiltins();
const workspace = new Workspace(connectors);
const plans = ['orders-to-fortnox.yaml', 'stock-to-woocommerce.yaml'].map((file) => {
  const loaded = workspace.pipeline(pipeline(file));
  if (!loaded.value) throw new Error(`${file} does not compile`);
  return loaded.value.plan;
});

let shop: Awaited<ReturnType<typeof startSandbox>>;
beforeAll(async () => {
  shop = await startSandbox({ webhookDelivery: 'manual' });
});
afterAll(async () => shop.stop());

const tenant = (webhookSecret?: string): Tenant => ({
  id: 'acme',
  name: 'Acme AB',
  enabled: true,
  pipelines: [],
  toggles: { packs: {}, rules: {} },
  params: {},
  connections: {
    shop: {
      settings: { url: shop.url, auth: 'basic' },
      secrets: {
        consumerKey: SANDBOX_CONSUMER_KEY,
        consumerSecret: SANDBOX_CONSUMER_SECRET,
        ...(webhookSecret ? { webhookSecret } : {}),
      },
    },
    ledger: { settings: {}, secrets: {} },
  },
});
const register = (webhookSecret?: string) =>
  registerTenantWebhooks({
    tenant: tenant(webhookSecret),
    plans,
    connectors,
    publicUrl: 'https://koppla.example.se/',
    logger: pino({ level: 'silent' }),
  });

describe('registering a tenant’s webhooks', () => {
  it('creates the shop’s order webhooks for the orders pipeline’s events, then keeps them', async () => {
    const first = await register('hook-secret-1');
    expect(first).toEqual([
      {
        connection: 'shop',
        connector: 'woocommerce',
        deliveryUrl: 'https://koppla.example.se/webhooks/acme/shop',
        events: ['order.created', 'order.updated'],
        registrations: [
          { id: expect.any(String), event: 'order.created', action: 'created' },
          { id: expect.any(String), event: 'order.updated', action: 'created' },
        ],
      },
    ]);
    const hooks = [...shop.state.webhooks.values()];
    expect(hooks.map((h) => [h.topic, h.delivery_url, h.status])).toEqual([
      ['order.created', 'https://koppla.example.se/webhooks/acme/shop', 'active'],
      ['order.updated', 'https://koppla.example.se/webhooks/acme/shop', 'active'],
    ]);
    const again = await register('hook-secret-1');
    expect(again[0]?.registrations?.map((r) => r.action)).toEqual(['kept', 'kept']);
    expect(shop.state.webhooks.size).toBe(2);
  });

  it('refuses a connection without webhookSecret: no delivery could be verified', async () => {
    await expect(register()).rejects.toThrow(/webhookSecret/);
  });
});
