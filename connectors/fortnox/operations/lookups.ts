import { defineOperation } from '../../../core/plugin-api/index.ts';
import { listAll, type ClientDeps, type FortnoxSettings } from '../client/index.ts';
import { outputSchemaOf } from '../schemas/from-openapi.ts';
import { listOperation } from './lists.ts';
import { SCHEMA_DIALECT, clientFactory, getObject, signalOf, text, type FortnoxObject } from './shared.ts';

/**
 * The registers documents refer to, read so pipelines and rules can check their codes and accounts
 * before sending: currencies, modes and terms of payment, ways and terms of delivery, predefined
 * accounts, the chart of accounts (which carries the VAT codes: Fortnox has no VAT-code register),
 * and the company settings.
 */
export function currenciesList(deps: ClientDeps) {
  return listOperation(deps, {
    description: 'Lists the currencies documents may use (/3/currencies): code, rates (SEK per Unit), date.',
    path: '/3/currencies',
    listKey: 'Currencies',
    itemSchema: 'fortnox_Currency',
    itemRequired: ['Code'],
    since: false,
    examples: [
      {
        name: 'all',
        input: {},
        output: {
          Currencies: [
            {
              Code: 'EUR',
              Description: 'Euro',
              BuyRate: '11.5',
              SellRate: '11.5',
              Unit: '1',
              Date: '2025-01-02',
            },
          ],
        },
      },
    ],
  });
}

export function modesOfPaymentList(deps: ClientDeps) {
  return listOperation(deps, {
    description:
      'Lists the modes of payment (/3/modesofpayments): the codes invoicePayments.create takes, each with its account.',
    path: '/3/modesofpayments',
    listKey: 'ModesOfPayments',
    itemSchema: 'fortnox_ModeOfPayment',
    itemRequired: ['Code'],
    since: false,
    examples: [
      {
        name: 'all',
        input: {},
        output: { ModesOfPayments: [{ Code: 'KORT', Description: 'Kortbetalning', AccountNumber: '1580' }] },
      },
    ],
  });
}

export function termsOfPaymentList(deps: ClientDeps) {
  return listOperation(deps, {
    description:
      'Lists the terms of payment (/3/termsofpayments); the code is what documents carry (default "30").',
    path: '/3/termsofpayments',
    listKey: 'TermsOfPayments',
    itemSchema: 'fortnox_TermsOfPayment',
    itemRequired: ['Code'],
    since: false,
    examples: [
      { name: 'all', input: {}, output: { TermsOfPayments: [{ Code: '30', Description: '30 dagar' }] } },
    ],
  });
}

export function waysOfDeliveryList(deps: ClientDeps) {
  return listOperation(deps, {
    description: 'Lists the ways of delivery (/3/wayofdeliveries) documents and customers may name.',
    path: '/3/wayofdeliveries',
    listKey: 'WayOfDeliveries',
    itemSchema: 'fortnox_WayOfDelivery',
    itemRequired: ['Code'],
    since: false,
    examples: [
      {
        name: 'all',
        input: {},
        output: { WayOfDeliveries: [{ Code: 'P', Description: 'Post', DescriptionEnglish: 'Mail' }] },
      },
    ],
  });
}

export function termsOfDeliveryList(deps: ClientDeps) {
  return listOperation(deps, {
    description: 'Lists the terms of delivery (/3/termsofdeliveries).',
    path: '/3/termsofdeliveries',
    listKey: 'TermsOfDeliveries',
    itemSchema: 'fortnox_TermsOfDelivery',
    itemRequired: ['Code'],
    since: false,
    examples: [
      {
        name: 'all',
        input: {},
        output: {
          TermsOfDeliveries: [
            { Code: 'FVL', Description: 'Fritt vårt lager', DescriptionEnglish: 'Ex works' },
          ],
        },
      },
    ],
  });
}

export function predefinedAccountsList(deps: ClientDeps) {
  return listOperation(deps, {
    description:
      'Lists the predefined accounts (/3/predefinedaccounts): the accounts Fortnox posts to when a row or article names none (SALES, SALES_25_SE, …).',
    path: '/3/predefinedaccounts',
    listKey: 'PreDefinedAccounts',
    itemSchema: 'fortnox_PredefinedAccount',
    itemRequired: ['Name'],
    since: false,
    examples: [
      { name: 'all', input: {}, output: { PreDefinedAccounts: [{ Name: 'SALES_25_SE', Account: 3001 }] } },
    ],
  });
}

export function accountsList(deps: ClientDeps) {
  return listOperation(deps, {
    description:
      'Lists the chart of accounts (/3/accounts, the current financial year): number, description, active, VAT code.',
    path: '/3/accounts',
    listKey: 'Accounts',
    itemSchema: 'fortnox_AccountListItem',
    itemRequired: ['Number'],
    searches: ['sru'],
    examples: [
      {
        name: 'all',
        input: {},
        output: {
          Accounts: [
            {
              Number: 3001,
              Description: 'Försäljning inom Sverige, 25 % moms',
              Active: true,
              VATCode: 'MP1',
            },
          ],
        },
      },
    ],
  });
}

export interface VatCodesOutput {
  readonly VATCodes: readonly { readonly VATCode: string; readonly Accounts: readonly number[] }[];
}

export function vatCodesList(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<Record<string, never>, VatCodesOutput, FortnoxSettings>({
    description:
      'The VAT codes in use (MP1 25 %, MP2 12 %, MP3 6 %, MF exempt, …) and the active accounts carrying each. Fortnox has no VAT-code endpoint (the OpenAPI document lists none): they are read from the chart of accounts.',
    inputSchema: { $schema: SCHEMA_DIALECT, type: 'object', additionalProperties: false, properties: {} },
    outputSchema: {
      $schema: SCHEMA_DIALECT,
      type: 'object',
      required: ['VATCodes'],
      properties: {
        VATCodes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['VATCode', 'Accounts'],
            properties: {
              VATCode: { type: 'string' },
              Accounts: { type: 'array', items: { type: 'integer' } },
            },
          },
        },
      },
    },
    idempotent: true,
    readOnly: true,
    examples: [
      {
        name: 'a Swedish company',
        input: {},
        output: {
          VATCodes: [
            { VATCode: 'MF', Accounts: [3004] },
            { VATCode: 'MP1', Accounts: [3001, 3041] },
          ],
        },
      },
    ],
    async run(ctx) {
      const accounts = await listAll<FortnoxObject>(clientFor(ctx), '/3/accounts', 'Accounts', signalOf(ctx));
      const byCode = new Map<string, number[]>();
      for (const account of accounts) {
        const code = text(account.VATCode);
        if (code === '' || account.Active === false) continue;
        byCode.set(code, [...(byCode.get(code) ?? []), Number(account.Number)]);
      }
      return {
        VATCodes: [...byCode.entries()]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([VATCode, numbers]) => ({ VATCode, Accounts: numbers.sort((a, b) => a - b) })),
      };
    },
  });
}

export function companySettingsGet(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<Record<string, never>, FortnoxObject, FortnoxSettings>({
    description:
      "Reads the company's settings (GET /3/settings/company, scope settings): name, organisation and VAT number, address, bank giro, DatabaseNumber (the tenant id).",
    inputSchema: { $schema: SCHEMA_DIALECT, type: 'object', additionalProperties: false, properties: {} },
    outputSchema: outputSchemaOf('fortnox_CompanySettings', ['Name'], 'The CompanySettings.'),
    idempotent: true,
    readOnly: true,
    examples: [
      {
        name: 'the company',
        input: {},
        output: {
          Name: 'Koppla Sandbox AB',
          OrganizationNumber: '559000-0001',
          VATNumber: 'SE559000000101',
          DatabaseNumber: '1',
          CountryCode: 'SE',
          TaxEnabled: true,
        },
      },
    ],
    run: (ctx) =>
      getObject(clientFor, ctx, '/3/settings/company', 'CompanySettings', 'fortnox_CompanySettings'),
  });
}
