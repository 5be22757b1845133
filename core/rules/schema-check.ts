import type { Diagnostic } from '../diagnostics/index.ts';
import type { YamlSource } from '../config/index.ts';
import { schemaDiagnostics } from '../validate/schema-diagnostics.ts';
import {
  expressionDiagnostics,
  expressionRoots,
  withoutConditionReferences,
} from './checks/expression-problems.ts';
import { RULE_SCHEMA_IDS, ruleSchemaValidator } from './schemas.ts';

/**
 * Checks a pack against rule-pack.schema.json; [] when it fits.
 *
 * Two adjustments keep the findings useful:
 * - The JSON-Logic dialect schema knows nothing of the pack's `{ condition: name }`, so nested
 *   references would fail it. The schema sees a copy where they are `true` (same pointers);
 *   unknown-condition checks the names.
 * - Inside an expression, ajv can only say "must be one of <every operator>". Where the expression
 *   layer finds problems in an expression (unknown-operator with did-you-mean, argument-count, …),
 *   those replace the schema's findings within it.
 */
export function rulePackSchemaDiagnostics(source: YamlSource): Diagnostic[] {
  const validate = ruleSchemaValidator(RULE_SCHEMA_IDS.rulePack);
  if (validate(schemaView(source.value))) return [];
  const schema = schemaDiagnostics(validate.errors ?? [], source);
  const sharper = expressionRoots(source.value)
    .map((root) => ({ root: root.pointer, diagnostics: expressionDiagnostics(source, root) }))
    .filter((r) => r.diagnostics.length > 0);
  const covered = (pointer: string | undefined): boolean =>
    pointer !== undefined && sharper.some(({ root }) => pointer === root || pointer.startsWith(`${root}/`));
  return [...schema.filter((d) => !covered(d.pointer)), ...sharper.flatMap((r) => r.diagnostics)].sort(
    (a, b) => a.line - b.line || a.col - b.col,
  );
}

function schemaView(document: unknown): unknown {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return document;
  const view: Record<string, unknown> = { ...document };
  const conditions = view.conditions;
  if (conditions !== null && typeof conditions === 'object' && !Array.isArray(conditions)) {
    view.conditions = Object.fromEntries(
      Object.entries(conditions).map(([k, v]) => [k, withoutConditionReferences(v)]),
    );
  }
  if (Array.isArray(view.rules)) {
    view.rules = view.rules.map((rule: unknown) =>
      rule !== null && typeof rule === 'object' && Object.hasOwn(rule, 'when')
        ? { ...rule, when: withoutConditionReferences((rule as { when: unknown }).when) }
        : rule,
    );
  }
  return view;
}
