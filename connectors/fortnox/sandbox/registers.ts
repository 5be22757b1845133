import { Decimal } from 'decimal.js';
import type { SandboxConfig } from './config.ts';
import { articleDefaults, customerDefaults, invoiceDefaults, orderDefaults } from './defaults.ts';
import { buildRows, computeTotals, type DocumentKind } from './documents.ts';
import { errorInformation, fromTemplate, notFound } from './errors.ts';
import { RESOURCES, type ResourceSpec } from './resources.ts';
import type { FortnoxRecord, ResourceName, StoredRecord, TenantData } from './state.ts';
import { addDays, localParts, parseLastModified } from './time.ts';
import { specSchema, validateInput } from './validate.ts';

/** The registers of one tenant, behaving like Fortnox's `/3/` resources. */
export class Registers {
  constructor(
    private readonly tenant: TenantData,
    private readonly config: SandboxConfig,
    private readonly baseUrl: string,
  ) {}

  list(resource: ResourceName, query: Readonly<Record<string, string | undefined>>): FortnoxRecord {
    const spec = RESOURCES[resource];
    const { errors } = this.config;
    if (this.config.rejectUnknownQueryParameters) {
      for (const key of Object.keys(query)) {
        if (!(key in spec.search) && !(key in (spec.exactSearch ?? {})) && !spec.otherParams.includes(key)) {
          throw errorInformation(400, 2000588, 'Ogiltig parameter i anropet.');
        }
      }
    }
    let records = [...this.tenant.records[resource].values()];
    if (query.filter !== undefined) {
      const filter = spec.filters[query.filter];
      if (!filter) throw fromTemplate(errors.invalidFilter);
      records = records.filter((stored) => filter(stored.data));
    }
    for (const [param, field] of Object.entries(spec.exactSearch ?? {})) {
      const wanted = query[param];
      if (wanted === undefined || wanted === '') continue;
      records = records.filter((stored) => String(stored.data[field] ?? '') === wanted);
    }
    for (const [param, field] of Object.entries(spec.search)) {
      const wanted = query[param];
      if (wanted === undefined || wanted === '') continue;
      // Fortnox searches are substring matches, case-insensitive: callers must filter exact matches.
      const needle = wanted.toLowerCase();
      records = records.filter((stored) =>
        String(stored.data[field] ?? '')
          .toLowerCase()
          .includes(needle),
      );
    }
    if (query.lastmodified !== undefined) {
      const bound = parseLastModified(query.lastmodified);
      if (bound === undefined) throw errorInformation(400, 2000588, 'Ogiltig parameter i anropet.');
      records = records.filter((stored) => {
        const modified = localParts(stored.modifiedAt, this.config.timeZone).dateTime;
        return this.config.lastModifiedInclusive ? modified >= bound : modified > bound;
      });
    }
    records.sort((a, b) => compareKeys(String(a.data[spec.key]), String(b.data[spec.key])));
    if (query.sortorder === 'descending') records.reverse();
    const limit = Math.min(
      positiveInt(query.limit) ?? this.config.pageSize.default,
      this.config.pageSize.max,
    );
    const page = positiveInt(query.page) ?? 1;
    const offset = nonNegativeInt(query.offset) ?? 0;
    const total = records.length;
    const start = offset + (page - 1) * limit;
    const items = records.slice(start, start + limit).map((stored) => this.listItem(spec, stored.data));
    return {
      MetaInformation: {
        '@TotalResources': total,
        '@TotalPages': Math.ceil(Math.max(total - offset, 0) / limit),
        '@CurrentPage': page,
      },
      [spec.plural]: items,
    };
  }

  get(resource: ResourceName, id: string): FortnoxRecord {
    return { [RESOURCES[resource].singular]: this.present(resource, this.find(resource, id).data) };
  }

  create(
    resource: ResourceName,
    body: unknown,
    options: { validate: boolean } = { validate: true },
  ): FortnoxRecord {
    const spec = RESOURCES[resource];
    const input = this.unwrap(spec, body, options.validate, true);
    const map = this.tenant.records[resource];
    const given = input[spec.key];
    const key =
      given === undefined || given === null || given === '' ? this.nextNumber(resource) : String(given);
    if (map.has(key)) throw fromTemplate(this.config.errors.numberTaken, { value: key });
    const now = this.config.now();
    const today = localParts(now, this.config.timeZone).date;
    let record: FortnoxRecord;
    switch (resource) {
      case 'customers':
        record = { ...customerDefaults(), ...input, CustomerNumber: key };
        withCountry(record);
        break;
      case 'articles':
        record = { ...articleDefaults(), ...input, ArticleNumber: key };
        withStock(record);
        break;
      case 'orders':
      case 'invoices':
        record = this.newDocument(resource, input, key, today);
        break;
      case 'invoicepayments':
        record = this.newPayment(input, key, today);
        break;
      default:
        record = { ...input, [spec.key]: resource === 'accounts' ? Number(key) : key };
    }
    const numeric = Number(key);
    if (Number.isInteger(numeric) && numeric >= this.tenant.next[resource])
      this.tenant.next[resource] = numeric + 1;
    map.set(key, { data: record, modifiedAt: now });
    if (resource === 'invoices' && record.Credit === 'true') this.linkCredit(record);
    return { [spec.singular]: this.present(resource, record) };
  }

  /** Seeds a lookup register: replaces the record with the same key (defaults included). */
  put(resource: ResourceName, record: FortnoxRecord): void {
    const key = String(record[RESOURCES[resource].key]);
    this.tenant.records[resource].set(key, { data: { ...record }, modifiedAt: this.config.now() });
  }

  companySettings(): FortnoxRecord {
    return { CompanySettings: { ...this.tenant.companySettings } };
  }

  /** `GET /3/companyinformation`: the part of the company settings it shows, DatabaseNumber numeric. */
  companyInformation(): FortnoxRecord {
    const settings = this.tenant.companySettings;
    return {
      CompanyInformation: {
        Address: settings.Address ?? '',
        City: settings.City ?? '',
        CompanyName: settings.Name ?? '',
        CountryCode: settings.CountryCode ?? '',
        DatabaseNumber: Number(settings.DatabaseNumber),
        OrganizationNumber: settings.OrganizationNumber ?? '',
        VisitAddress: settings.VisitAddress ?? '',
        VisitCity: settings.VisitCity ?? '',
        VisitCountryCode: settings.VisitCountryCode ?? '',
        VisitZipCode: settings.VisitZipCode ?? '',
        ZipCode: settings.ZipCode ?? '',
      },
    };
  }

  /**
   * `PUT /3/invoices/{n}/credit`: a credit invoice for the whole invoice — its rows with negated
   * quantities, `Credit: "true"`, `CreditInvoiceReference` = the original — and the original's
   * `CreditInvoiceReference` set to it. Answers with the updated original (OpenAPI: "the updated
   * invoice"). Only a booked invoice that is not credited yet can be credited (Fortnox's user guide).
   * Balances stay as they are: Fortnox does not offset a credit against its invoice by itself; both
   * are settled by payments (Fortnox support FAQ "Hur kvittar man en debet och en kredit").
   */
  credit(id: string): FortnoxRecord {
    const { errors } = this.config;
    const stored = this.find('invoices', id);
    const original = stored.data;
    if (original.Cancelled === true) throw fromTemplate(errors.documentLocked, { value: id });
    if (original.Credit === 'true' || isReference(original.CreditInvoiceReference))
      throw fromTemplate(errors.alreadyCredited, { value: id });
    if (original.Booked !== true) throw fromTemplate(errors.notBooked, { value: id });
    const payload = specSchema('fortnox_InvoicePayload').properties ?? {};
    const header: FortnoxRecord = {};
    for (const [key, value] of Object.entries(original)) {
      if (
        key in payload &&
        ![
          'DocumentNumber',
          'InvoiceRows',
          'OCR',
          'InvoiceDate',
          'DueDate',
          'CreditInvoiceReference',
        ].includes(key)
      )
        header[key] = value;
    }
    const rows = ((original.InvoiceRows as FortnoxRecord[] | undefined) ?? []).map((row) => {
      const {
        RowId: _id,
        Total: _t,
        PriceExcludingVAT: _p,
        TotalExcludingVAT: _e,
        ContributionPercent: _c,
        ContributionValue: _v,
        ...rest
      } = row;
      return { ...rest, DeliveredQuantity: new Decimal(String(row.DeliveredQuantity ?? 0)).neg().toString() };
    });
    this.create(
      'invoices',
      { Invoice: { ...header, CreditInvoiceReference: id, InvoiceRows: rows } },
      { validate: false },
    );
    return { Invoice: this.present('invoices', this.find('invoices', id).data) };
  }

  /** `PUT /3/invoicepayments/{n}/bookkeep`: books the payment (a voucher in series C). */
  bookkeepPayment(id: string): FortnoxRecord {
    const stored = this.find('invoicepayments', id);
    if (stored.data.Booked === true) throw fromTemplate(this.config.errors.documentLocked, { value: id });
    this.touch(stored, {
      ...stored.data,
      Booked: true,
      VoucherSeries: 'C',
      VoucherNumber: this.nextVoucher('C'),
      VoucherYear: 1,
    });
    return { InvoicePayment: this.present('invoicepayments', stored.data) };
  }

  /** `DELETE /3/invoicepayments/{n}`: only an unbooked payment; the invoice's balance is restored. */
  deletePayment(id: string): void {
    const stored = this.find('invoicepayments', id);
    if (stored.data.Booked === true) throw fromTemplate(this.config.errors.documentLocked, { value: id });
    const invoice = this.tenant.records.invoices.get(String(stored.data.InvoiceNumber));
    if (invoice) {
      const balance = dec(invoice.data.Balance).plus(dec(stored.data.AmountCurrency));
      this.touch(invoice, { ...invoice.data, Balance: balance.toNumber(), FinalPayDate: null });
    }
    this.tenant.records.invoicepayments.delete(id);
  }

  /**
   * A payment on an invoice, in the invoice's currency: `AmountCurrency` is what the invoice's
   * `Balance` goes down by (required for a foreign-currency invoice), `Amount` the SEK amount (from
   * `AmountCurrency` × the invoice's rate when left out). Balance 0 → `FinalPayDate` = the payment date.
   */
  private newPayment(input: FortnoxRecord, key: string, today: string): FortnoxRecord {
    const { errors } = this.config;
    const invoiceNumber = String(input.InvoiceNumber ?? '');
    const stored = this.tenant.records.invoices.get(invoiceNumber);
    if (!stored) throw fromTemplate(errors.unknownInvoice, { value: invoiceNumber });
    const invoice = stored.data;
    if (invoice.Cancelled === true) throw fromTemplate(errors.documentLocked, { value: invoiceNumber });
    if (
      this.config.payments.requireBookedInvoice &&
      invoice.AccountingMethod !== 'CASH' &&
      invoice.Booked !== true
    )
      throw fromTemplate(errors.notBooked, { value: invoiceNumber });
    const paymentDate =
      typeof input.PaymentDate === 'string' && input.PaymentDate !== '' ? input.PaymentDate : today;
    if (paymentDate < String(invoice.InvoiceDate))
      throw fromTemplate(errors.paymentBeforeInvoiceDate, { value: paymentDate });
    const currency = String(invoice.Currency ?? 'SEK');
    const rate = dec(invoice.CurrencyRate ?? 1);
    const unit = dec(invoice.CurrencyUnit ?? 1);
    let amountCurrency: Decimal;
    let amount: Decimal;
    if (currency === 'SEK') {
      if (input.Amount === undefined && input.AmountCurrency === undefined)
        throw fromTemplate(errors.required, { field: 'InvoicePayment.Amount' });
      amount = dec(input.Amount ?? input.AmountCurrency);
      amountCurrency = amount;
    } else {
      if (input.AmountCurrency === undefined)
        throw fromTemplate(errors.required, { field: 'InvoicePayment.AmountCurrency' });
      amountCurrency = dec(input.AmountCurrency);
      amount =
        input.Amount === undefined
          ? amountCurrency.times(rate).div(unit).toDecimalPlaces(2, Decimal.ROUND_HALF_UP)
          : dec(input.Amount);
    }
    let account = input.ModeOfPaymentAccount ?? null;
    if (typeof input.ModeOfPayment === 'string' && input.ModeOfPayment !== '') {
      const mode = this.tenant.records.modesofpayments.get(input.ModeOfPayment);
      if (!mode)
        throw fromTemplate(errors.invalidValue, {
          field: 'InvoicePayment.ModeOfPayment',
          value: input.ModeOfPayment,
        });
      account ??= Number(mode.data.AccountNumber);
    }
    const balance = dec(invoice.Balance).minus(amountCurrency);
    this.touch(stored, {
      ...invoice,
      Balance: balance.toNumber(),
      FinalPayDate: balance.isZero() ? paymentDate : (invoice.FinalPayDate ?? null),
    });
    return {
      Number: key,
      InvoiceNumber: Number(invoiceNumber),
      Amount: amount.toNumber(),
      AmountCurrency: amountCurrency.toNumber(),
      Booked: false,
      Currency: currency,
      CurrencyRate: rate.toNumber(),
      CurrencyUnit: unit.toNumber(),
      ExternalInvoiceReference1: invoice.ExternalInvoiceReference1 ?? '',
      ExternalInvoiceReference2: invoice.ExternalInvoiceReference2 ?? '',
      InvoiceCustomerName: invoice.CustomerName ?? '',
      InvoiceCustomerNumber: invoice.CustomerNumber ?? '',
      InvoiceDueDate: invoice.DueDate ?? null,
      InvoiceOCR: invoice.OCR ?? '',
      InvoiceTotal: String(invoice.Total ?? 0),
      ModeOfPayment: input.ModeOfPayment ?? '',
      ModeOfPaymentAccount: account,
      PaymentDate: paymentDate,
      Source: 'manual',
      VoucherNumber: null,
      VoucherSeries: null,
      VoucherYear: null,
      WriteOffs: input.WriteOffs ?? [],
    };
  }

  /** A new credit invoice: the original it credits is linked back if it has no credit yet. */
  private linkCredit(credit: FortnoxRecord): void {
    const original = this.tenant.records.invoices.get(String(credit.CreditInvoiceReference));
    if (original && !isReference(original.data.CreditInvoiceReference)) {
      this.touch(original, { ...original.data, CreditInvoiceReference: String(credit.DocumentNumber) });
    }
  }

  private nextVoucher(series: string): number {
    const next = this.tenant.nextVoucher[series] ?? 1;
    this.tenant.nextVoucher[series] = next + 1;
    return next;
  }

  update(resource: ResourceName, id: string, body: unknown): FortnoxRecord {
    const spec = RESOURCES[resource];
    const stored = this.find(resource, id);
    const input = this.unwrap(spec, body, true, false);
    delete input[spec.key];
    if (resource === 'orders' || resource === 'invoices') this.assertEditable(resource, stored.data);
    const record: FortnoxRecord = { ...stored.data, ...input };
    if (resource === 'customers') withCountry(record);
    if (resource === 'articles') withStock(record);
    if (resource === 'orders' || resource === 'invoices') {
      const rowsKey = resource === 'orders' ? 'OrderRows' : 'InvoiceRows';
      // Simplification: rows sent replace all rows (Fortnox's RowId-merge rules are not modelled).
      if (Array.isArray(input[rowsKey])) {
        record[rowsKey] = buildRows(
          resource,
          input[rowsKey] as FortnoxRecord[],
          this.tenant,
          this.config.errors,
        );
      }
      computeTotals(resource, record, this.config.roundOffToWholeKrona);
      if (resource === 'invoices') {
        // What was paid stays paid: the balance follows the new total.
        const paid = dec(stored.data.Total).minus(dec(stored.data.Balance));
        record.Balance = dec(record.Total).minus(paid).toNumber();
      }
    }
    this.touch(stored, record);
    return { [spec.singular]: this.present(resource, record) };
  }

  /** `PUT /3/orders/{n}/createinvoice`: an invoice from the order, linked both ways. */
  createInvoiceFromOrder(id: string): FortnoxRecord {
    const order = this.find('orders', id);
    this.assertEditable('orders', order.data);
    const invoiceSchema = specSchema('fortnox_InvoicePayload').properties ?? {};
    const header: FortnoxRecord = {};
    for (const [key, value] of Object.entries(order.data)) {
      if (key in invoiceSchema && !['DocumentNumber', 'InvoiceRows', 'EmailInformation', 'OCR'].includes(key))
        header[key] = value;
    }
    const rows = ((order.data.OrderRows as FortnoxRecord[] | undefined) ?? []).map((row) => {
      const {
        OrderedQuantity,
        DeliveredQuantity,
        ReservedQuantity: _r,
        StockPointId: _s,
        RowId: _id,
        Total: _t,
        ...rest
      } = row;
      // UNCONFIRMED how Fortnox invoices undelivered rows; the sandbox invoices the ordered quantity then.
      const delivered = Number(DeliveredQuantity ?? 0) > 0 ? DeliveredQuantity : OrderedQuantity;
      return { ...rest, DeliveredQuantity: delivered };
    });
    const created = this.create(
      'invoices',
      { Invoice: { ...header, InvoiceRows: rows } },
      { validate: false },
    );
    const invoice = created.Invoice as FortnoxRecord;
    const invoiceNumber = String(invoice.DocumentNumber);
    const stored = this.find('invoices', invoiceNumber);
    stored.data.OrderReference = String(order.data.DocumentNumber);
    this.touch(order, { ...order.data, InvoiceReference: invoiceNumber });
    return this.config.createInvoiceResponse === 'Invoice'
      ? { Invoice: this.present('invoices', stored.data) }
      : { Order: this.present('orders', order.data) };
  }

  cancel(resource: DocumentKind, id: string): FortnoxRecord {
    const stored = this.find(resource, id);
    this.assertEditable(resource, stored.data);
    this.touch(stored, { ...stored.data, Cancelled: true });
    return { [RESOURCES[resource].singular]: this.present(resource, stored.data) };
  }

  bookkeep(id: string): FortnoxRecord {
    const stored = this.find('invoices', id);
    this.assertEditable('invoices', stored.data);
    this.touch(stored, {
      ...stored.data,
      Booked: true,
      VoucherSeries: 'B',
      VoucherNumber: this.nextVoucher('B'),
      VoucherYear: 1,
    });
    return { Invoice: this.present('invoices', stored.data) };
  }

  private newDocument(kind: DocumentKind, input: FortnoxRecord, key: string, today: string): FortnoxRecord {
    const customerNumber = String(input.CustomerNumber ?? '');
    const customer = this.tenant.records.customers.get(customerNumber)?.data;
    if (!customer) throw fromTemplate(this.config.errors.unknownCustomer, { value: customerNumber });
    const fromCustomer: FortnoxRecord = {
      CustomerName: customer.Name ?? '',
      Address1: customer.Address1 ?? '',
      Address2: customer.Address2 ?? '',
      City: customer.City ?? '',
      ZipCode: customer.ZipCode ?? '',
      OrganisationNumber: customer.OrganisationNumber ?? '',
      Currency: customer.Currency ?? 'SEK',
      VATIncluded: customer.ShowPriceVATIncluded === true,
    };
    if (customer.TermsOfPayment) fromCustomer.TermsOfPayment = customer.TermsOfPayment;
    const rowsKey = kind === 'orders' ? 'OrderRows' : 'InvoiceRows';
    const base = kind === 'orders' ? orderDefaults(today) : invoiceDefaults(today, today);
    const record: FortnoxRecord = { ...base, ...fromCustomer, ...input, DocumentNumber: key };
    record[rowsKey] = buildRows(
      kind,
      (input[rowsKey] as FortnoxRecord[] | undefined) ?? [],
      this.tenant,
      this.config.errors,
    );
    computeTotals(kind, record, this.config.roundOffToWholeKrona);
    if (kind === 'invoices') {
      if (isReference(input.CreditInvoiceReference)) {
        // A credit invoice made by POST: it names the invoice it credits (partial credits).
        const reference = String(input.CreditInvoiceReference);
        if (!this.tenant.records.invoices.has(reference))
          throw fromTemplate(this.config.errors.unknownInvoice, { value: reference });
        record.CreditInvoiceReference = reference;
        record.Credit = 'true';
      }
      const days = Number(record.TermsOfPayment);
      if (input.DueDate === undefined)
        record.DueDate = addDays(String(record.InvoiceDate), Number.isFinite(days) ? days : 30);
      if (!input.OCR) record.OCR = ocr(key);
      record.Balance = record.Total;
    }
    return record;
  }

  private unwrap(spec: ResourceSpec, body: unknown, validate: boolean, creating: boolean): FortnoxRecord {
    const { errors } = this.config;
    if (body === BAD_JSON) throw fromTemplate(errors.badJson);
    const inner =
      typeof body === 'object' && body !== null ? (body as FortnoxRecord)[spec.singular] : undefined;
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner))
      throw fromTemplate(errors.badBody);
    if (!validate) return { ...(inner as FortnoxRecord) };
    return validateInput(inner, spec.inputSchema, spec.singular, { errors, requireRequired: creating });
  }

  private assertEditable(kind: DocumentKind, record: FortnoxRecord): void {
    const invoiced = kind === 'orders' && record.InvoiceReference !== '0' && record.InvoiceReference !== '';
    if (record.Cancelled === true || record.Booked === true || invoiced) {
      throw fromTemplate(this.config.errors.documentLocked, { value: record.DocumentNumber });
    }
  }

  private find(resource: ResourceName, id: string): StoredRecord {
    const stored = this.tenant.records[resource].get(id);
    if (!stored) throw notFound(resource);
    return stored;
  }

  private touch(stored: StoredRecord, record: FortnoxRecord): void {
    stored.data = record;
    stored.modifiedAt = this.config.now();
  }

  private nextNumber(resource: ResourceName): string {
    const map = this.tenant.records[resource];
    while (map.has(String(this.tenant.next[resource]))) this.tenant.next[resource]++;
    return String(this.tenant.next[resource]);
  }

  private url(resource: ResourceName, key: unknown): string {
    return `${this.baseUrl}/3/${resource}/${encodeURIComponent(String(key))}`;
  }

  private present(resource: ResourceName, record: FortnoxRecord): FortnoxRecord {
    const extra: FortnoxRecord = { '@url': this.url(resource, record[RESOURCES[resource].key]) };
    if (resource === 'orders' || resource === 'invoices') {
      extra['@urlTaxReductionList'] =
        `${this.baseUrl}/3/taxreductions?filter=${resource}&referencenumber=${String(record.DocumentNumber)}`;
    }
    return { ...extra, ...record };
  }

  /** The reduced list view, with the string-typed numbers the recordings show. */
  private listItem(spec: ResourceSpec, record: FortnoxRecord): FortnoxRecord {
    const fields = Object.keys(specSchema(spec.listItemSchema).properties ?? {});
    const item: FortnoxRecord = { '@url': this.url(spec.name, record[spec.key]) };
    for (const field of fields) {
      if (field === '@url') continue;
      item[field] = field === 'Phone' ? (record.Phone1 ?? '') : (record[field] ?? null);
    }
    if (spec.name === 'articles') {
      for (const field of [
        'DisposableQuantity',
        'PurchasePrice',
        'QuantityInStock',
        'ReservedQuantity',
        'StockValue',
        'SalesPrice',
        'VAT',
      ]) {
        const value = item[field];
        if (typeof value === 'number') item[field] = String(value);
      }
    }
    if (spec.name === 'invoicepayments')
      item.WriteOffExist = Array.isArray(record.WriteOffs) && record.WriteOffs.length > 0;
    if (spec.name === 'invoices' && typeof item.CurrencyRate === 'number')
      item.CurrencyRate = String(item.CurrencyRate);
    return item;
  }
}

/** Marks a body that was not valid JSON (the parser hands it on instead of failing the request). */
export const BAD_JSON = Symbol('bad-json');

/** A document reference that points somewhere: Fortnox writes "0" (or nothing) for none. */
function isReference(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '' && String(value) !== '0';
}

function dec(value: unknown): Decimal {
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)))
    return new Decimal(value);
  return new Decimal(0);
}

function withCountry(record: FortnoxRecord): void {
  const code = record.CountryCode;
  if (typeof code !== 'string' || code === '') return;
  // Recorded: CountryCode "SE" comes back with Country "Sverige"; other names are English (UNCONFIRMED).
  record.Country =
    code === 'SE' ? 'Sverige' : (new Intl.DisplayNames(['en'], { type: 'region' }).of(code) ?? code);
}

function withStock(record: FortnoxRecord): void {
  const inStock = new Decimal(Number(record.QuantityInStock ?? 0)).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  record.QuantityInStock = inStock.toNumber();
  record.DisposableQuantity = inStock.minus(Number(record.ReservedQuantity ?? 0)).toNumber();
}

/** Recorded OCRs (1 → "133", 20 → "2048", 29 → "2949"): number, length digit, Luhn check digit. */
export function ocr(documentNumber: string): string {
  const body = `${documentNumber}${(documentNumber.length + 2) % 10}`;
  let sum = 0;
  [...body].reverse().forEach((digit, index) => {
    let value = Number(digit) * (index % 2 === 0 ? 2 : 1);
    if (value > 9) value -= 9;
    sum += value;
  });
  return `${body}${(10 - (sum % 10)) % 10}`;
}

function compareKeys(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (Number.isFinite(na) && Number.isFinite(nb)) return na - nb;
  return a.localeCompare(b);
}

function positiveInt(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return value !== undefined && Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

function nonNegativeInt(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return value !== undefined && Number.isInteger(parsed) && parsed >= 0 ? parsed : undefined;
}
