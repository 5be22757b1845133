import { ValidationError, type ConnectorContext } from '../../../core/plugin-api/index.ts';
import { FortnoxClient, decimalsIn, type ClientDeps, type FortnoxSettings } from '../client/index.ts';
import { schemaNamed } from '../client/numbers.ts';

/** A Fortnox object as the operations hand it out: Fortnox's field names, amounts as decimal strings. */
export type FortnoxObject = { readonly [field: string]: unknown };

export type ClientFor = (ctx: ConnectorContext<FortnoxSettings>) => FortnoxClient;

/** Clients share the injected token store and rate limiter, so every call for a tenant uses one budget. */
export function clientFactory(deps: ClientDeps): ClientFor {
  return (ctx) =>
    new FortnoxClient(ctx.settings, ctx.tenantId, { ...deps, logger: deps.logger ?? ctx.logger });
}

/** Unwraps `{ "Order": {…} }` and turns its amounts into decimal strings. */
export function unwrap(body: unknown, wrapper: string, schema: string): FortnoxObject {
  const inner =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[wrapper] : undefined;
  if (typeof inner !== 'object' || inner === null) {
    throw new Error(`Fortnox answered without the ${wrapper} wrapper`);
  }
  return decimalsIn(inner, schemaNamed(schema)) as FortnoxObject;
}

export function text(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

export function signalOf(ctx: ConnectorContext<FortnoxSettings>): { signal?: AbortSignal } {
  return ctx.signal ? { signal: ctx.signal } : {};
}

export const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** The input of operations that act on one document: `{ "DocumentNumber": "20" }`. */
export const DOCUMENT_NUMBER_INPUT = {
  $schema: SCHEMA_DIALECT,
  type: 'object',
  additionalProperties: false,
  required: ['DocumentNumber'],
  properties: { DocumentNumber: { type: 'string', pattern: '^[0-9]+$' } },
} as const;

export interface DocumentNumberInput {
  readonly DocumentNumber: string;
}

/** `GET <path>` unwrapped, amounts as decimal strings. */
export async function getObject(
  clientFor: ClientFor,
  ctx: ConnectorContext<FortnoxSettings>,
  path: string,
  wrapper: string,
  schema: string,
): Promise<FortnoxObject> {
  const { body } = await clientFor(ctx).request('GET', path, signalOf(ctx));
  return unwrap(body, wrapper, schema);
}

/** A document reference that points somewhere: Fortnox writes "0" (or nothing) for none. */
export function isReference(value: unknown): boolean {
  const reference = text(value);
  return reference !== '' && reference !== '0';
}

/** Fortnox's booleans come back as booleans, some as "true"/"false" strings (`Credit`). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * Fortnox's InvoiceRow.VAT is an integer (int32 in its OpenAPI document; OrderRow.VAT is a double), so an
 * invoice row at a rate that is not a whole percent (Finland's 25.5 % under OSS) cannot be sent. Refused
 * here, before any request, with the row and the value, rather than as Fortnox's or a rounding's surprise.
 * An invoice at such a rate is made from an order instead (orders.create, then orders.createInvoice).
 */
export function assertWholeVatRows(rows: unknown, field: string): void {
  if (!Array.isArray(rows)) return;
  rows.forEach((row: unknown, index) => {
    const vat = (row as { VAT?: unknown } | null)?.VAT;
    if (vat === undefined || vat === null || vat === '') return;
    if (!/^-?\d+(\.0+)?$/.test(String(vat))) {
      throw new ValidationError(
        `${field}[${index}].VAT ${String(vat)}: Fortnox invoice rows take whole VAT percentages only; make the invoice from an order (OrderRow.VAT takes decimals), or credit in full`,
        { field: `${field}[${index}].VAT`, code: 'koppla_vat_not_whole' },
      );
    }
  });
}
