import { defineOperation } from '../../../core/plugin-api/index.ts';
import type { ClientDeps, FortnoxSettings } from '../client/index.ts';
import { inputSchemaOf, outputSchemaOf } from '../schemas/from-openapi.ts';
import {
  createCustomer,
  findCustomer,
  getCustomer,
  updateCustomer,
  type CustomerInput,
  type CustomerKeys,
} from './customers-upsert.ts';
import { SCHEMA_DIALECT, clientFactory, type FortnoxObject } from './shared.ts';

const CUSTOMER = 'fortnox_Customer';

const EXAMPLE_CUSTOMER = {
  CustomerNumber: '12',
  Name: 'Bolaget AB',
  Email: 'info@bolaget.se',
  OrganisationNumber: '556677-8899',
  VATNumber: 'SE556677889901',
  CountryCode: 'SE',
  Country: 'Sverige',
  Currency: 'SEK',
  Type: 'COMPANY',
  VATType: 'SEVAT',
  Active: true,
};

export interface CustomerFindOutput {
  /** The customer, or null when none matches exactly. */
  readonly Customer: FortnoxObject | null;
}

export function customersFind(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  const keys = inputSchemaOf(CUSTOMER, [], '') as { properties: Record<string, unknown> };
  return defineOperation<CustomerKeys, CustomerFindOutput, FortnoxSettings>({
    description:
      "Finds a customer by e-mail (exact, case-insensitive), else organisation number (digits compared), else Swedish VAT number (SE + org.no. + 01). Fortnox's searches are substring matches; only exact matches count. Customer is null when none matches.",
    inputSchema: {
      $schema: SCHEMA_DIALECT,
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: {
        Email: keys.properties.Email,
        OrganisationNumber: keys.properties.OrganisationNumber,
        VATNumber: keys.properties.VATNumber,
      },
    },
    outputSchema: {
      $schema: SCHEMA_DIALECT,
      type: 'object',
      required: ['Customer'],
      properties: {
        Customer: {
          anyOf: [{ type: 'null' }, outputSchemaOf(CUSTOMER, ['CustomerNumber'], 'The customer found.')],
        },
      },
    },
    idempotent: true,
    readOnly: true,
    examples: [
      {
        name: 'by VAT number',
        input: { VATNumber: 'SE556677889901' },
        output: { Customer: EXAMPLE_CUSTOMER },
      },
      { name: 'no such e-mail', input: { Email: 'nobody@example.se' }, output: { Customer: null } },
    ],
    async run(ctx, input) {
      const customerNumber = await findCustomer(clientFor, ctx, input);
      return {
        Customer: customerNumber === undefined ? null : await getCustomer(clientFor, ctx, customerNumber),
      };
    },
  });
}

export function customersCreate(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<CustomerInput, FortnoxObject, FortnoxSettings>({
    description:
      'Creates a customer (POST /3/customers). lookup finds one an earlier attempt created, by e-mail, organisation number or Swedish VAT number (exact match).',
    inputSchema: inputSchemaOf(
      CUSTOMER,
      ['Name'],
      'A Fortnox Customer (field names as Fortnox spells them).',
    ),
    outputSchema: outputSchemaOf(CUSTOMER, ['CustomerNumber', 'Name'], 'The created Fortnox Customer.'),
    idempotent: false,
    examples: [
      {
        name: 'a company',
        input: {
          Name: 'Bolaget AB',
          Email: 'info@bolaget.se',
          OrganisationNumber: '556677-8899',
          VATNumber: 'SE556677889901',
          CountryCode: 'SE',
        },
        output: EXAMPLE_CUSTOMER,
      },
    ],
    async lookup(ctx, input) {
      const customerNumber = await findCustomer(clientFor, ctx, input);
      return customerNumber === undefined ? undefined : getCustomer(clientFor, ctx, customerNumber);
    },
    run: (ctx, input) => createCustomer(clientFor, ctx, input),
  });
}

export interface CustomerUpdateInput {
  readonly CustomerNumber: string;
  readonly [field: string]: unknown;
}

export function customersUpdate(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<CustomerUpdateInput, FortnoxObject, FortnoxSettings>({
    description:
      'Updates a customer by number: reads it and PUTs only the fields that differ (none differ → no write).',
    inputSchema: inputSchemaOf(
      CUSTOMER,
      ['CustomerNumber'],
      'The customer number and the fields to set (Fortnox field names).',
    ),
    outputSchema: outputSchemaOf(
      CUSTOMER,
      ['CustomerNumber', 'Name'],
      'The Fortnox Customer after the update.',
    ),
    idempotent: true,
    examples: [
      {
        name: 'new e-mail',
        input: { CustomerNumber: '12', Email: 'ekonomi@bolaget.se' },
        output: { ...EXAMPLE_CUSTOMER, Email: 'ekonomi@bolaget.se' },
      },
    ],
    async run(ctx, input) {
      const current = await getCustomer(clientFor, ctx, input.CustomerNumber);
      return updateCustomer(clientFor, ctx, current, input);
    },
  });
}
