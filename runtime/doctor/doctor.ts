/**
 * `koppla doctor`: checks a tenant's prerequisites against the live systems (sandboxes in tests),
 * before the first run and whenever something breaks. Every problem is a finding with what is wrong,
 * why it matters and how to fix it; the same report backs the CLI and the admin API.
 */
import { resolvePackParams } from '../../core/rules/params.ts';
import type { StoreDiagnostics } from '../../connectors/woocommerce/operations/store-diagnostics.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import type { LoadedPipeline } from '../project/workspace.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { DoctorConnection, type Answer } from './connection.ts';
import { emittedValues, type PackInUse } from './emittable.ts';
import { fortnoxChecks, scopeOfOperation, type CheckFn } from './fortnox-checks.ts';
import { wooChecks } from './woocommerce-checks.ts';
import type { DoctorCheck, DoctorFinding, DoctorReport, DoctorSystem } from './types.ts';

export interface DoctorOptions {
  readonly tenant: Tenant;
  /** The tenant's enabled pipelines, compiled (PipelineRunner.plan / Workspace.pipeline). */
  readonly pipelines: readonly LoadedPipeline[];
  readonly connectors: ConnectorRegistry;
  readonly logger: RuntimeLogger;
  readonly signal?: AbortSignal;
  readonly now?: () => Date;
}

interface Planned {
  readonly id: string;
  readonly system: DoctorSystem;
  readonly title: string;
  readonly run: CheckFn;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { tenant, pipelines, connectors, logger } = options;
  const signal = options.signal ?? new AbortController().signal;
  const checks: DoctorCheck[] = [];
  const findings: DoctorFinding[] = [];

  // which connections the pipelines use, with what operations, streams and event triggers
  const connections = new Map<string, { connector: string; uses: Set<string>; topics: Set<string> }>();
  const use = (name: string, connector: string) => {
    let entry = connections.get(name);
    if (!entry) connections.set(name, (entry = { connector, uses: new Set(), topics: new Set() }));
    return entry;
  };
  for (const { plan } of pipelines) {
    for (const [name, connection] of Object.entries(plan.connections)) use(name, connection.connector);
    use(plan.source.connection, plan.source.connector).uses.add(plan.source.stream);
    for (const step of plan.steps)
      if (step.kind === 'operation') use(step.connection, step.connector).uses.add(step.operation);
    for (const event of plan.trigger.events) {
      // `shop.order.created` → the shop connection's topic `order.created`
      const [connection, ...topic] = event.split('.');
      const entry = connection ? connections.get(connection) : undefined;
      if (entry && topic.length > 0) entry.topics.add(topic.join('.'));
    }
  }

  // the packs as this tenant's runs use them: its toggles, its params over the pipeline's, defaults
  const packs: PackInUse[] = [];
  const packParams = new Map<string, Readonly<Record<string, unknown>>>();
  const planned: Planned[] = [];
  for (const { plan, packs: compiled } of pipelines) {
    for (const planPack of plan.packs) {
      const pack = compiled.get(planPack.reference);
      if (!pack || !(tenant.toggles.packs[pack.id] ?? planPack.enabled)) continue;
      let params: Readonly<Record<string, unknown>>;
      try {
        params = resolvePackParams(pack, planPack.params, tenant.params[pack.id]);
      } catch (error) {
        planned.push({
          id: `koppla.params.${pack.id}`,
          system: 'koppla',
          title: `params of pack ${pack.id}`,
          run: async () => ({
            detail: 'invalid',
            findings: [
              {
                severity: 'error',
                what: (error as Error).message,
                why: 'Every record of the pipeline fails at the rules step.',
                fix: `Correct the tenant's params: koppla tenants set ${tenant.id} --param ${pack.id}.<name>=<value>.`,
              },
            ],
          }),
        });
        continue;
      }
      packParams.set(pack.id, params);
      packs.push({
        pack,
        params,
        enabledRules: new Set(
          pack.rules.filter((r) => tenant.toggles.rules[r.key] ?? r.enabled).map((r) => r.key),
        ),
      });
    }
  }
  const emitted = emittedValues(packs);

  let shopFacts: StoreDiagnostics | undefined;
  for (const [name, entry] of [...connections].sort(([a], [b]) => a.localeCompare(b))) {
    if (entry.connector !== 'woocommerce' || !connectors.manifests().has(entry.connector)) continue;
    const shop = new DoctorConnection(name, connectors.get(entry.connector), tenant, logger, signal);
    const facts = await shop.call<StoreDiagnostics>('store.diagnostics', {});
    if (facts.ok && !shopFacts) shopFacts = facts.value;
    for (const check of wooChecks({ shop, facts, topics: [...entry.topics].sort() }))
      planned.push({ ...check, system: 'woocommerce' });
  }
  for (const [name, entry] of [...connections].sort(([a], [b]) => a.localeCompare(b))) {
    if (entry.connector !== 'fortnox' || !connectors.manifests().has(entry.connector)) continue;
    const ledger = new DoctorConnection(name, connectors.get(entry.connector), tenant, logger, signal);
    const requiredScopes = new Set(
      [...entry.uses].map(scopeOfOperation).filter((s): s is string => s !== undefined),
    );
    const list = fortnoxChecks({
      ledger,
      tenantId: tenant.id,
      requiredScopes,
      emitted,
      packParams,
      tenantParams: tenant.params,
      shop: shopFacts,
    });
    // the token first: with a refused token the other checks only repeat its finding
    const [token, ...rest] = list;
    if (token) planned.push({ ...token, system: 'fortnox' });
    planned.push(
      ...rest.map((check) => ({
        ...check,
        system: 'fortnox' as const,
        run: async () => {
          const tokenCheck = checks.find((c) => c.id === token?.id);
          if (tokenCheck && tokenCheck.status === 'failed')
            return { skipped: true, detail: 'needs a working Fortnox connection (see above)' };
          return check.run();
        },
      })),
    );
  }
  if (connections.size === 0)
    findings.push({
      check: 'koppla.pipelines',
      system: 'koppla',
      severity: 'error',
      what: `tenant ${tenant.id} has no enabled pipeline`,
      why: 'Nothing runs for this tenant.',
      fix: `Add one: koppla tenants set ${tenant.id} --pipeline-set <pipeline>=on, or list it in koppla.yaml.`,
    });

  for (const check of planned) {
    let outcome;
    try {
      outcome = await check.run();
    } catch (error) {
      outcome = { skipped: true, detail: `the check failed: ${(error as Error).message}` };
    }
    const found = (outcome.findings ?? []).map((f): DoctorFinding => ({
      ...f,
      check: check.id,
      system: check.system,
    }));
    findings.push(...found);
    checks.push({
      id: check.id,
      system: check.system,
      title: check.title,
      status: found.some((f) => f.severity === 'error')
        ? 'failed'
        : found.length > 0
          ? 'warning'
          : outcome.skipped
            ? 'skipped'
            : 'passed',
      detail: outcome.detail,
    });
  }
  return {
    tenant: tenant.id,
    checkedAt: (options.now?.() ?? new Date()).toISOString(),
    ok: !findings.some((f) => f.severity === 'error'),
    checks,
    findings,
  };
}

export type { Answer };
