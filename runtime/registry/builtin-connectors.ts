import type { Db } from 'mongodb';
import type { ConnectorDefinition } from '../../core/plugin-api/index.ts';
import fortnox, { createFortnoxConnector } from '../../connectors/fortnox/connector.ts';
import woocommerce from '../../connectors/woocommerce/connector.ts';
import { ConnectorRegistry } from './connector-registry.ts';
import { LeaseStore, MongoRateBudget } from '../store/index.ts';
import { MongoTokenStore } from '../secrets/mongo-token-store.ts';
import type { SecretBox } from '../secrets/secret-box.ts';

/** The connectors that ship with Koppla; plugins add to them. For tools that call no service (lint, explain). */
export const BUILTIN_CONNECTORS: readonly ConnectorDefinition[] = [fortnox, woocommerce];

export function registryWithBuiltins(
  connectors: readonly ConnectorDefinition[] = BUILTIN_CONNECTORS,
): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  for (const connector of connectors) registry.register(connector);
  return registry;
}

/**
 * The built-in connectors for workers that call services: Fortnox keeps its OAuth tokens in
 * MongoDB (encrypted, refreshed under a lease shared by all workers) and spends one request
 * budget per tenant across all workers (25 / 5 s), instead of the per-process defaults.
 */
export function serviceConnectors(db: Db, box: SecretBox, workerName: string): ConnectorRegistry {
  const tokenStore = new MongoTokenStore(db, new LeaseStore(db), box, { holder: workerName });
  return registryWithBuiltins([
    createFortnoxConnector({ tokenStore, rateLimiter: new MongoRateBudget(db) }),
    woocommerce,
  ]);
}
