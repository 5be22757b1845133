import type { ErrorTemplate } from './config.ts';

/**
 * An error the sandbox answers with. Fortnox spells the keys of `ErrorInformation` differently by
 * error: the recorded 404s use `Error`/`Message`/`Code`, the recorded 400s `error`/`message`/`code`.
 */
export class FortnoxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export interface TemplateValues {
  readonly field?: string;
  readonly value?: unknown;
  readonly max?: number;
}

export function errorInformation(status: number, code: number, message: string): FortnoxHttpError {
  const body =
    status === 404
      ? { ErrorInformation: { Error: 1, Message: message, Code: code } }
      : { ErrorInformation: { error: 1, message, code } };
  return new FortnoxHttpError(status, body);
}

export function fromTemplate(template: ErrorTemplate, values: TemplateValues = {}): FortnoxHttpError {
  const message = template.message
    .replaceAll('{Field}', values.field ?? '')
    .replaceAll('{Value}', values.value === undefined ? '' : String(values.value))
    .replaceAll('{Max}', values.max === undefined ? '' : String(values.max));
  return errorInformation(template.status, template.code, message);
}

/** The recorded 404 bodies, per resource. */
export const NOT_FOUND: Readonly<Record<string, { readonly code: number; readonly message: string }>> = {
  customers: { code: 2000433, message: 'Kan inte hitta kunden.' },
  articles: { code: 2000428, message: 'Kan inte hitta artikeln.' },
  orders: { code: 2000439, message: 'Kan inte hitta ordern.' },
  invoices: { code: 2000434, message: 'Kan inte hitta fakturan.' },
};

export function notFound(resource: string): FortnoxHttpError {
  const known = NOT_FOUND[resource] ?? { code: 2000729, message: 'A valid identifier was not provided.' };
  return errorInformation(404, known.code, known.message);
}

/** Recorded: an expired or unknown bearer token. */
export const UNAUTHORIZED_BODY = { message: 'unauthorized' };
