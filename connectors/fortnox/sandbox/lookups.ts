import type { FortnoxRecord, ResourceName, TenantData } from './state.ts';

/**
 * What a fresh sandbox tenant's registers hold: a Swedish company on the BAS chart of accounts, as
 * the shipped rule packs (rules/bas-accounts, rules/se-vat) expect. Seeding a record with the same key
 * replaces a default. Values are plausible defaults, not recordings: exchange rates are examples.
 */
const SEED_DATE = '2025-01-02';

export const DEFAULT_CURRENCIES: readonly FortnoxRecord[] = [
  {
    Code: 'SEK',
    Description: 'Svenska kronor',
    BuyRate: 1,
    SellRate: 1,
    Unit: 1,
    Date: SEED_DATE,
    IsAutomatic: false,
  },
  {
    Code: 'EUR',
    Description: 'Euro',
    BuyRate: 11.5,
    SellRate: 11.5,
    Unit: 1,
    Date: SEED_DATE,
    IsAutomatic: true,
  },
  {
    Code: 'USD',
    Description: 'US-dollar',
    BuyRate: 10.5,
    SellRate: 10.5,
    Unit: 1,
    Date: SEED_DATE,
    IsAutomatic: true,
  },
  {
    Code: 'NOK',
    Description: 'Norska kronor',
    BuyRate: 0.98,
    SellRate: 0.98,
    Unit: 1,
    Date: SEED_DATE,
    IsAutomatic: true,
  },
  {
    Code: 'DKK',
    Description: 'Danska kronor',
    BuyRate: 1.54,
    SellRate: 1.54,
    Unit: 1,
    Date: SEED_DATE,
    IsAutomatic: true,
  },
];

/** `AccountNumber` is a 4-character string in the OpenAPI schema of modes of payment. */
export const DEFAULT_MODES_OF_PAYMENT: readonly FortnoxRecord[] = [
  { Code: 'BG', Description: 'Bankgiro', AccountNumber: '1930' },
  { Code: 'PG', Description: 'Plusgiro', AccountNumber: '1920' },
  { Code: 'K', Description: 'Kontant', AccountNumber: '1910' },
  { Code: 'KORT', Description: 'Kortbetalning', AccountNumber: '1580' },
  { Code: 'SWISH', Description: 'Swish', AccountNumber: '1930' },
  // what the shipped document-kind pack names for Klarna, PayPal and redeemed gift cards: a company set
  // up for it has them (koppla doctor checks every mode the pack can send)
  { Code: 'KLARNA', Description: 'Klarna', AccountNumber: '1580' },
  { Code: 'PAYPAL', Description: 'PayPal', AccountNumber: '1580' },
  { Code: 'PRESENTKORT', Description: 'Presentkort', AccountNumber: '2421' },
];

/** Documents default to terms `30` (recorded), whose due date is the invoice date + 30 days. */
export const DEFAULT_TERMS_OF_PAYMENT: readonly FortnoxRecord[] = [
  { Code: '0', Description: 'Kontant' },
  { Code: '10', Description: '10 dagar' },
  { Code: '15', Description: '15 dagar' },
  { Code: '20', Description: '20 dagar' },
  { Code: '30', Description: '30 dagar' },
  { Code: '60', Description: '60 dagar' },
];

export const DEFAULT_WAYS_OF_DELIVERY: readonly FortnoxRecord[] = [
  { Code: 'P', Description: 'Post', DescriptionEnglish: 'Mail' },
  { Code: 'BUD', Description: 'Bud', DescriptionEnglish: 'Courier' },
  { Code: 'HÄMT', Description: 'Hämtas', DescriptionEnglish: 'Pick-up' },
  { Code: 'DHL', Description: 'DHL', DescriptionEnglish: 'DHL' },
  { Code: 'PN', Description: 'PostNord', DescriptionEnglish: 'PostNord' },
];

export const DEFAULT_TERMS_OF_DELIVERY: readonly FortnoxRecord[] = [
  { Code: 'FVL', Description: 'Fritt vårt lager', DescriptionEnglish: 'Ex works' },
  { Code: 'FK', Description: 'Fritt kund', DescriptionEnglish: 'Delivered' },
];

/**
 * Names from the OpenAPI description of `PUT /3/predefinedaccounts/{name}` (SALES / SALES2 for
 * goods / services, and the EasyVat SALES_<rate>_SE accounts with VAT codes MP1/MP2/MP3/MF); the other
 * names are UNCONFIRMED.
 */
export const DEFAULT_PREDEFINED_ACCOUNTS: readonly FortnoxRecord[] = [
  { Name: 'SALES', Account: 3001 },
  { Name: 'SALES2', Account: 3041 },
  { Name: 'SALES_25_SE', Account: 3001 },
  { Name: 'SALES_12_SE', Account: 3002 },
  { Name: 'SALES_6_SE', Account: 3003 },
  { Name: 'SALES_0_SE', Account: 3004 },
  { Name: 'SALES_EU', Account: 3108 },
  { Name: 'SALES_EXPORT', Account: 3105 },
  { Name: 'FREIGHT', Account: 3520 },
  { Name: 'ADMINFEE', Account: 3540 },
  { Name: 'ROUNDOFF', Account: 3740 },
  { Name: 'CUSTCLAIM', Account: 1510 },
];

/**
 * The BAS accounts the shipped rule packs post to. VAT codes on sales accounts follow the EasyVat
 * table of the OpenAPI document (25 % MP1, 12 % MP2, 6 % MP3, exempt MF); Fortnox has no VAT-code
 * register of its own, so the codes are read from the accounts.
 */
export const DEFAULT_ACCOUNTS: readonly FortnoxRecord[] = [
  [1510, 'Kundfordringar'],
  [1580, 'Fordringar för kontokort och kuponger'],
  [1910, 'Kassa'],
  [1920, 'PlusGiro'],
  [1930, 'Företagskonto'],
  [2421, 'Ej inlösta presentkort'],
  [2611, 'Utgående moms på försäljning inom Sverige, 25 %'],
  [2621, 'Utgående moms på försäljning inom Sverige, 12 %'],
  [2631, 'Utgående moms på försäljning inom Sverige, 6 %'],
  [2670, 'Utgående moms på försäljning av varor/tjänster till EU-land, OSS'],
  [3001, 'Försäljning inom Sverige, 25 % moms', 'MP1'],
  [3002, 'Försäljning inom Sverige, 12 % moms', 'MP2'],
  [3003, 'Försäljning inom Sverige, 6 % moms', 'MP3'],
  [3004, 'Försäljning inom Sverige, momsfri', 'MF'],
  [3041, 'Försäljning tjänster inom Sverige, 25 % moms', 'MP1'],
  [3105, 'Försäljning varor till land utanför EU'],
  [3106, 'Försäljning varor till annat EU-land, momspliktig'],
  [3108, 'Försäljning varor till annat EU-land, momsfri'],
  [3305, 'Försäljning tjänster till land utanför EU'],
  [3308, 'Försäljning tjänster till annat EU-land'],
  [3520, 'Fakturerade frakter'],
  [3521, 'Fakturerade frakter, EU-land'],
  [3522, 'Fakturerade frakter, export'],
  [3540, 'Faktureringsavgifter'],
  [3541, 'Faktureringsavgifter, EU-land'],
  [3542, 'Faktureringsavgifter, export'],
  [3740, 'Öres- och kronutjämning'],
].map(([number, description, vatCode]) => ({
  Number: number,
  Description: description,
  Active: true,
  VATCode: vatCode ?? null,
  SRU: null,
  Year: 1,
  BalanceBroughtForward: 0,
  CostCenter: null,
  CostCenterSettings: 'ALLOWED',
  Project: null,
  ProjectSettings: 'ALLOWED',
}));

export function defaultCompanySettings(tenantId: string): FortnoxRecord {
  return {
    Name: 'Koppla Sandbox AB',
    OrganizationNumber: '559000-0001',
    VATNumber: 'SE559000000101',
    DatabaseNumber: tenantId,
    Address: 'Sandboxgatan 1',
    ZipCode: '111 22',
    City: 'Stockholm',
    Country: 'Sverige',
    CountryCode: 'SE',
    Email: 'info@example.se',
    Phone1: '',
    Phone2: '',
    Fax: '',
    WWW: '',
    BG: '123-4567',
    PG: '',
    IBAN: '',
    BIC: '',
    BranchCode: '',
    ContactFirstName: '',
    ContactLastName: '',
    Domicile: 'Stockholm',
    TaxEnabled: true,
    VisitAddress: '',
    VisitCity: '',
    VisitCountry: '',
    VisitCountryCode: '',
    VisitName: '',
    VisitZipCode: '',
  };
}

/** The lookup registers and their defaults; the key field is each register's identifier. */
export const LOOKUP_DEFAULTS: readonly [ResourceName, string, readonly FortnoxRecord[]][] = [
  ['currencies', 'Code', DEFAULT_CURRENCIES],
  ['modesofpayments', 'Code', DEFAULT_MODES_OF_PAYMENT],
  ['termsofpayments', 'Code', DEFAULT_TERMS_OF_PAYMENT],
  ['wayofdeliveries', 'Code', DEFAULT_WAYS_OF_DELIVERY],
  ['termsofdeliveries', 'Code', DEFAULT_TERMS_OF_DELIVERY],
  ['predefinedaccounts', 'Name', DEFAULT_PREDEFINED_ACCOUNTS],
  ['accounts', 'Number', DEFAULT_ACCOUNTS],
];

/** Fills a new tenant's lookup registers and company settings. */
export function seedLookupDefaults(tenant: TenantData, tenantId: string): void {
  for (const [resource, key, records] of LOOKUP_DEFAULTS) {
    for (const record of records) {
      tenant.records[resource].set(String(record[key]), { data: { ...record }, modifiedAt: 0 });
    }
  }
  tenant.companySettings = defaultCompanySettings(tenantId);
}
