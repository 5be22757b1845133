import { defineOperation } from '../../../core/plugin-api/index.ts';
import { idSegment, listAll, toDecimalString, type FortnoxSettings } from '../client/index.ts';
import { inputSchemaOf, outputSchemaOf } from '../schemas/from-openapi.ts';
import { clientFactory, signalOf, text, unwrap, type ClientFor, type FortnoxObject } from './shared.ts';
import type { ClientDeps } from '../client/index.ts';

export interface CustomerInput {
  readonly Name: string;
  readonly Email?: string;
  readonly OrganisationNumber?: string;
  readonly VATNumber?: string;
  readonly [field: string]: unknown;
}

/** What identifies a customer in Fortnox's searches. */
export type CustomerKeys = Pick<CustomerInput, 'Email' | 'OrganisationNumber' | 'VATNumber'>;

interface CustomerListItem {
  readonly CustomerNumber: string;
  readonly Email?: string | null;
  readonly OrganisationNumber?: string | null;
}

const digits = (value: unknown) => text(value).replace(/\D/g, '');

/** A Swedish VAT number is SE + the organisation number + 01; other countries cannot be searched. */
function orgNumberFromVat(vat: string): string | undefined {
  const match = /^SE(\d{10})01$/.exec(vat.replace(/\s/g, '').toUpperCase());
  return match?.[1];
}

/** The keys a customer is matched by, in the connector's own order (a step's `match:` reorders them). */
export const CUSTOMER_MATCH_KEYS = ['Email', 'OrganisationNumber', 'VATNumber'] as const;

/**
 * The existing customer with the same e-mail (exact, case-insensitive), organisation number (digits
 * compared) or Swedish VAT number (via its organisation number), tried in the order of `match`
 * (default: that order; keys not listed are not tried). Fortnox's searches are substring matches, so
 * the hits are filtered exactly here.
 */
export async function findCustomer(
  clientFor: ClientFor,
  ctx: Parameters<ClientFor>[0],
  input: CustomerKeys,
  match: readonly string[] = CUSTOMER_MATCH_KEYS,
): Promise<string | undefined> {
  const client = clientFor(ctx);
  const searched = new Set<string>();
  const byOrgNumber = async (orgNumber: string | undefined) => {
    if (!orgNumber || searched.has(orgNumber)) return undefined;
    searched.add(orgNumber);
    // Fortnox stores org numbers with or without the hyphen; search by the last part, compare digits.
    const hits = await listAll<CustomerListItem>(client, '/3/customers', 'Customers', {
      query: { organisationnumber: orgNumber.slice(-4) },
      ...signalOf(ctx),
    });
    return hits.find((item) => digits(item.OrganisationNumber) === orgNumber)?.CustomerNumber;
  };
  for (const key of match) {
    if (key === 'Email') {
      const email = text(input.Email).trim().toLowerCase();
      if (!email) continue;
      const hits = await listAll<CustomerListItem>(client, '/3/customers', 'Customers', {
        query: { email },
        ...signalOf(ctx),
      });
      const hit = hits.find((item) => text(item.Email).trim().toLowerCase() === email);
      if (hit) return hit.CustomerNumber;
    } else if (key === 'OrganisationNumber') {
      const hit = await byOrgNumber(digits(input.OrganisationNumber) || undefined);
      if (hit) return hit;
    } else if (key === 'VATNumber') {
      const hit = await byOrgNumber(orgNumberFromVat(text(input.VATNumber)));
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Whether Fortnox's value already is the wanted one (objects compared by the wanted keys, numbers as decimals). */
export function same(current: unknown, wanted: unknown): boolean {
  if (typeof wanted === 'object' && wanted !== null) {
    if (typeof current !== 'object' || current === null) return false;
    return Object.entries(wanted).every(([key, value]) =>
      same((current as Record<string, unknown>)[key], value),
    );
  }
  const a = text(current);
  const b = text(wanted);
  if (a === b) return true;
  const numeric = /^-?\d+(\.\d+)?$/;
  return numeric.test(a) && numeric.test(b) && toDecimalString(a) === toDecimalString(b);
}

type Ctx = Parameters<ClientFor>[0];

export async function getCustomer(
  clientFor: ClientFor,
  ctx: Ctx,
  customerNumber: string,
): Promise<FortnoxObject> {
  const { body } = await clientFor(ctx).request(
    'GET',
    `/3/customers/${idSegment(customerNumber)}`,
    signalOf(ctx),
  );
  return unwrap(body, 'Customer', 'fortnox_Customer');
}

/** POST /3/customers. */
export async function createCustomer(
  clientFor: ClientFor,
  ctx: Ctx,
  input: CustomerInput,
): Promise<FortnoxObject> {
  const { body } = await clientFor(ctx).request('POST', '/3/customers', {
    body: { Customer: input },
    bodySchema: 'fortnox_Customer_Wrap',
    ...signalOf(ctx),
  });
  const created = unwrap(body, 'Customer', 'fortnox_Customer');
  ctx.logger.info('fortnox customer created', { customerNumber: text(created.CustomerNumber) });
  return created;
}

/** PUTs only the fields that differ from `current` (Fortnox's PUT changes only what is sent); none → no request. */
export async function updateCustomer(
  clientFor: ClientFor,
  ctx: Ctx,
  current: FortnoxObject,
  wanted: Readonly<Record<string, unknown>>,
): Promise<FortnoxObject> {
  const customerNumber = text(current.CustomerNumber);
  const changed = Object.fromEntries(
    Object.entries(wanted).filter(([key, value]) => key !== 'CustomerNumber' && !same(current[key], value)),
  );
  if (Object.keys(changed).length === 0) return current;
  const { body } = await clientFor(ctx).request('PUT', `/3/customers/${idSegment(customerNumber)}`, {
    body: { Customer: changed },
    bodySchema: 'fortnox_Customer_Wrap',
    retryAmbiguous: true, // a PUT of the same fields is idempotent
    ...signalOf(ctx),
  });
  ctx.logger.info('fortnox customer updated', { customerNumber, fields: Object.keys(changed) });
  return unwrap(body, 'Customer', 'fortnox_Customer');
}

export function customersUpsert(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<CustomerInput, FortnoxObject, FortnoxSettings>({
    description:
      "Finds the customer by e-mail, organisation number or Swedish VAT number (in the order of the step's match:, when it has one); creates it when missing, updates only the fields that differ, and leaves it alone when nothing changed.",
    inputSchema: inputSchemaOf(
      'fortnox_Customer',
      ['Name'],
      'A Fortnox Customer (field names as Fortnox spells them).',
    ),
    outputSchema: outputSchemaOf(
      'fortnox_Customer',
      ['CustomerNumber', 'Name'],
      'The Fortnox Customer after the upsert.',
    ),
    idempotent: true,
    examples: [
      {
        name: 'new customer with Swedish country code',
        description: 'From the recording customers/save_new_with_country_code_SE.',
        input: { Name: 'Customer with Swedish country code', CountryCode: 'SE' },
        output: {
          CustomerNumber: '8',
          Name: 'Customer with Swedish country code',
          CountryCode: 'SE',
          Country: 'Sverige',
          Currency: 'SEK',
          Type: 'COMPANY',
          VATType: 'SEVAT',
          PriceList: 'A',
          Active: true,
        },
      },
    ],
    async run(ctx, input) {
      const existing = await findCustomer(clientFor, ctx, input, ctx.match);
      if (existing === undefined) return createCustomer(clientFor, ctx, input);
      return updateCustomer(clientFor, ctx, await getCustomer(clientFor, ctx, existing), input);
    },
  });
}
