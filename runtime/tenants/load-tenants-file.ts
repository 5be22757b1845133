import { dirname, resolve } from 'node:path';
import { KopplaUserError, type Diagnostic } from '../../core/diagnostics/index.ts';
import { parseDuration } from '../../core/config/index.ts';
import { schemaDiagnostics } from '../../core/validate/schema-diagnostics.ts';
import { SCHEMA_IDS, validatorFor } from '../../core/validate/schema-registry.ts';
import { readYamlFile } from '../project/read-yaml-file.ts';
import type { Tenant } from './tenant.ts';

interface TenantDocument {
  id: string;
  name?: string;
  enabled?: boolean;
  pipelines: { pipeline: string; enabled?: boolean; every?: string }[];
  toggles?: { packs?: Record<string, boolean>; rules?: Record<string, boolean> };
  params?: Record<string, Record<string, unknown>>;
  connections: Record<
    string,
    { settings?: Record<string, unknown>; secrets?: Record<string, string | { env: string }> }
  >;
}

/**
 * Reads `koppla.yaml` (kind: Tenants). Secrets written as `{ env: NAME }` are read from `env`; a
 * missing one stops the load with a message that names the tenant, connection and key — never a
 * value. Fails fast with file:line:col diagnostics on anything else.
 */
export function loadTenantsFile(path: string, env: NodeJS.ProcessEnv = process.env): Tenant[] {
  const source = readYamlFile(path);
  const validate = validatorFor(SCHEMA_IDS.tenants);
  if (!validate(source.value))
    throw new KopplaUserError(
      `${source.file}: invalid tenants file`,
      schemaDiagnostics(validate.errors ?? [], source),
    );
  const documents = (source.value as { tenants: TenantDocument[] }).tenants;
  const diagnostics: Diagnostic[] = [];
  const problem = (pointer: string, rule: string, message: string) =>
    diagnostics.push({ ...source.positionOf(pointer), severity: 'error', rule, message, pointer });

  const seen = new Set<string>();
  const tenants = documents.map((doc, t): Tenant => {
    if (seen.has(doc.id)) problem(`/tenants/${t}/id`, 'duplicate-id', `tenant "${doc.id}" is listed twice`);
    seen.add(doc.id);
    const pipelines = doc.pipelines.map((p, i) => {
      const everyMs = p.every === undefined ? undefined : parseDuration(p.every);
      if (p.every !== undefined && everyMs === undefined)
        problem(`/tenants/${t}/pipelines/${i}/every`, 'invalid-schedule', `"${p.every}" is not a duration`);
      return { file: resolve(dirname(path), p.pipeline), enabled: p.enabled ?? true, everyMs };
    });
    const connections = Object.fromEntries(
      Object.entries(doc.connections).map(([name, connection]) => {
        const secrets = Object.fromEntries(
          Object.entries(connection.secrets ?? {}).map(([key, value]) => {
            if (typeof value === 'string') return [key, value];
            const resolved = env[value.env];
            if (resolved === undefined || resolved === '')
              problem(
                `/tenants/${t}/connections/${name}/secrets/${key}`,
                'missing-secret',
                `tenant "${doc.id}", connection "${name}": secret "${key}" comes from $${value.env}, which is not set`,
              );
            return [key, resolved ?? ''];
          }),
        );
        return [name, { settings: connection.settings ?? {}, secrets }];
      }),
    );
    return {
      id: doc.id,
      name: doc.name ?? doc.id,
      enabled: doc.enabled ?? true,
      pipelines,
      toggles: { packs: doc.toggles?.packs ?? {}, rules: doc.toggles?.rules ?? {} },
      params: doc.params ?? {},
      connections,
    };
  });
  if (diagnostics.length > 0) throw new KopplaUserError(`${source.file}: invalid tenants file`, diagnostics);
  return tenants;
}
