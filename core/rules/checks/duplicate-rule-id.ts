import { report, type PackCheck } from './pack-check.ts';

export const duplicateRuleId: PackCheck = {
  id: 'duplicate-rule-id',
  description: 'Rule ids are unique within a pack: traces and toggles name rules by them.',
  check(context) {
    const first = new Map<string, number>();
    return context.pack.rules.flatMap((rule, i) => {
      const earlier = first.get(rule.id);
      if (earlier === undefined) {
        first.set(rule.id, i);
        return [];
      }
      return [
        report(
          context,
          this.id,
          `/rules/${i}/id`,
          `duplicate rule id "${rule.id}" (first used by rule ${earlier + 1})`,
        ),
      ];
    });
  },
};
