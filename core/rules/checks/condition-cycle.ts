import type { Diagnostic } from '../../diagnostics/index.ts';
import { joinPointer } from '../../config/index.ts';
import { CONDITION_KEY, conditionReferences } from '../conditions.ts';
import { report, type PackCheck } from './pack-check.ts';

export const conditionCycle: PackCheck = {
  id: 'condition-cycle',
  description: 'Conditions may use other conditions, but never (indirectly) themselves.',
  check(context) {
    const conditions = context.pack.conditions ?? {};
    const edges = new Map(
      Object.entries(conditions).map(([name, expression]) => [
        name,
        conditionReferences(expression, joinPointer('/conditions', name)).filter(
          (r): r is { name: string; pointer: string } =>
            r.name !== undefined && Object.hasOwn(conditions, r.name),
        ),
      ]),
    );
    const diagnostics: Diagnostic[] = [];
    const finished = new Set<string>();
    const path: string[] = [];
    // depth-first; a reference to a condition still on the path closes a cycle, reported there once
    const visit = (name: string): void => {
      path.push(name);
      for (const reference of edges.get(name) ?? []) {
        const open = path.indexOf(reference.name);
        if (open !== -1) {
          const cycle = [...path.slice(open), reference.name].join(' → ');
          diagnostics.push(
            report(
              context,
              this.id,
              joinPointer(reference.pointer, CONDITION_KEY),
              `condition cycle: ${cycle}`,
            ),
          );
        } else if (!finished.has(reference.name)) {
          visit(reference.name);
        }
      }
      path.pop();
      finished.add(name);
    };
    for (const name of edges.keys()) if (!finished.has(name)) visit(name);
    return diagnostics;
  },
};
