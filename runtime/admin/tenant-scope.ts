import type { FastifyRequest } from 'fastify';
import type { DeadLetterStore } from '../dead-letter/dead-letter-store.ts';
import type { RunStore } from '../store/index.ts';
import { forbidden, notFound } from './admin-error.ts';
import type { AdminPrincipal } from './api-keys.ts';

/**
 * Authenticates a call that has no Authorization header (the admin page's session cookie): the
 * principal, `{ refused }` when the session is there but the call may not go on (a change without
 * its CSRF token), or undefined when there is no live session.
 */
export interface RequestAuthenticator {
  authenticate(request: FastifyRequest): Promise<AdminPrincipal | { readonly refused: string } | undefined>;
}

/** Routes only an operator (no tenant scope) may call: they reach beyond one tenant. */
export const OPERATOR_ONLY: ReadonlySet<string> = new Set(['createTenant', 'addPipeline', 'createUser']);

/**
 * A shop owner sees and changes its own tenant only. Another tenant answers 404 exactly as a
 * missing one does, so an owner cannot even learn which tenants exist.
 */
export async function guardTenantScope(
  operationId: string,
  principal: AdminPrincipal | undefined,
  params: Readonly<Record<string, string>>,
  stores: { readonly runs: RunStore; readonly deadLetters: DeadLetterStore },
): Promise<void> {
  const own = principal?.tenant;
  if (own === undefined) return;
  if (OPERATOR_ONLY.has(operationId)) throw forbidden('only an operator may do this');
  if (params.tenant !== undefined && params.tenant !== own)
    throw notFound(`unknown tenant "${params.tenant}"`);
  if (params.id === undefined) return;
  if (operationId === 'getRun') {
    const run = await stores.runs.get(params.id);
    if (run && run.tenant !== own) throw notFound(`no run ${params.id}`);
  }
  if (operationId === 'getDeadLetter' || operationId === 'replayDeadLetter') {
    const dead = await stores.deadLetters.get(params.id);
    if (dead && dead.tenant !== own) throw notFound(`no dead letter ${params.id}`);
  }
}
