import { hasErrors, type Diagnostic, type SourcePosition } from '../diagnostics/index.ts';
import type { YamlSource } from '../config/index.ts';
import { lintRulePack } from './checks/index.ts';
import { inlineConditions, replaceConditions } from './conditions.ts';
import { deepFreeze } from '../data/deep-freeze.ts';
import { compileParamsSchema, NO_PARAMS_SCHEMA, rememberParamsValidator } from './params.ts';
import { rulePackSchemaDiagnostics } from './schema-check.ts';
import type { CompiledRule, CompiledRulePack, RulePackDocument } from './types.ts';

export interface RulePackCompileResult {
  /** Present only when there are no errors (warnings allowed). */
  readonly pack?: CompiledRulePack;
  readonly diagnostics: Diagnostic[];
}

/** YAML → schema → semantic checks → an immutable pack with conditions inlined, or the diagnostics that stop it. */
export function compileRulePack(source: YamlSource): RulePackCompileResult {
  const schemaFindings = rulePackSchemaDiagnostics(source);
  if (schemaFindings.length > 0) return { diagnostics: schemaFindings };
  // a private copy: the compiled pack is frozen, the caller's parsed YAML is not ours to freeze
  const document = structuredClone(source.value) as RulePackDocument;
  const diagnostics = lintRulePack({ source, pack: document });
  if (hasErrors(diagnostics)) return { diagnostics };

  const pack = build(document, source);
  // the checks compiled the schema already; ajv caches it by object, so this is a lookup
  const { validate: validateParams } = compileParamsSchema(pack.paramsSchema ?? NO_PARAMS_SCHEMA);
  deepFreeze(pack);
  if (validateParams) rememberParamsValidator(pack, validateParams);
  return { pack, diagnostics };
}

function build(document: RulePackDocument, source: YamlSource): CompiledRulePack {
  const conditions = inlineConditions(document.conditions ?? {});
  const at = (position: SourcePosition): string => `${position.file}:${position.line}`;
  const rules = document.rules.map((rule, i): CompiledRule => {
    const base = `/rules/${i}`;
    const position = source.positionOf(`${base}/id`);
    return {
      id: rule.id,
      key: `${document.metadata.id}/${rule.id}`,
      ...(rule.description === undefined ? {} : { description: rule.description }),
      enabled: rule.enabled ?? true,
      when: replaceConditions(rule.when, (name) => conditions.get(name)),
      then: rule.then,
      source: position,
      at: at(position),
      whenSource: source.positionOf(`${base}/when`),
      thenSource: source.positionOf(`${base}/then`),
    };
  });
  const packSource = source.positionOf('/metadata/id');
  const { metadata } = document;
  const defaultSource = document.default ? source.positionOf('/default/then') : undefined;
  return {
    id: metadata.id,
    version: metadata.version,
    ...(metadata.title === undefined ? {} : { title: metadata.title }),
    ...(metadata.description === undefined ? {} : { description: metadata.description }),
    ...(metadata.docs === undefined ? {} : { docs: metadata.docs }),
    scope: document.scope,
    output: document.output,
    strategy: document.strategy ?? 'first-match',
    ...(document.params === undefined ? {} : { paramsSchema: document.params }),
    rules,
    ...(document.default && defaultSource
      ? {
          default: {
            ...(document.default.description === undefined
              ? {}
              : { description: document.default.description }),
            then: document.default.then,
            source: defaultSource,
            at: at(defaultSource),
          },
        }
      : {}),
    file: source.file,
    source: packSource,
    at: at(packSource),
    paramsSource: source.positionOf(document.params === undefined ? '/metadata/id' : '/params'),
  };
}
