/**
 * Value types shared by every canonical entity. They are plain strings at runtime (records arrive as
 * JSON and are validated by the schemas in `schemas/model/`), so the aliases document intent and the
 * patterns below are the single source for runtime checks; `common.schema.json` repeats them and a
 * unit test keeps the two equal.
 */

/**
 * A decimal number as a string: `"125.00"`, `"-31.84"`, `"0.5"`, `"1"`. No exponent, no `+`, no
 * thousands separator, no leading zeros. Money and quantities are never JS numbers: a float cannot
 * hold 0.1 and a VAT return must add up to the öre.
 */
export type DecimalString = string;

/** A tax rate in percent as a decimal string: `"25"`, `"12"`, `"6"`, `"0"`, `"25.5"`. */
export type TaxRatePercent = string;

/** An ISO 8601 timestamp with an offset or `Z`: `"2026-11-27T04:06:17Z"`. */
export type IsoTimestamp = string;

/** An ISO 8601 calendar date: `"2026-11-27"`. */
export type IsoDate = string;

/** ISO 3166-1 alpha-2, upper case: `"SE"`. */
export type CountryCode = string;

/** ISO 4217, upper case: `"SEK"`. */
export type CurrencyCode = string;

/** Free-form string fields a connector or plugin passes through untouched. */
export type StringMap = Readonly<Record<string, string>>;

export const DECIMAL_PATTERN = '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$';
export const NON_NEGATIVE_DECIMAL_PATTERN = '^(0|[1-9][0-9]*)(\\.[0-9]+)?$';
export const COUNTRY_CODE_PATTERN = '^[A-Z]{2}$';
export const CURRENCY_CODE_PATTERN = '^[A-Z]{3}$';

const decimalRegExp = new RegExp(DECIMAL_PATTERN);
const nonNegativeDecimalRegExp = new RegExp(NON_NEGATIVE_DECIMAL_PATTERN);

export function isDecimalString(value: unknown): value is DecimalString {
  return typeof value === 'string' && decimalRegExp.test(value);
}

export function isNonNegativeDecimalString(value: unknown): value is DecimalString {
  return typeof value === 'string' && nonNegativeDecimalRegExp.test(value);
}

/** Where a record came from: which connector, and which of the tenant's stores or companies. */
export interface SourceRef {
  /** Connector id, e.g. `woocommerce`, `shopify`, `fortnox`. */
  readonly connector: string;
  /** Stable id of the store within the tenant (a shop host, a Shopify shop id, a Fortnox company). */
  readonly storeId: string;
  readonly storeUrl?: string;
}

/**
 * A postal address. Connectors trim fields and leave out empty optional ones; required fields that
 * the source does not have (a postcode in a country without them) are `""`.
 */
export interface Address {
  /** The addressee: a person's full name, or the company name when no person is given. */
  readonly name: string;
  readonly company?: string;
  readonly street1: string;
  readonly street2?: string;
  readonly postalCode: string;
  readonly city: string;
  /** State, county or province code as the source gives it. */
  readonly state?: string;
  readonly countryCode: CountryCode;
  readonly phone?: string;
  readonly email?: string;
}
