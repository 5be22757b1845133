import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { KopplaUserError, type Diagnostic } from '../../core/diagnostics/index.ts';
import type { YamlSource } from '../../core/config/index.ts';
import { compilePipeline } from '../../core/plan/compile-pipeline.ts';
import type { ExecutionPlan } from '../../core/plan/execution-plan.ts';
import type { PipelineDocument } from '../../core/plan/pipeline-document.ts';
import { compileRulePack, type CompiledRulePack } from '../../core/rules/index.ts';
import type { PackNames } from '../../core/validate/lint/index.ts';
import type { ConnectorRegistry } from '../registry/connector-registry.ts';
import { readYamlFile } from './read-yaml-file.ts';
import { SHIPPED_RULES_DIR } from './paths.ts';

export type FileKind = 'Pipeline' | 'RulePack' | 'PipelineTest' | 'RulePackTest';
const KINDS: readonly string[] = ['Pipeline', 'RulePack', 'PipelineTest', 'RulePackTest'];

export interface Loaded<T> {
  readonly value: T | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadedPipeline {
  readonly plan: ExecutionPlan;
  /** Compiled packs by the reference the pipeline uses. */
  readonly packs: ReadonlyMap<string, CompiledRulePack>;
}

/**
 * The files a CLI command works on, loaded once each: YAML parsed with positions, packs compiled,
 * pipelines compiled against the registered connectors and the packs they refer to.
 */
export class Workspace {
  readonly #sources = new Map<string, Loaded<YamlSource>>();
  readonly #packs = new Map<string, Loaded<CompiledRulePack>>();

  constructor(readonly connectors: ConnectorRegistry) {}

  source(path: string): Loaded<YamlSource> {
    const key = resolve(path);
    let loaded = this.#sources.get(key);
    if (!loaded) {
      try {
        loaded = { value: readYamlFile(key), diagnostics: [] };
      } catch (error) {
        if (!(error instanceof KopplaUserError)) throw error;
        loaded = { value: undefined, diagnostics: error.diagnostics };
      }
      this.#sources.set(key, loaded);
    }
    return loaded;
  }

  kindOf(source: YamlSource): FileKind | undefined {
    const kind = (source.value as { kind?: unknown } | null)?.kind;
    return typeof kind === 'string' && KINDS.includes(kind) ? (kind as FileKind) : undefined;
  }

  pack(path: string): Loaded<CompiledRulePack> {
    const key = resolve(path);
    let loaded = this.#packs.get(key);
    if (!loaded) {
      const source = this.source(key);
      if (!source.value) loaded = { value: undefined, diagnostics: source.diagnostics };
      else {
        const compiled = compileRulePack(source.value);
        loaded = { value: compiled.pack, diagnostics: compiled.diagnostics };
      }
      this.#packs.set(key, loaded);
    }
    return loaded;
  }

  /** A shipped pack id (se-vat → rules/se-vat/pack.yaml) or a path relative to the referring file. */
  packPath(reference: string, fromFile: string): string {
    if (reference.startsWith('.') || isAbsolute(reference)) return resolve(dirname(fromFile), reference);
    return join(SHIPPED_RULES_DIR, reference, 'pack.yaml');
  }

  pipeline(path: string): Loaded<LoadedPipeline> {
    const source = this.source(path);
    if (!source.value) return { value: undefined, diagnostics: source.diagnostics };
    const document = source.value.value as Partial<PipelineDocument> | null;
    const references = Array.isArray(document?.rules?.packs) ? document.rules.packs : [];
    const packs = new Map<string, CompiledRulePack>();
    const packNames = new Map<string, PackNames>();
    const diagnostics: Diagnostic[] = [];
    for (const reference of references) {
      if (typeof reference?.pack !== 'string') continue;
      const file = this.packPath(reference.pack, path);
      if (!existsSync(file)) continue; // reported by the unknown-rule-pack lint rule
      const loaded = this.pack(file);
      diagnostics.push(...loaded.diagnostics);
      if (!loaded.value) continue;
      packs.set(reference.pack, loaded.value);
      packNames.set(reference.pack, {
        id: loaded.value.id,
        output: loaded.value.output,
        ruleIds: loaded.value.rules.map((r) => r.id),
      });
    }
    const compiled = compilePipeline({
      source: source.value,
      connectors: this.connectors.manifests(),
      packs: packNames,
    });
    diagnostics.unshift(...compiled.diagnostics);
    return { value: compiled.plan ? { plan: compiled.plan, packs } : undefined, diagnostics };
  }

  /** Reads a record for a test case or `explain --input`: JSON or YAML. */
  readRecord(path: string): unknown {
    const text = readFileSync(path, 'utf8');
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  }
}
