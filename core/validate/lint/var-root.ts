import { collectTemplateVarPaths, collectVarPaths, type TemplateVarReference } from '../../expr/index.ts';
import { joinPointer } from '../../config/index.ts';
import { didYouMean } from '../did-you-mean.ts';
import { expressionSites } from './expression-sites.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

/** The data an expression can read; `$each … as: x` adds `x` and `xIndex` inside its `emit`. */
export const VAR_ROOTS = ['record', 'decisions', 'steps', 'params', 'tenant', 'ref', 'row', 'line'] as const;

export const varRoot: PipelineLintRule = {
  id: 'var-root',
  description: `Every var path starts with one of ${VAR_ROOTS.join(', ')} (or a name bound by $each).`,
  check(context) {
    const named = context.pipeline.templates ?? {};
    const usedTemplates = new Set<string>();
    const references: { pointer: string; path: string; bound: readonly string[] }[] = [];
    for (const site of expressionSites(context.pipeline)) {
      if (site.kind === 'expression') {
        for (const ref of collectVarPaths(site.value, site.pointer)) {
          if (ref.scope === 'root')
            references.push({ pointer: ref.pointer, path: ref.path, bound: site.bound ?? [] });
        }
        continue;
      }
      if (site.pointer.startsWith('/templates/')) continue;
      for (const ref of collectTemplateVarPaths(site.value, named)) {
        if (ref.template !== undefined) usedTemplates.add(ref.template);
        if (ref.scope === 'root')
          references.push(locate(site.pointer, { ...ref, bound: [...(site.bound ?? []), ...ref.bound] }));
      }
    }
    // templates no step uses are still checked, as if used at the top level
    for (const [name, template] of Object.entries(named)) {
      if (usedTemplates.has(name)) continue;
      for (const ref of collectTemplateVarPaths(template, named)) {
        if (ref.scope === 'root') references.push(locate(joinPointer('/templates', name), ref));
      }
    }
    const seen = new Set<string>();
    const diagnostics = [];
    for (const { pointer, path, bound } of references) {
      const root = path.split('.')[0] ?? '';
      const allowed = [...new Set([...VAR_ROOTS, ...bound])];
      if (path === '' || allowed.includes(root) || seen.has(`${pointer}|${path}`)) continue;
      seen.add(`${pointer}|${path}`);
      diagnostics.push(
        report(
          context,
          this.id,
          pointer,
          `"${path}": unknown root "${root}"${didYouMean(root, allowed)}; allowed: ${allowed.join(', ')}`,
        ),
      );
    }
    return diagnostics;
  },
};

/** A reference reached through `$ref` is reported where the named template writes it. */
function locate(
  sitePointer: string,
  ref: TemplateVarReference,
): { pointer: string; path: string; bound: readonly string[] } {
  const base = ref.template === undefined ? sitePointer : joinPointer('/templates', ref.template);
  return { pointer: `${base}${ref.pointer}`, path: ref.path, bound: ref.bound };
}
