import { joinPointer } from '../../config/index.ts';
import { didYouMean } from '../../validate/did-you-mean.ts';
import { CONDITION_KEY, conditionReferences, type ConditionReference } from '../conditions.ts';
import type { RulePackDocument } from '../types.ts';
import { report, type PackCheck } from './pack-check.ts';

/** Every `{ condition: … }` in the pack: in conditions and in rules' `when`. */
export function allConditionReferences(pack: RulePackDocument): ConditionReference[] {
  return [
    ...Object.entries(pack.conditions ?? {}).flatMap(([name, expression]) =>
      conditionReferences(expression, joinPointer('/conditions', name)),
    ),
    ...pack.rules.flatMap((rule, i) => conditionReferences(rule.when, `/rules/${i}/when`)),
  ];
}

export const unknownCondition: PackCheck = {
  id: 'unknown-condition',
  description: 'Every { condition: <name> } names a condition of the pack.',
  check(context) {
    const names = Object.keys(context.pack.conditions ?? {});
    const known = new Set(names);
    return allConditionReferences(context.pack).flatMap(({ name, pointer }) => {
      const at = joinPointer(pointer, CONDITION_KEY);
      if (name === undefined)
        return [report(context, this.id, at, "condition takes the name of one of the pack's conditions")];
      if (known.has(name)) return [];
      const hint = names.length > 0 ? didYouMean(name, names) : ' (the pack has no conditions)';
      return [report(context, this.id, at, `unknown condition "${name}"${hint}`)];
    });
  },
};
