import type { ResourceName } from './state.ts';

/** How each register is addressed, wrapped, searched and filtered (from the OpenAPI paths). */
export interface ResourceSpec {
  readonly name: ResourceName;
  readonly singular: string;
  readonly plural: string;
  readonly key: string;
  /** The schema a create/update body is checked against. */
  readonly inputSchema: string;
  readonly listItemSchema: string;
  /** `filter=` values the list accepts. */
  readonly filters: Readonly<Record<string, (record: Record<string, unknown>) => boolean>>;
  /** Query parameter → field it searches (substring, case-insensitive, like Fortnox). */
  readonly search: Readonly<Record<string, string>>;
  /** Query parameter → field it must equal (numeric parameters such as `invoicenumber`). */
  readonly exactSearch?: Readonly<Record<string, string>>;
  /** Other query parameters the list understands (so they are not "unknown"). */
  readonly otherParams: readonly string[];
}

const isTrue = (value: unknown) => value === true || value === 'true';
const isInvoiced = (record: Record<string, unknown>) =>
  record.InvoiceReference !== undefined && record.InvoiceReference !== '0' && record.InvoiceReference !== '';

const PAGING = ['page', 'limit', 'offset', 'filter', 'lastmodified', 'sortby', 'sortorder'];

const DOCUMENT_RESOURCES = {
  customers: {
    name: 'customers',
    singular: 'Customer',
    plural: 'Customers',
    key: 'CustomerNumber',
    inputSchema: 'fortnox_Customer',
    listItemSchema: 'fortnox_CustomerListItem',
    filters: { active: (r) => isTrue(r.Active), inactive: (r) => !isTrue(r.Active) },
    search: {
      customernumber: 'CustomerNumber',
      name: 'Name',
      zipcode: 'ZipCode',
      city: 'City',
      email: 'Email',
      phone: 'Phone1',
      organisationnumber: 'OrganisationNumber',
      gln: 'GLN',
      glndelivery: 'GLNDelivery',
    },
    otherParams: PAGING,
  },
  articles: {
    name: 'articles',
    singular: 'Article',
    plural: 'Articles',
    key: 'ArticleNumber',
    inputSchema: 'fortnox_Article',
    listItemSchema: 'fortnox_ArticleListItem',
    filters: { active: (r) => isTrue(r.Active), inactive: (r) => !isTrue(r.Active) },
    search: {
      articlenumber: 'ArticleNumber',
      description: 'Description',
      ean: 'EAN',
      suppliernumber: 'SupplierNumber',
      manufacturer: 'Manufacturer',
      manufacturerarticlenumber: 'ManufacturerArticleNumber',
    },
    otherParams: [...PAGING, 'webshop'],
  },
  orders: {
    name: 'orders',
    singular: 'Order',
    plural: 'Orders',
    key: 'DocumentNumber',
    inputSchema: 'fortnox_Order',
    listItemSchema: 'fortnox_OrderListItem',
    filters: {
      cancelled: (r) => isTrue(r.Cancelled),
      // UNCONFIRMED what "expired" means; the sandbox never lets an order expire.
      expired: () => false,
      invoicecreated: (r) => isInvoiced(r),
      invoicenotcreated: (r) => !isInvoiced(r) && !isTrue(r.Cancelled),
    },
    search: {
      customername: 'CustomerName',
      customernumber: 'CustomerNumber',
      documentnumber: 'DocumentNumber',
      externalinvoicereference1: 'ExternalInvoiceReference1',
      externalinvoicereference2: 'ExternalInvoiceReference2',
      ourreference: 'OurReference',
      yourreference: 'YourReference',
      costcenter: 'CostCenter',
      project: 'Project',
      ordertype: 'OrderType',
    },
    otherParams: [...PAGING, 'fromdate', 'todate', 'sent', 'notcompleted', 'label'],
  },
  invoices: {
    name: 'invoices',
    singular: 'Invoice',
    plural: 'Invoices',
    key: 'DocumentNumber',
    inputSchema: 'fortnox_InvoicePayload',
    listItemSchema: 'fortnox_InvoiceListItem',
    filters: {
      cancelled: (r) => isTrue(r.Cancelled),
      fullypaid: (r) => !isTrue(r.Cancelled) && Number(r.Balance) === 0 && r.FinalPayDate !== null,
      unpaid: (r) => !isTrue(r.Cancelled) && Number(r.Balance) !== 0,
      unpaidoverdue: (r) => !isTrue(r.Cancelled) && Number(r.Balance) !== 0 && String(r.DueDate) < todayIso(),
      unbooked: (r) => !isTrue(r.Booked) && !isTrue(r.Cancelled),
    },
    search: {
      customername: 'CustomerName',
      customernumber: 'CustomerNumber',
      documentnumber: 'DocumentNumber',
      externalinvoicereference1: 'ExternalInvoiceReference1',
      externalinvoicereference2: 'ExternalInvoiceReference2',
      yourordernumber: 'YourOrderNumber',
      ocr: 'OCR',
      ourreference: 'OurReference',
      yourreference: 'YourReference',
      costcenter: 'CostCenter',
      project: 'Project',
      invoicetype: 'InvoiceType',
      currency: 'Currency',
    },
    // UNCONFIRMED: credit=true lists credit invoices only, credit=false the others.
    exactSearch: { credit: 'Credit' },
    otherParams: [
      ...PAGING,
      'fromdate',
      'todate',
      'fromfinalpaydate',
      'tofinalpaydate',
      'notcompleted',
      'sent',
      'label',
      'articlenumber',
      'articledescription',
      'accountnumberfrom',
      'accountnumberto',
    ],
  },
} satisfies Partial<Record<ResourceName, ResourceSpec>>;

/** A lookup register: the whole record in lists, no filters, paged like the others. */
function lookup(
  name: ResourceName,
  singular: string,
  plural: string,
  key: string,
  schema: string,
): ResourceSpec {
  return {
    name,
    singular,
    plural,
    key,
    inputSchema: schema,
    listItemSchema: schema,
    filters: {},
    search: {},
    otherParams: PAGING,
  };
}

export const RESOURCES: Readonly<Record<ResourceName, ResourceSpec>> = {
  ...DOCUMENT_RESOURCES,
  invoicepayments: {
    name: 'invoicepayments',
    singular: 'InvoicePayment',
    plural: 'InvoicePayments',
    key: 'Number',
    inputSchema: 'fortnox_InvoicePayment',
    listItemSchema: 'fortnox_InvoicePaymentListItem',
    filters: {},
    search: {},
    exactSearch: { invoicenumber: 'InvoiceNumber' },
    otherParams: PAGING,
  },
  currencies: lookup('currencies', 'Currency', 'Currencies', 'Code', 'fortnox_Currency'),
  modesofpayments: lookup(
    'modesofpayments',
    'ModeOfPayment',
    'ModesOfPayments',
    'Code',
    'fortnox_ModeOfPayment',
  ),
  termsofpayments: lookup(
    'termsofpayments',
    'TermsOfPayment',
    'TermsOfPayments',
    'Code',
    'fortnox_TermsOfPayment',
  ),
  wayofdeliveries: lookup(
    'wayofdeliveries',
    'WayOfDelivery',
    'WayOfDeliveries',
    'Code',
    'fortnox_WayOfDelivery',
  ),
  termsofdeliveries: lookup(
    'termsofdeliveries',
    'TermsOfDelivery',
    'TermsOfDeliveries',
    'Code',
    'fortnox_TermsOfDelivery',
  ),
  // Recorded in the OpenAPI document with a capital D: PreDefinedAccount(s).
  predefinedaccounts: lookup(
    'predefinedaccounts',
    'PreDefinedAccount',
    'PreDefinedAccounts',
    'Name',
    'fortnox_PredefinedAccount',
  ),
  accounts: {
    ...lookup('accounts', 'Account', 'Accounts', 'Number', 'fortnox_AccountSingleItem'),
    listItemSchema: 'fortnox_AccountListItem',
    otherParams: [...PAGING, 'sru', 'financialyear'],
  },
};

function todayIso(): string {
  return new Date().toISOString().slice(0, 10);
}

export function isResourceName(value: string): value is ResourceName {
  return value in RESOURCES;
}
