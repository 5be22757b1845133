import { collectTemplateVarPaths, collectVarPaths } from '../../expr/index.ts';
import { report, type PipelineLintRule } from './lint-rule.ts';

const BATCH_FIELDS = ['items', 'byKey'];

/**
 * In a batched pipeline the steps see one record per batch, `{ items, byKey }`: a step reading
 * `record.sku` reads nothing, silently. And `record.byKey` exists only when `source.batch.key` says
 * how to key the records. (`where`, `batch.key` and `idempotency.key` read single records: not checked.)
 */
export const batchRecord: PipelineLintRule = {
  id: 'batch-record',
  description: 'With source.batch, steps read record.items or record.byKey (byKey needs source.batch.key).',
  check(context) {
    const batch = context.pipeline.source?.batch;
    if (!batch) return [];
    const named = context.pipeline.templates ?? {};
    const diagnostics = [];
    for (const [i, step] of context.pipeline.steps.entries()) {
      const references = [
        ...collectVarPaths(step.if, `/steps/${i}/if`).map((r) => ({ ...r, bound: [] as readonly string[] })),
        ...collectVarPaths(step.lookupFirst?.value, `/steps/${i}/lookupFirst/value`).map((r) => ({
          ...r,
          bound: [] as readonly string[],
        })),
        ...collectTemplateVarPaths(step.with, named).map((r) => ({
          ...r,
          pointer: r.template === undefined ? `/steps/${i}/with${r.pointer}` : `/steps/${i}/with`,
        })),
      ];
      for (const ref of references) {
        const [root, field] = ref.path.split('.');
        if (ref.scope !== 'root' || root !== 'record' || field === undefined || ref.bound.includes('record'))
          continue;
        if (!BATCH_FIELDS.includes(field)) {
          diagnostics.push(
            report(
              context,
              this.id,
              ref.pointer,
              `"${ref.path}": steps of a batched pipeline see one record per batch, { items, byKey }; read a record's fields inside { $each: { var: record.items }, as: <name>, … }`,
            ),
          );
        } else if (field === 'byKey' && batch.key === undefined) {
          diagnostics.push(
            report(
              context,
              this.id,
              ref.pointer,
              `"${ref.path}": record.byKey needs source.batch.key (how to key the records)`,
            ),
          );
        }
      }
    }
    return diagnostics;
  },
};
