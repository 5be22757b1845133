import type { DependencyContainer } from 'tsyringe';
import { parseDuration } from '../../core/config/index.ts';
import { didYouMean } from '../../core/validate/did-you-mean.ts';
import { TOKENS } from '../container/tokens.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import type { LoadedPipeline, Workspace } from '../project/workspace.ts';
import {
  TenantExistsError,
  TenantNotStoredError,
  type SecretChanges,
  type StoredTenant,
} from '../tenants/mongo-tenant-store.ts';
import type { CatalogEntry, TenantCatalog } from '../tenants/tenant-catalog.ts';
import type { TenantDirectory } from '../tenants/tenant-directory.ts';
import {
  effectiveTenant,
  mergePatch,
  pipelineFile,
  storedPipelinePath,
  type PipelineSpec,
  type TenantSpec,
} from '../tenants/tenant-spec.ts';
import type { Tenant } from '../tenants/tenant.ts';
import { syncTenantSchedules, type ScheduleTarget } from '../tenants/sync-schedules.ts';
import { AdminError, conflict, invalid, notFound } from './admin-error.ts';
import { checkParams, checkToggles, togglesView } from './tenant-packs.ts';
import { TenantPipelines } from './tenant-pipelines.ts';
import { checkConnections, tenantView } from './tenant-view.ts';
import type {
  PipelineInput,
  PipelinePatch,
  PipelineView,
  TenantInput,
  TenantPatch,
  TenantView,
  TogglesPatch,
  TogglesView,
} from './tenant-types.ts';

/** What "run now" needs: `PipelineScheduler` fits. */
export interface RunQueue {
  runNow(tenant: string, pipeline: string, trigger?: 'manual'): Promise<unknown>;
}

export interface TenantAdminDeps {
  readonly catalog: TenantCatalog;
  /** Refreshed after every change, so this process's next run sees it. */
  readonly directory: TenantDirectory;
  /** Compiles pipelines and packs, and knows the connectors. */
  readonly workspace: Workspace;
  /**
   * The schedules, read afresh for every change (another worker or the CLI may have changed them
   * since): `() => new PipelineScheduler(agenda, db)`. Without it only the store changes.
   */
  readonly schedules?: () => ScheduleTarget;
  /** Queues "run now"; without it `trigger` is refused. */
  readonly queue?: RunQueue;
  readonly logger?: RuntimeLogger;
}

export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Shorter intervals would only fight over the run lease. */
const MIN_INTERVAL_MS = 1_000;

/**
 * Tenants as a shop owner or an operator changes them, for the admin API and `koppla tenants`:
 * every change is checked (pipelines compile, toggles name real packs and rules, params fit the
 * pack's schema, secrets are not sent as settings), written to MongoDB as a new revision, and then
 * takes effect: the tenant directory is reloaded and the tenant's schedules re-synced.
 */
export class TenantAdmin {
  readonly #pipelines: TenantPipelines;

  constructor(private readonly deps: TenantAdminDeps) {
    this.#pipelines = new TenantPipelines(deps.workspace, deps.catalog.projectDir);
  }

  async list(): Promise<TenantView[]> {
    return (await this.deps.catalog.entries()).map((entry) => tenantView(entry, this.#pipelines));
  }

  async get(id: string): Promise<TenantView> {
    return tenantView(await this.#entry(id), this.#pipelines);
  }

  async create(input: TenantInput, by: string): Promise<TenantView> {
    if (!TENANT_ID_PATTERN.test(input.id))
      throw invalid(`id "${input.id}": use lower-case letters, digits and dashes (at most 63)`);
    if (this.deps.catalog.fileTenant(input.id))
      throw conflict(
        `tenant "${input.id}" is defined in koppla.yaml; change it with PATCH or koppla tenants set`,
      );
    const pipelines: PipelineSpec[] = [];
    for (const entry of input.pipelines ?? []) {
      const added = this.#pipelineSpec(entry);
      const file = pipelineFile(added.pipeline, this.#dir);
      if (pipelines.some((p) => pipelineFile(p.pipeline, this.#dir) === file))
        throw invalid(`pipeline ${entry.pipeline} is listed twice`);
      pipelines.push(added);
    }
    const spec: TenantSpec = {
      ...(input.name === undefined ? {} : { name: input.name }),
      ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      pipelines,
      toggles: { packs: { ...input.toggles?.packs }, rules: { ...input.toggles?.rules } },
      params: { ...input.params },
      connections: Object.fromEntries(
        Object.entries(input.connections ?? {}).map(([name, c]) => [name, { settings: { ...c.settings } }]),
      ),
    };
    const secrets: SecretChanges = Object.fromEntries(
      Object.entries(input.connections ?? {}).map(([name, c]) => [name, { ...c.secrets }]),
    );
    const next = effectiveTenant(input.id, undefined, { spec, secrets: {} }, this.#dir);
    checkToggles(next, this.#pipelines, {
      packs: input.toggles?.packs ?? {},
      rules: input.toggles?.rules ?? {},
    });
    checkParams(next, this.#pipelines, Object.keys(input.params ?? {}));
    checkConnections(next, this.#pipelines, input.connections ?? {});
    return this.#write(input.id, { spec: () => spec, secrets, expect: 'absent' }, by);
  }

  async update(id: string, patch: TenantPatch, by: string): Promise<TenantView> {
    const entry = await this.#entry(id);
    const connections = patch.connections ?? {};
    const secrets: Record<string, Record<string, string | null>> = {};
    const settings: Record<string, { settings?: object }> = {};
    for (const [name, change] of Object.entries(connections)) {
      if (change === null) {
        // everything MongoDB holds for this connection goes; koppla.yaml's values remain
        for (const s of entry.stored?.secrets ?? [])
          if (s.connection === name) (secrets[name] ??= {})[s.key] = null;
        continue;
      }
      if (change.secrets) secrets[name] = { ...change.secrets };
      settings[name] = change;
    }
    const apply = (current: TenantSpec | undefined): TenantSpec =>
      mergePatch(current ?? {}, {
        name: patch.name,
        enabled: patch.enabled,
        toggles: { packs: patch.packs, rules: patch.rules },
        params: patch.params,
        connections: Object.fromEntries(
          Object.entries(connections).map(([name, c]) => [
            name,
            c === null ? null : { settings: c.settings },
          ]),
        ),
      }) as TenantSpec;
    const next = effectiveTenant(id, entry.file, { spec: apply(entry.stored?.spec), secrets: {} }, this.#dir);
    checkToggles(next, this.#pipelines, { packs: patch.packs ?? {}, rules: patch.rules ?? {} });
    checkParams(next, this.#pipelines, Object.keys(patch.params ?? {}));
    checkConnections(next, this.#pipelines, settings);
    return this.#write(id, { spec: apply, secrets }, by);
  }

  setEnabled(id: string, enabled: boolean, by: string): Promise<TenantView> {
    return this.update(id, { enabled }, by);
  }

  async pipelines(id: string): Promise<PipelineView[]> {
    return [...(await this.get(id)).pipelines];
  }

  async addPipeline(id: string, input: PipelineInput, by: string): Promise<PipelineView> {
    const entry = await this.#entry(id);
    const added = this.#pipelineSpec(input);
    const file = pipelineFile(added.pipeline, this.#dir);
    const plan = this.#pipelines.compile(file).plan;
    for (const existing of entry.tenant.pipelines) {
      if (existing.file === file || this.#pipelines.tryCompile(existing.file)?.plan.id === plan.id)
        throw conflict(`tenant "${id}" already has pipeline ${plan.id}`);
    }
    const view = await this.#write(
      id,
      { spec: (current) => ({ ...current, pipelines: [...(current?.pipelines ?? []), added] }) },
      by,
    );
    return pipelineOf(view, plan.id);
  }

  async updatePipeline(
    id: string,
    pipeline: string,
    patch: PipelinePatch,
    by: string,
  ): Promise<PipelineView> {
    const entry = await this.#entry(id);
    const target = this.#pipelines.find(entry.tenant, pipeline);
    const everyMs = typeof patch.every === 'string' ? this.#interval(patch.every) : undefined;
    const apply = (current: TenantSpec | undefined): TenantSpec => {
      const list = [...(current?.pipelines ?? [])];
      const at = list.findIndex((p) => pipelineFile(p.pipeline, this.#dir) === target.file);
      const old: PipelineSpec = list[at] ?? { pipeline: storedPipelinePath(target.file, this.#dir) };
      // every: null drops the tenant's interval, absent keeps it
      const every = patch.every === undefined ? old.everyMs : everyMs;
      const enabled = patch.enabled ?? old.enabled;
      const updated: PipelineSpec = {
        pipeline: old.pipeline,
        ...(enabled === undefined ? {} : { enabled }),
        ...(every === undefined ? {} : { everyMs: every }),
      };
      if (at >= 0) list[at] = updated;
      else list.push(updated);
      return { ...current, pipelines: list };
    };
    const view = await this.#write(id, { spec: apply }, by);
    return pipelineOf(view, this.#pipelines.compile(target.file).plan.id);
  }

  async toggles(id: string): Promise<TogglesView> {
    return togglesView((await this.#entry(id)).tenant, this.#pipelines);
  }

  async updateToggles(id: string, patch: TogglesPatch, by: string): Promise<TogglesView> {
    await this.update(id, { ...patch }, by);
    return this.toggles(id);
  }

  /** Queues a run now (a worker picks it up); refused for a disabled tenant or pipeline. */
  async trigger(id: string, pipeline: string): Promise<{ tenant: string; pipeline: string; queued: true }> {
    const { tenant } = await this.#entry(id);
    const target = this.#pipelines.find(tenant, pipeline);
    const plan = this.#pipelines.compile(target.file).plan;
    if (!tenant.enabled) throw conflict(`tenant "${id}" is disabled`);
    if (!target.enabled) throw conflict(`pipeline ${plan.id} is disabled for tenant "${id}"`);
    if (!this.deps.queue) throw new AdminError('internal', 'this process has no scheduler to queue runs on');
    await this.deps.queue.runNow(id, plan.id, 'manual');
    return { tenant: id, pipeline: plan.id, queued: true };
  }

  /** The compiled pipeline of a tenant, by id or file, enabled or not (dry runs). */
  pipelineOf(tenant: Tenant, pipeline: string): LoadedPipeline {
    return this.#pipelines.compile(this.#pipelines.find(tenant, pipeline).file);
  }

  /** The connector each connection of the tenant's pipelines uses, by connection name. */
  connectorsOf(tenant: Tenant): Record<string, string> {
    return this.#pipelines.connectorsOf(tenant);
  }

  get #dir(): string {
    return this.deps.catalog.projectDir;
  }

  async #entry(id: string): Promise<CatalogEntry> {
    const entry = await this.deps.catalog.entry(id);
    if (!entry) {
      const known = (await this.deps.catalog.entries()).map((e) => e.tenant.id);
      throw notFound(`unknown tenant "${id}"${didYouMean(id, known)}`);
    }
    return entry;
  }

  async #write(
    id: string,
    change: {
      spec: (current: TenantSpec | undefined) => TenantSpec;
      secrets?: SecretChanges;
      expect?: 'absent';
    },
    by: string,
  ): Promise<TenantView> {
    const store = this.deps.catalog.store;
    if (!store)
      throw new AdminError('internal', 'tenants can only be changed with MongoDB (set MONGODB_URI)');
    const before = await this.deps.catalog.entry(id);
    // a koppla.yaml tenant gets its first MongoDB revision with its first change
    const expect = change.expect ?? (this.deps.catalog.fileTenant(id) ? undefined : 'present');
    let stored: StoredTenant;
    try {
      stored = await store.write(id, { ...change, ...(expect ? { expect } : {}) }, by);
    } catch (error) {
      if (error instanceof TenantExistsError) throw conflict(`tenant "${id}" already exists`);
      if (error instanceof TenantNotStoredError) throw notFound(`unknown tenant "${id}"`);
      throw error;
    }
    const after = await this.deps.catalog.entry(id);
    await this.deps.directory.refresh();
    const schedules = this.deps.schedules
      ? await syncTenantSchedules(
          this.deps.schedules(),
          (file) => this.#pipelines.tryCompile(file)?.plan,
          before?.tenant,
          after?.tenant,
        )
      : [];
    this.deps.logger?.info({ tenant: id, revision: stored.revision, by, schedules }, 'tenant changed');
    if (!after) throw notFound(`unknown tenant "${id}"`);
    return tenantView(after, this.#pipelines);
  }

  #pipelineSpec(input: PipelineInput): PipelineSpec {
    const path = storedPipelinePath(input.pipeline, this.#dir);
    this.#pipelines.compile(pipelineFile(path, this.#dir));
    return {
      pipeline: path,
      ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
      ...(input.every === undefined ? {} : { everyMs: this.#interval(input.every) }),
    };
  }

  #interval(every: string): number {
    const ms = parseDuration(every);
    if (ms === undefined) throw invalid(`every: "${every}" is not a duration (PT5M, "5 minutes")`);
    if (ms < MIN_INTERVAL_MS) throw invalid(`every: "${every}" is shorter than one second`);
    return ms;
  }
}

function pipelineOf(view: TenantView, id: string): PipelineView {
  const found = view.pipelines.find((p) => p.id === id);
  if (!found) throw notFound(`tenant "${view.id}" has no pipeline "${id}"`);
  return found;
}

/** The tenant service of a runtime container (a CLI command's, or a worker's). */
export function tenantAdminFor(
  container: DependencyContainer,
  scheduling: Pick<TenantAdminDeps, 'schedules' | 'queue'> = {},
): TenantAdmin {
  return new TenantAdmin({
    catalog: container.resolve<TenantCatalog>(TOKENS.TenantCatalog),
    directory: container.resolve<TenantDirectory>(TOKENS.Tenants),
    workspace: container.resolve<Workspace>(TOKENS.Workspace),
    ...scheduling,
    logger: container.resolve<RuntimeLogger>(TOKENS.Logger),
  });
}
