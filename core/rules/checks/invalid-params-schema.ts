import { compileParamsSchema } from '../params.ts';
import { report, type PackCheck } from './pack-check.ts';

export const invalidParamsSchema: PackCheck = {
  id: 'invalid-params-schema',
  description: 'The params schema compiles (strict: unknown keywords and misplaced defaults are errors).',
  check(context) {
    const schema = context.pack.params;
    if (!schema) return [];
    return compileParamsSchema(schema).problems.map((problem) =>
      report(context, this.id, `/params${problem.pointer}`, problem.message, { onKey: problem.onKey }),
    );
  },
};
