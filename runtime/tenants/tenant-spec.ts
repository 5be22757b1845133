import { isAbsolute, relative, resolve } from 'node:path';
import type { Tenant, TenantConnection, TenantPipeline } from './tenant.ts';

/** One pipeline of a tenant as stored: its file (relative to the installation folder) and overrides. */
export interface PipelineSpec {
  readonly pipeline: string;
  readonly enabled?: boolean;
  /** The tenant's interval; absent: koppla.yaml's, else the pipeline's own. */
  readonly everyMs?: number;
}

export interface TogglesSpec {
  readonly packs?: Readonly<Record<string, boolean>>;
  readonly rules?: Readonly<Record<string, boolean>>;
}

/**
 * A tenant as MongoDB keeps it: everything but the secrets, which are sealed apart. For a tenant
 * koppla.yaml also lists, it holds only what was changed through the admin API or the CLI; those
 * values win over the file's (see `effectiveTenant`).
 */
export interface TenantSpec {
  readonly name?: string;
  readonly enabled?: boolean;
  readonly pipelines?: readonly PipelineSpec[];
  readonly toggles?: TogglesSpec;
  /** Rule-pack params by pack id; each pack's are merged key by key over koppla.yaml's. */
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly connections?: Readonly<Record<string, { readonly settings?: Readonly<Record<string, unknown>> }>>;
}

/** Plain secret values by connection and key. */
export type SecretValues = Readonly<Record<string, Readonly<Record<string, string>>>>;

/**
 * The tenant a run uses. koppla.yaml gives the base (`file`), MongoDB's changes (`spec`, `secrets`)
 * win over it field by field: name and enabled; each pipeline's enabled and interval (pipelines are
 * matched by file; new ones are added); each toggle; each param of each pack; each setting and each
 * secret of each connection. A tenant only in MongoDB is its spec with the defaults of koppla.yaml
 * (enabled, every pipeline enabled, no toggles).
 */
export function effectiveTenant(
  id: string,
  file: Tenant | undefined,
  stored: { readonly spec: TenantSpec; readonly secrets: SecretValues } | undefined,
  projectDir: string,
): Tenant {
  const spec = stored?.spec ?? {};
  const pipelines: TenantPipeline[] = [...(file?.pipelines ?? [])];
  for (const entry of spec.pipelines ?? []) {
    const path = pipelineFile(entry.pipeline, projectDir);
    const at = pipelines.findIndex((p) => p.file === path);
    const base = at >= 0 ? pipelines[at] : undefined;
    const merged: TenantPipeline = {
      file: path,
      enabled: entry.enabled ?? base?.enabled ?? true,
      everyMs: entry.everyMs ?? base?.everyMs,
    };
    if (at >= 0) pipelines[at] = merged;
    else pipelines.push(merged);
  }
  const params: Record<string, Readonly<Record<string, unknown>>> = { ...(file?.params ?? {}) };
  for (const [pack, values] of Object.entries(spec.params ?? {}))
    params[pack] = { ...params[pack], ...values };
  const names = new Set([
    ...Object.keys(file?.connections ?? {}),
    ...Object.keys(spec.connections ?? {}),
    ...Object.keys(stored?.secrets ?? {}),
  ]);
  const connections: Record<string, TenantConnection> = {};
  for (const name of names) {
    const base = file?.connections[name];
    connections[name] = {
      settings: { ...base?.settings, ...spec.connections?.[name]?.settings },
      secrets: { ...base?.secrets, ...stored?.secrets[name] },
    };
  }
  return {
    id,
    name: spec.name ?? file?.name ?? id,
    enabled: spec.enabled ?? file?.enabled ?? true,
    pipelines,
    toggles: {
      packs: { ...file?.toggles.packs, ...spec.toggles?.packs },
      rules: { ...file?.toggles.rules, ...spec.toggles?.rules },
    },
    params,
    connections,
  };
}

/** The absolute file of a stored pipeline path. */
export function pipelineFile(pipeline: string, projectDir: string): string {
  return resolve(projectDir, pipeline);
}

/** How a pipeline file is stored and shown: relative to the installation folder when inside it. */
export function storedPipelinePath(file: string, projectDir: string): string {
  const absolute = resolve(projectDir, file);
  const shown = relative(projectDir, absolute);
  return shown.startsWith('..') || isAbsolute(shown) ? absolute : shown;
}

/**
 * RFC 7396 JSON merge patch: objects merge member by member, `null` removes a member, anything
 * else (arrays included) replaces; `undefined` members are left out. Returns a new value; neither argument is changed.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    // undefined is no JSON: a member left out
    if (value === undefined) continue;
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/**
 * The spec without the empty maps a merge patch leaves behind (`toggles: { packs: {} }`, a pack
 * with no params left, a connection with no settings), so a stored spec holds only real changes.
 * Param values themselves are kept as they are, `{}` included.
 */
export function compactSpec(spec: TenantSpec): TenantSpec {
  const nonEmpty = (value: object | undefined) => value !== undefined && Object.keys(value).length > 0;
  const packs = spec.toggles?.packs;
  const rules = spec.toggles?.rules;
  const toggles = { ...(nonEmpty(packs) ? { packs } : {}), ...(nonEmpty(rules) ? { rules } : {}) };
  const params = Object.fromEntries(Object.entries(spec.params ?? {}).filter(([, v]) => nonEmpty(v)));
  const connections = Object.fromEntries(
    Object.entries(spec.connections ?? {})
      .filter(([, c]) => nonEmpty(c.settings))
      .map(([name, c]) => [name, { settings: c.settings }]),
  );
  return {
    ...(spec.name === undefined ? {} : { name: spec.name }),
    ...(spec.enabled === undefined ? {} : { enabled: spec.enabled }),
    ...(spec.pipelines && spec.pipelines.length > 0 ? { pipelines: spec.pipelines } : {}),
    ...(nonEmpty(toggles) ? { toggles } : {}),
    ...(nonEmpty(params) ? { params } : {}),
    ...(nonEmpty(connections) ? { connections } : {}),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
