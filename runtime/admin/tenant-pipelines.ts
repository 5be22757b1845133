import { existsSync } from 'node:fs';
import { formatDiagnostic } from '../../core/diagnostics/index.ts';
import { didYouMean } from '../../core/validate/did-you-mean.ts';
import type { Loaded, LoadedPipeline, Workspace } from '../project/workspace.ts';
import { pipelineFile, storedPipelinePath } from '../tenants/tenant-spec.ts';
import type { Tenant, TenantPipeline } from '../tenants/tenant.ts';
import { invalid, notFound } from './admin-error.ts';

/**
 * The tenants' pipeline files, compiled once each (pipeline files do not change under a running
 * process): the admin checks and views compile the same files many times over.
 */
export class TenantPipelines {
  readonly #compiled = new Map<string, Loaded<LoadedPipeline> | undefined>();

  constructor(
    readonly workspace: Workspace,
    /** The installation's folder: files are shown relative to it. */
    readonly projectDir: string,
  ) {}

  /** The compiled pipeline, or an `invalid_request` AdminError with its diagnostics. */
  compile(file: string): LoadedPipeline {
    const loaded = this.#loaded(file);
    if (!loaded) throw invalid(`pipeline file ${this.shown(file)} does not exist`);
    if (!loaded.value)
      throw invalid(
        `pipeline ${this.shown(file)} does not compile`,
        loaded.diagnostics.filter((d) => d.severity === 'error'),
      );
    return loaded.value;
  }

  tryCompile(file: string): LoadedPipeline | undefined {
    return this.#loaded(file)?.value;
  }

  /** Why the file does not compile, file:line:col first; empty when it does. */
  problems(file: string): string[] {
    const loaded = this.#loaded(file);
    if (!loaded) return [`${file}: the file does not exist`];
    return loaded.value ? [] : loaded.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  }

  /** A tenant's pipeline by id or file; a `not_found` AdminError (with a did-you-mean) if it has none. */
  find(tenant: Tenant, pipeline: string): TenantPipeline {
    const ids: string[] = [];
    for (const entry of tenant.pipelines) {
      const id = this.tryCompile(entry.file)?.plan.id;
      if (id) ids.push(id);
      if (id === pipeline || entry.file === pipelineFile(pipeline, this.projectDir)) return entry;
    }
    throw notFound(`tenant "${tenant.id}" has no pipeline "${pipeline}"${didYouMean(pipeline, ids)}`);
  }

  /** The connector each connection of the tenant's pipelines uses, by connection name. */
  connectorsOf(tenant: Tenant): Record<string, string> {
    const found: Record<string, string> = {};
    for (const entry of tenant.pipelines) {
      for (const [name, connection] of Object.entries(this.tryCompile(entry.file)?.plan.connections ?? {}))
        found[name] ??= connection.connector;
    }
    return found;
  }

  /** The top-level settings a connector marks `"x-secret": true`. */
  secretKeys(connector: string | undefined): string[] {
    if (!connector) return [];
    let properties: unknown;
    try {
      properties = this.workspace.connectors.get(connector).credentials.properties;
    } catch {
      return [];
    }
    if (typeof properties !== 'object' || properties === null) return [];
    return Object.entries(properties as Record<string, { 'x-secret'?: unknown }>)
      .filter(([, schema]) => schema?.['x-secret'] === true)
      .map(([key]) => key);
  }

  shown(file: string): string {
    return storedPipelinePath(file, this.projectDir);
  }

  #loaded(file: string): Loaded<LoadedPipeline> | undefined {
    if (!this.#compiled.has(file))
      this.#compiled.set(file, existsSync(file) ? this.workspace.pipeline(file) : undefined);
    return this.#compiled.get(file);
  }
}
