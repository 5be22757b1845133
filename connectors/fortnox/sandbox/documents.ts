import { Decimal } from 'decimal.js';
import type { SandboxErrorTemplates } from './config.ts';
import { rowDefaults } from './defaults.ts';
import { fromTemplate } from './errors.ts';
import type { FortnoxRecord, TenantData } from './state.ts';

export type DocumentKind = 'orders' | 'invoices';

/** UNCONFIRMED: the VAT rate Fortnox applies to freight and administration fee (25 % in Sweden). */
const FEE_VAT_PERCENT = 25;

function dec(value: unknown): Decimal {
  if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)))
    return new Decimal(value);
  return new Decimal(0);
}

/** Fortnox rounds prices and quantities to 2 decimals, half up (1.125 → 1.13; recorded). */
function round2(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** Rows as Fortnox stores them: article defaults filled in, quantities as strings, RowIds renewed. */
export function buildRows(
  kind: DocumentKind,
  inputRows: readonly FortnoxRecord[],
  tenant: TenantData,
  errors: SandboxErrorTemplates,
): FortnoxRecord[] {
  return inputRows.map((input) => {
    const row: FortnoxRecord = rowDefaults();
    if (kind === 'orders')
      Object.assign(row, { OrderedQuantity: '0', ReservedQuantity: '0', StockPointId: null });
    const articleNumber = typeof input.ArticleNumber === 'string' ? input.ArticleNumber : '';
    if (articleNumber !== '') {
      const article = tenant.records.articles.get(articleNumber)?.data;
      if (!article) throw fromTemplate(errors.unknownArticle, { value: articleNumber });
      Object.assign(row, {
        Description: article.Description ?? '',
        VAT: article.VAT ?? 25,
        AccountNumber: article.SalesAccount ?? 3001,
        Price: article.SalesPrice ?? 0,
        Unit: article.Unit ?? '',
      });
    }
    Object.assign(row, input);
    row.Price = round2(dec(row.Price)).toNumber();
    for (const key of ['OrderedQuantity', 'DeliveredQuantity'] as const) {
      if (key in row) row[key] = round2(dec(row[key])).toString();
    }
    row.RowId = tenant.nextRowId++;
    return row;
  });
}

/** Row and header totals. Row totals follow the recordings: Price × DeliveredQuantity, less discount. */
export function computeTotals(kind: DocumentKind, document: FortnoxRecord, roundToWholeKrona: boolean): void {
  const rowsKey = kind === 'orders' ? 'OrderRows' : 'InvoiceRows';
  const rows = (document[rowsKey] as FortnoxRecord[] | undefined) ?? [];
  const vatIncluded = document.VATIncluded === true;
  let net = new Decimal(0);
  let vat = new Decimal(0);
  for (const row of rows) {
    const gross = dec(row.Price).times(dec(row.DeliveredQuantity));
    const discount = dec(row.Discount);
    const total = round2(
      row.DiscountType === 'AMOUNT'
        ? gross.minus(discount)
        : gross.times(new Decimal(100).minus(discount)).div(100),
    );
    const rate = dec(row.VAT).div(100);
    const rowNet = vatIncluded ? total.div(rate.plus(1)) : total;
    row.Total = total.toNumber();
    if (kind === 'invoices') {
      row.PriceExcludingVAT = round2(
        vatIncluded ? dec(row.Price).div(rate.plus(1)) : dec(row.Price),
      ).toNumber();
      row.TotalExcludingVAT = round2(rowNet).toNumber();
    }
    net = net.plus(rowNet);
    vat = vat.plus(vatIncluded ? total.minus(rowNet) : total.times(rate));
  }
  const fees = dec(document.Freight).plus(dec(document.AdministrationFee));
  const feeRate = new Decimal(FEE_VAT_PERCENT).div(100);
  document.FreightVAT = round2(dec(document.Freight).times(feeRate)).toNumber();
  document.AdministrationFeeVAT = round2(dec(document.AdministrationFee).times(feeRate)).toNumber();
  net = round2(net.plus(fees));
  vat = round2(vat.plus(fees.times(feeRate)));
  const gross = net.plus(vat);
  const total = roundToWholeKrona ? gross.toDecimalPlaces(0, Decimal.ROUND_HALF_UP) : gross;
  document.Net = net.toNumber();
  document.TotalVAT = vat.toNumber();
  document.Gross = gross.toNumber();
  document.RoundOff = total.minus(gross).toNumber();
  document.Total = total.toNumber();
  document.TotalToPay = total.toNumber();
}
