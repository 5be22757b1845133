import { REDACTED } from '../../core/plugin-api/index.ts';
import type { CatalogEntry } from '../tenants/tenant-catalog.ts';
import { invalid } from './admin-error.ts';
import type { TenantPipelines } from './tenant-pipelines.ts';
import type { ConnectionView, PipelineView, SecretStateView, TenantView } from './tenant-types.ts';
import type { Tenant } from '../tenants/tenant.ts';

/** A tenant as the admin API and the CLI show it: which secrets are set, never their values. */
export function tenantView(entry: CatalogEntry, pipelines: TenantPipelines): TenantView {
  const { tenant, stored } = entry;
  const connectors = pipelines.connectorsOf(tenant);
  const connections: Record<string, ConnectionView> = {};
  for (const [name, connection] of Object.entries(tenant.connections)) {
    const secretKeys = pipelines.secretKeys(connectors[name]);
    const storedKeys = new Set(stored?.secrets.filter((s) => s.connection === name).map((s) => s.key));
    const secrets: Record<string, SecretStateView> = {};
    for (const key of secretKeys) secrets[key] = { set: false, source: null };
    for (const [key, value] of Object.entries(connection.secrets)) {
      if (value !== '') secrets[key] = { set: true, source: storedKeys.has(key) ? 'store' : 'file' };
    }
    connections[name] = {
      connector: connectors[name] ?? null,
      // a secret written as a setting by mistake is still not shown
      settings: Object.fromEntries(
        Object.entries(connection.settings).map(([key, value]) => [
          key,
          secretKeys.includes(key) ? REDACTED : value,
        ]),
      ),
      secrets,
    };
  }
  return {
    id: tenant.id,
    name: tenant.name,
    enabled: tenant.enabled,
    origin: entry.origin,
    revision: stored?.revision ?? null,
    updatedAt: stored?.updatedAt ?? null,
    updatedBy: stored?.updatedBy ?? null,
    pipelines: tenant.pipelines.map((p) => pipelineView(tenant, p, pipelines)),
    toggles: { packs: { ...tenant.toggles.packs }, rules: { ...tenant.toggles.rules } },
    params: tenant.params,
    connections,
  };
}

function pipelineView(
  tenant: Tenant,
  p: Tenant['pipelines'][number],
  pipelines: TenantPipelines,
): PipelineView {
  const plan = pipelines.tryCompile(p.file)?.plan;
  const every = p.everyMs ?? plan?.trigger.everyMs;
  return {
    id: plan?.id ?? null,
    title: plan?.title ?? null,
    file: pipelines.shown(p.file),
    enabled: p.enabled,
    everyMs: p.everyMs ?? null,
    scheduleEveryMs: plan && tenant.enabled && p.enabled && every !== undefined ? every : null,
    events: plan?.trigger.events ?? [],
    problems: pipelines.problems(p.file),
  };
}

/** Settings the connector marks secret must come as secrets: settings are shown and stored in clear. */
export function checkConnections(
  tenant: Tenant,
  pipelines: TenantPipelines,
  connections: Readonly<Record<string, { readonly settings?: object }>>,
): void {
  const connectors = pipelines.connectorsOf(tenant);
  for (const [name, connection] of Object.entries(connections)) {
    const secretKeys = pipelines.secretKeys(connectors[name]);
    for (const key of Object.keys(connection.settings ?? {})) {
      if (secretKeys.includes(key))
        throw invalid(
          `connections.${name}.settings.${key} is a secret: send it in connections.${name}.secrets`,
        );
    }
  }
}
