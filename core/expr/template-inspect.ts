import type { ExpressionProblem } from './errors.ts';
import { childPointer } from './pointer.ts';
import { nearestName } from '../data/nearest-name.ts';
import { classifyTemplateNode } from './template-node.ts';
import { validateExpression } from './validate.ts';
import { collectVarPaths, type VarReference } from './var-paths.ts';

type NamedTemplates = Readonly<Record<string, unknown>>;

/**
 * Static checks of a template: every expression in it (as `validateExpression`), `$each` / `$ref`
 * / `$literal` shapes, objects whose single key looks like a mistyped operator, and — when the
 * named templates are given — `$ref`s to templates that do not exist or that lead to a cycle.
 * Named templates are not validated here: validate each once, on its own, with its own pointers.
 */
export function validateTemplate(template: unknown, named?: NamedTemplates): ExpressionProblem[] {
  const problems: ExpressionProblem[] = [];
  const visit = (node: unknown, pointer: string): void => {
    const kind = classifyTemplateNode(node, pointer);
    switch (kind.kind) {
      case 'scalar':
      case 'literal':
        return;
      case 'invalid':
        problems.push(...kind.problems);
        return;
      case 'expression':
        problems.push(...validateExpression(kind.expression, pointer));
        return;
      case 'array':
        kind.items.forEach((item, index) => visit(item, childPointer(pointer, index)));
        return;
      case 'object':
        for (const key of kind.keys)
          visit((node as Record<string, unknown>)[key], childPointer(pointer, key));
        return;
      case 'each':
        problems.push(...validateExpression(kind.source, childPointer(pointer, '$each')));
        if ('condition' in kind)
          problems.push(...validateExpression(kind.condition, childPointer(pointer, 'if')));
        visit(kind.emit, childPointer(pointer, 'emit'));
        return;
      case 'ref':
        if (named !== undefined) problems.push(...checkRef(kind.name, childPointer(pointer, '$ref'), named));
        return;
      case 'omit':
        problems.push(...validateExpression(kind.condition, childPointer(pointer, '$omit')));
        visit(kind.value, childPointer(pointer, 'value'));
        return;
    }
  };
  visit(template, '');
  return problems;
}

function checkRef(name: string, pointer: string, named: NamedTemplates): ExpressionProblem[] {
  if (!Object.hasOwn(named, name)) {
    const suggestion = nearestName(name, Object.keys(named));
    return [
      {
        code: 'unknown-template-ref',
        pointer,
        message: `there is no template named "${name}"${suggestion === undefined ? '' : `; did you mean "${suggestion}"?`}`,
        ...(suggestion === undefined ? {} : { suggestion }),
      },
    ];
  }
  const cycle = findCycle(name, named, []);
  if (cycle === undefined) return [];
  return [
    { code: 'template-ref-cycle', pointer, message: `$ref "${name}" leads to a cycle: ${cycle.join(' → ')}` },
  ];
}

/** The first $ref path from `name` back into itself (or into any template already on the path). */
function findCycle(name: string, named: NamedTemplates, path: readonly string[]): string[] | undefined {
  if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
  if (!Object.hasOwn(named, name)) return undefined;
  for (const ref of refsIn(named[name])) {
    const cycle = findCycle(ref, named, [...path, name]);
    if (cycle !== undefined) return cycle;
  }
  return undefined;
}

function refsIn(template: unknown): string[] {
  const refs: string[] = [];
  const visit = (node: unknown): void => {
    const kind = classifyTemplateNode(node, '');
    if (kind.kind === 'ref') refs.push(kind.name);
    else if (kind.kind === 'array') kind.items.forEach(visit);
    else if (kind.kind === 'object')
      for (const key of kind.keys) visit((node as Record<string, unknown>)[key]);
    else if (kind.kind === 'each') visit(kind.emit);
    else if (kind.kind === 'omit') visit(kind.value);
  };
  visit(template);
  return refs;
}

/** A data path a template reads, with the names its enclosing `$each`es bind there. */
export interface TemplateVarReference extends VarReference {
  /**
   * Names bound at this point by enclosing `$each` (`as` and `<as>Index`), innermost last: a lint
   * rule accepts `row.sku` when `row` is bound, and checks other roots against the data.
   */
  readonly bound: readonly string[];
  /** The named template the pointer is relative to, when the reference was reached through `$ref`. */
  readonly template?: string;
}

/**
 * Every data path a template reads (see `collectVarPaths`), with the `$each` names bound where
 * it is read. With `named`, `$ref`s are followed, so a named row template used inside
 * `$each … as: row` reports `row.sku` with `row` bound; each use is reported separately, since
 * what is bound depends on where the template is used.
 */
export function collectTemplateVarPaths(template: unknown, named?: NamedTemplates): TemplateVarReference[] {
  const references: TemplateVarReference[] = [];
  const visit = (
    node: unknown,
    pointer: string,
    bound: readonly string[],
    where: readonly string[],
  ): void => {
    const inside = where.at(-1);
    const add = (refs: readonly VarReference[], scope: readonly string[]): void => {
      for (const ref of refs)
        references.push({ ...ref, bound: scope, ...(inside === undefined ? {} : { template: inside }) });
    };
    const kind = classifyTemplateNode(node, pointer);
    switch (kind.kind) {
      case 'expression':
        add(collectVarPaths(kind.expression, pointer), bound);
        return;
      case 'array':
        kind.items.forEach((item, index) => visit(item, childPointer(pointer, index), bound, where));
        return;
      case 'object':
        for (const key of kind.keys)
          visit((node as Record<string, unknown>)[key], childPointer(pointer, key), bound, where);
        return;
      case 'each': {
        add(collectVarPaths(kind.source, childPointer(pointer, '$each')), bound);
        const inner = [...bound, kind.as, `${kind.as}Index`];
        if ('condition' in kind) add(collectVarPaths(kind.condition, childPointer(pointer, 'if')), inner);
        visit(kind.emit, childPointer(pointer, 'emit'), inner, where);
        return;
      }
      case 'omit':
        add(collectVarPaths(kind.condition, childPointer(pointer, '$omit')), bound);
        visit(kind.value, childPointer(pointer, 'value'), bound, where);
        return;
      case 'ref':
        if (named !== undefined && Object.hasOwn(named, kind.name) && !where.includes(kind.name)) {
          visit(named[kind.name], '', bound, [...where, kind.name]);
        }
        return;
      default:
        return;
    }
  };
  visit(template, '', [], []);
  return references;
}
