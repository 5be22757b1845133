import type { Diagnostic } from '../../diagnostics/index.ts';
import { isConditionNode } from '../conditions.ts';
import type { RulePackDocument } from '../types.ts';
import { report, type PackCheck } from './pack-check.ts';

/** `when: true`, directly or through named conditions. Only the obvious case: no logic is solved. */
function isCatchAll(
  when: unknown,
  conditions: RulePackDocument['conditions'],
  seen = new Set<string>(),
): boolean {
  if (when === true) return true;
  if (!isConditionNode(when) || typeof when.condition !== 'string') return false;
  const name = when.condition;
  if (seen.has(name) || !conditions || !Object.hasOwn(conditions, name)) return false;
  seen.add(name);
  return isCatchAll(conditions[name], conditions, seen);
}

export const unreachableRule: PackCheck = {
  id: 'unreachable-rule',
  description:
    'With first-match, nothing after a catch-all rule (when: true) is ever considered; neither is the default in any strategy.',
  check(context) {
    const { pack } = context;
    // a catch-all that is off by default does not hide anything until a tenant switches it on
    const catchAll = pack.rules.findIndex(
      (rule) => rule.enabled !== false && isCatchAll(rule.when, pack.conditions),
    );
    if (catchAll === -1) return [];
    const by = `rule "${pack.rules[catchAll]?.id}" (rule ${catchAll + 1}) always matches`;
    const diagnostics: Diagnostic[] = [];
    if ((pack.strategy ?? 'first-match') === 'first-match') {
      for (let i = catchAll + 1; i < pack.rules.length; i++) {
        diagnostics.push(
          report(context, this.id, `/rules/${i}/id`, `rule "${pack.rules[i]?.id}" is never reached: ${by}`, {
            severity: 'warning',
          }),
        );
      }
    }
    if (pack.default) {
      diagnostics.push(
        report(context, this.id, '/default', `the default is never used: ${by}`, {
          severity: 'warning',
          onKey: true,
        }),
      );
    }
    return diagnostics;
  },
};
