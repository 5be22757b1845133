/**
 * Which OAuth scope a Fortnox API path needs (developer guide "Scopes", summarised in
 * /work/shared/docs/fortnox-api.md §1.5). Only consulted when the sandbox is started with
 * `config.grantedScopes`; the registers whose scope the stored copy of the page cut off (terms of
 * payment, ways and terms of delivery) are taken to be `settings`, as the docs guess.
 */
const SCOPE_BY_RESOURCE: Readonly<Record<string, string>> = {
  customers: 'customer',
  articles: 'article',
  orders: 'order',
  offers: 'offer',
  invoices: 'invoice',
  invoicepayments: 'payment',
  prices: 'price',
  pricelists: 'price',
  settings: 'settings',
  modesofpayments: 'settings',
  predefinedaccounts: 'settings',
  termsofpayments: 'settings',
  termsofdeliveries: 'settings',
  wayofdeliveries: 'settings',
  companyinformation: 'companyinformation',
  accounts: 'bookkeeping',
  vouchers: 'bookkeeping',
  financialyears: 'bookkeeping',
  currencies: 'currency',
  me: 'profile',
};

/** The scope `url` needs, or undefined when the sandbox does not know (then nothing is refused). */
export function scopeOfPath(url: string): string | undefined {
  if (url.startsWith('/api/warehouse/')) return 'warehouse';
  const resource = /^\/3\/([a-z]+)/.exec(url)?.[1];
  return resource === undefined ? undefined : SCOPE_BY_RESOURCE[resource];
}

/** Fortnox's answer to a request outside the granted scopes (code 2000663, status 403 UNCONFIRMED). */
export const MISSING_SCOPE_BODY = {
  ErrorInformation: { error: 1, message: 'Du har inte behörighet för denna scope.', code: 2000663 },
};
