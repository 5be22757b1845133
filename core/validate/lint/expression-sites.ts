import { joinPointer } from '../../config/index.ts';
import type { PipelineDocument } from '../../plan/pipeline-document.ts';

export interface ExpressionSite {
  readonly pointer: string;
  readonly kind: 'expression' | 'template';
  readonly value: unknown;
  /** Names a step binds for this site (forEach's `as` and `<as>Index`). */
  readonly bound?: readonly string[];
}

/**
 * Every place in a pipeline that holds an expression or a template, with its JSON Pointer. Tolerates
 * a document that failed its schema, so schema findings inside expressions can be sharpened.
 */
export function expressionSites(pipeline: PipelineDocument): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  const add = (
    pointer: string,
    kind: ExpressionSite['kind'],
    value: unknown,
    bound?: readonly string[],
  ): void => {
    if (value !== undefined) sites.push({ pointer, kind, value, ...(bound ? { bound } : {}) });
  };
  add('/source/where', 'expression', pipeline.source?.where);
  add('/source/batch/key', 'expression', pipeline.source?.batch?.key);
  add('/idempotency/key', 'expression', pipeline.idempotency?.key);
  const steps = Array.isArray(pipeline.steps) ? pipeline.steps : [];
  for (const [i, step] of steps.entries()) {
    const as = typeof step.as === 'string' ? step.as : 'item';
    const bound = step.forEach === undefined ? undefined : [as, `${as}Index`];
    add(`/steps/${i}/if`, 'expression', step.if, bound);
    add(`/steps/${i}/lookupFirst/value`, 'expression', step.lookupFirst?.value);
    add(`/steps/${i}/forEach`, 'expression', step.forEach);
    add(`/steps/${i}/key`, 'expression', step.key, bound);
    add(`/steps/${i}/with`, 'template', step.with, bound);
  }
  const templates =
    typeof pipeline.templates === 'object' && pipeline.templates !== null ? pipeline.templates : {};
  for (const [name, template] of Object.entries(templates)) {
    add(joinPointer('/templates', name), 'template', template);
  }
  return sites;
}
