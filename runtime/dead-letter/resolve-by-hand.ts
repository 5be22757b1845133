import type { DeadLetter, DeadLetterStore } from './dead-letter-store.ts';

export interface HandResolveRequest {
  readonly tenant: string;
  readonly ids: readonly string[];
  /** `cli:<user>`, `api:<key>`, `user:<name>`: kept on the dead letter. */
  readonly resolvedBy: string;
  readonly note?: string;
}

export type HandResolveResult =
  | { readonly id: string; readonly outcome: 'resolved'; readonly deadLetter: DeadLetter }
  | { readonly id: string; readonly outcome: 'already-resolved'; readonly deadLetter: DeadLetter }
  | { readonly id: string; readonly outcome: 'unknown' };

/**
 * Resolves dead letters of one tenant by a person's word, each on its own: one unknown or resolved
 * before does not stop the others. The one path of `koppla resolve`, the admin API and the demo.
 * Another tenant's dead letter is `unknown`, exactly as a missing one, so an id tells nothing of
 * other tenants.
 */
export async function resolveByHand(
  store: DeadLetterStore,
  request: HandResolveRequest,
): Promise<HandResolveResult[]> {
  const results: HandResolveResult[] = [];
  for (const id of request.ids) {
    const found = await store.get(id);
    if (!found || found.tenant !== request.tenant) {
      results.push({ id, outcome: 'unknown' });
      continue;
    }
    const done = await store.resolveByHand(id, {
      resolvedBy: request.resolvedBy,
      ...(request.note === undefined ? {} : { note: request.note }),
    });
    results.push(done.outcome === 'unknown' ? { id, outcome: 'unknown' } : { id, ...done });
  }
  return results;
}

/** One result as a line for a person: what was resolved, or why it was not. */
export function describeHandResolve(result: HandResolveResult, tenant: string): string {
  switch (result.outcome) {
    case 'resolved': {
      const d = result.deadLetter;
      return `${d.id} resolved: ${d.pipeline} record ${d.recordKey} at step ${d.failedStep}`;
    }
    case 'already-resolved': {
      const d = result.deadLetter;
      const when = d.resolvedAt ? ` at ${d.resolvedAt.toISOString()}` : '';
      const who = d.resolvedBy ? ` by ${d.resolvedBy}` : '';
      return `${d.id} was already resolved${when}${who} (${d.resolution ?? 'resolved'})`;
    }
    case 'unknown':
      return `${result.id}: tenant ${tenant} has no dead letter with this id`;
  }
}
