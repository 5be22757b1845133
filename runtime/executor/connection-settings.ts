import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';
import type { Tenant, TenantConnection } from '../tenants/tenant.ts';

type Settings = Readonly<Record<string, unknown>>;

const isPlainObject = (value: unknown): value is Settings =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** `over` on top of `under`, object by object: a tenant that sets one stream option keeps the pipeline's others. */
function mergeSettings(under: Settings, over: Settings): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...under };
  for (const [key, value] of Object.entries(over)) {
    const base = merged[key];
    merged[key] = isPlainObject(base) && isPlainObject(value) ? mergeSettings(base, value) : value;
  }
  return merged;
}

/** The tenant's entry for a pipeline connection: by its name, else by the pipeline's `credentials.secretRef`. */
export function tenantConnection(
  tenant: Tenant,
  plan: ExecutionPlan | undefined,
  connection: string,
): TenantConnection | undefined {
  const secretRef = plan?.connections[connection]?.secretRef;
  return tenant.connections[connection] ?? (secretRef ? tenant.connections[secretRef] : undefined);
}

/**
 * What a connector gets as `ctx.settings` for one connection of a pipeline: the pipeline's
 * `connections.<name>.settings` as defaults, the tenant's settings over them (the shop owner's choice
 * wins, key by key), and the tenant's secrets last (a pipeline never holds one).
 */
export function connectionSettings(
  tenant: Tenant,
  plan: ExecutionPlan | undefined,
  connection: string,
): Record<string, unknown> {
  const config = tenantConnection(tenant, plan, connection);
  return {
    ...mergeSettings(plan?.connections[connection]?.settings ?? {}, config?.settings ?? {}),
    ...(config?.secrets ?? {}),
  };
}
