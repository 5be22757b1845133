import { argumentError } from '../args.ts';
import { defineOperator, optional, required, type Coerce } from '../operator-spec.ts';
import { VAT_NUMBER_FORMATS, VAT_PREFIX_FOR_COUNTRY } from './number-formats.ts';

const COUNTRY_CODE = /^[A-Za-z]{2}$/;

/** Absent, null and "" mean "no VAT number": a plain B2C order, not an error. */
const vatNumberText: Coerce<string | null> = (value, site) => {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  throw argumentError(site, 'must be a string', value);
};

const countryCode: Coerce<string | null> = (value, site) => {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string' && COUNTRY_CODE.test(value)) return value.toUpperCase();
  throw argumentError(site, 'must be a two-letter country code such as "SE"', value);
};

/** People type VAT numbers with spaces, dots and dashes ("SE 556012-3456 01"); VIES does not. */
export function normalizeVatNumber(vatNumber: string): string {
  return vatNumber.replace(/[\s.-]/g, '').toUpperCase();
}

/**
 * True when `vatNumber` has the syntax of an EU VAT number: a known prefix followed by that
 * country's format. With `countryCode` the prefix must also be that country's (GR → EL, and GB
 * accepts XI), which catches a German number on a customer stored as Swedish.
 */
export function isValidVatNumber(vatNumber: string, countryCode: string | null = null): boolean {
  const normalized = normalizeVatNumber(vatNumber);
  const prefix = normalized.slice(0, 2);
  const format = VAT_NUMBER_FORMATS[prefix];
  if (format === undefined || !format.test(normalized.slice(2))) return false;
  if (countryCode === null) return true;
  return prefix === (VAT_PREFIX_FOR_COUNTRY[countryCode] ?? countryCode) || prefix === countryCode;
}

export const vatValidNumber = defineOperator({
  name: 'vat.validNumber',
  description:
    'True when the string is a syntactically valid EU VAT number (prefix + that country\'s format; SE = "SE" + 10 ' +
    'digits + "01"; EL is Greece, XI Northern Ireland). With countryCode, the prefix must match the country. ' +
    'Spaces, dots and dashes are ignored; null or "" is false. Syntax only: VIES decides registration.',
  params: [required('vatNumber', vatNumberText), optional('countryCode', countryCode, null)],
  run: (vatNumber, country) => vatNumber !== null && isValidVatNumber(vatNumber, country),
});
