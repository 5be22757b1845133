import type { ConnectorDefinition } from '../../core/plugin-api/index.ts';
import fortnox from '../../connectors/fortnox/connector.ts';
import woocommerce from '../../connectors/woocommerce/connector.ts';
import { ConnectorRegistry } from './connector-registry.ts';

/** The connectors that ship with Koppla; plugins add to them. */
export const BUILTIN_CONNECTORS: readonly ConnectorDefinition[] = [fortnox, woocommerce];

export function registryWithBuiltins(): ConnectorRegistry {
  const registry = new ConnectorRegistry();
  for (const connector of BUILTIN_CONNECTORS) registry.register(connector);
  return registry;
}
