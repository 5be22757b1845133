import type { Diagnostic } from '../../core/diagnostics/index.ts';

export type AdminErrorCode =
  'invalid_request' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'internal';

const STATUS: Readonly<Record<AdminErrorCode, number>> = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  internal: 500,
};

/**
 * A refusal of the admin API or the `koppla tenants` commands: a code, an HTTP status, a message
 * that names the field or the tenant, and for pipelines and packs the diagnostics with file:line:col.
 * Messages never carry secret values.
 */
export class AdminError extends Error {
  readonly status: number;

  constructor(
    readonly code: AdminErrorCode,
    message: string,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'AdminError';
    this.status = STATUS[code];
  }
}

export const invalid = (message: string, diagnostics: readonly Diagnostic[] = []) =>
  new AdminError('invalid_request', message, diagnostics);
export const notFound = (message: string) => new AdminError('not_found', message);
export const conflict = (message: string) => new AdminError('conflict', message);
export const forbidden = (message: string) => new AdminError('forbidden', message);
