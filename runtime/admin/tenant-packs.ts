import { KopplaUserError, type Diagnostic } from '../../core/diagnostics/index.ts';
import type { PlanPack } from '../../core/plan/execution-plan.ts';
import { resolvePackParams, type CompiledRulePack } from '../../core/rules/index.ts';
import { didYouMean } from '../../core/validate/did-you-mean.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { invalid } from './admin-error.ts';
import type { TenantPipelines } from './tenant-pipelines.ts';
import type { PackToggleView, TogglesView } from './tenant-types.ts';

interface PackUseSite {
  readonly pack: CompiledRulePack;
  readonly pipeline: string;
  readonly use: PlanPack;
}

/** The packs a tenant's pipelines use, by pack id, with where each is used. */
function packsOf(tenant: Tenant, pipelines: TenantPipelines): Map<string, PackUseSite[]> {
  const packs = new Map<string, PackUseSite[]>();
  for (const entry of tenant.pipelines) {
    const loaded = pipelines.tryCompile(entry.file);
    if (!loaded) continue;
    for (const use of loaded.plan.packs) {
      const pack = loaded.packs.get(use.reference);
      if (!pack) continue;
      let sites = packs.get(pack.id);
      if (!sites) packs.set(pack.id, (sites = []));
      sites.push({ pack, pipeline: loaded.plan.id, use });
    }
  }
  return packs;
}

/** Each pack with its rules: the default, the tenant's switch and the state that follows. */
export function togglesView(tenant: Tenant, pipelines: TenantPipelines): TogglesView {
  const packs: PackToggleView[] = [];
  for (const [packId, sites] of packsOf(tenant, pipelines)) {
    const [first] = sites;
    if (!first) continue;
    const { pack } = first;
    const toggle = tenant.toggles.packs[packId];
    packs.push({
      id: packId,
      title: pack.title ?? null,
      description: pack.description ?? null,
      version: pack.version,
      pipelines: [...new Set(sites.map((s) => s.pipeline))],
      default: first.use.enabled,
      toggle: toggle ?? null,
      enabled: toggle ?? first.use.enabled,
      params: tenant.params[packId] ?? {},
      paramsSchema: pack.paramsSchema ?? null,
      rules: pack.rules.map((rule) => {
        const ruleToggle = tenant.toggles.rules[rule.key];
        return {
          id: rule.id,
          key: rule.key,
          description: rule.description ?? null,
          default: rule.enabled,
          toggle: ruleToggle ?? null,
          enabled: ruleToggle ?? rule.enabled,
        };
      }),
    });
  }
  return { tenant: tenant.id, packs };
}

/** Switches must name packs and rules the tenant's pipelines use (with a did-you-mean when not). */
export function checkToggles(
  tenant: Tenant,
  pipelines: TenantPipelines,
  touched: { readonly packs: object; readonly rules: object },
): void {
  const packs = packsOf(tenant, pipelines);
  for (const id of Object.keys(touched.packs)) {
    if (!packs.has(id))
      throw invalid(
        `toggles.packs: no pipeline of tenant "${tenant.id}" uses pack "${id}"${didYouMean(id, packs.keys())}`,
      );
  }
  const rules = [...packs.values()].flatMap((sites) => sites[0]?.pack.rules.map((r) => r.key) ?? []);
  for (const key of Object.keys(touched.rules)) {
    if (!rules.includes(key))
      throw invalid(`toggles.rules: "${key}" is no rule of the tenant's packs${didYouMean(key, rules)}`);
  }
}

/** The tenant's params of these packs must fit each pack's params schema, wherever it is used. */
export function checkParams(tenant: Tenant, pipelines: TenantPipelines, packIds: readonly string[]): void {
  const packs = packsOf(tenant, pipelines);
  const diagnostics: Diagnostic[] = [];
  const messages: string[] = [];
  // a pipeline's own options live under its id (params.products-to-woocommerce.fields); the
  // pipeline reads and checks them itself
  const pipelineIds = new Set(
    tenant.pipelines
      .map((entry) => pipelines.tryCompile(entry.file)?.plan.id)
      .filter((id) => id !== undefined),
  );
  for (const id of packIds) {
    const sites = packs.get(id);
    if (!sites && pipelineIds.has(id)) continue;
    if (!sites)
      throw invalid(
        `params: no pipeline of tenant "${tenant.id}" uses pack "${id}"${didYouMean(id, packs.keys())}`,
      );
    for (const site of sites) {
      try {
        resolvePackParams(site.pack, site.use.params, tenant.params[id]);
      } catch (error) {
        if (!(error instanceof KopplaUserError)) throw error;
        messages.push(error.message);
        diagnostics.push(...error.diagnostics);
      }
    }
  }
  if (messages.length > 0) throw invalid([...new Set(messages)].join('; '), diagnostics);
}
