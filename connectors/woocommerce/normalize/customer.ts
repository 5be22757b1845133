import {
  isCountryCode,
  type Address,
  type CustomerIdentity,
  type StringMap,
} from '../../../core/model/index.ts';
import { ValidationError } from '../../../core/plugin-api/index.ts';
import type { WcAddress, WcMeta } from '../wc-types.ts';

/**
 * Order meta keys where common WooCommerce plugins keep the customer's VAT number, first match wins:
 * WooCommerce EU VAT Number (`_billing_vat_number`, older `_vat_number`), Aelia EU VAT Assistant
 * (`vat_number`), EU/UK VAT for WooCommerce (`_billing_eu_vat_number`), Germanized (`_billing_vat_id`).
 */
export const DEFAULT_VAT_NUMBER_META_KEYS: readonly string[] = [
  '_billing_vat_number',
  '_vat_number',
  'vat_number',
  '_billing_eu_vat_number',
  '_billing_vat_id',
  'billing_vat_number',
];

/** Where those plugins record the outcome of their VIES check (`true`/`valid`/`yes` or the opposite). */
export const DEFAULT_VAT_VALIDATED_META_KEYS: readonly string[] = [
  '_vat_number_is_valid',
  '_vat_number_validated',
  '_billing_vat_number_valid',
];

/** Swedish and other national company registration numbers, as checkout-field plugins store them. */
export const DEFAULT_ORGANISATION_NUMBER_META_KEYS: readonly string[] = [
  '_billing_organisation_number',
  '_billing_org_number',
  '_billing_orgnr',
  '_billing_company_number',
];

export interface CustomerMetaKeys {
  readonly vatNumber?: readonly string[];
  readonly vatNumberValidated?: readonly string[];
  readonly organisationNumber?: readonly string[];
}

/** Order meta as strings (numbers and booleans written out; arrays and objects left out). */
export function stringMeta(meta: readonly WcMeta[] | undefined): StringMap {
  const result: Record<string, string> = {};
  for (const entry of meta ?? []) {
    const value = entry.value;
    if (typeof value === 'string') result[entry.key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') result[entry.key] = String(value);
  }
  return result;
}

function firstMeta(meta: StringMap, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = meta[key]?.trim();
    if (value) return value;
  }
  return undefined;
}

function parseValidated(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (['true', 'yes', 'valid', '1'].includes(v)) return true;
  if (['false', 'no', 'invalid', '0'].includes(v)) return false;
  return undefined;
}

const clean = (value: string | null | undefined): string => (value ?? '').trim();

function personName(address: WcAddress): string {
  return [clean(address.first_name), clean(address.last_name)].filter(Boolean).join(' ');
}

/**
 * A WooCommerce address as the model's `Address`; `undefined` when it has no country and no street
 * (WooCommerce sends an all-empty shipping object for orders without a delivery address).
 */
export function toAddress(address: WcAddress | undefined, field: string): Address | undefined {
  if (!address) return undefined;
  const countryCode = clean(address.country).toUpperCase();
  if (!countryCode && !clean(address.address_1)) return undefined;
  if (!/^[A-Z]{2}$/.test(countryCode)) {
    throw new ValidationError(
      `WooCommerce ${field} has no ISO country code (${JSON.stringify(address.country)})`,
      {
        field: `${field}.country`,
        code: 'koppla_invalid_country',
      },
    );
  }
  // `XX` has the shape of a code but names no country: no VAT decision or Fortnox card can use it
  if (!isCountryCode(countryCode)) {
    throw new ValidationError(
      `WooCommerce ${field}.country ${JSON.stringify(countryCode)} is not an ISO 3166-1 country code`,
      {
        field: `${field}.country`,
        code: 'koppla_invalid_country',
      },
    );
  }
  const company = clean(address.company);
  const optional: Record<string, string> = {};
  if (company) optional.company = company;
  if (clean(address.address_2)) optional.street2 = clean(address.address_2);
  if (clean(address.state)) optional.state = clean(address.state);
  if (clean(address.phone)) optional.phone = clean(address.phone);
  if (clean(address.email)) optional.email = clean(address.email);
  return {
    name: personName(address) || company,
    street1: clean(address.address_1),
    postalCode: clean(address.postcode),
    city: clean(address.city),
    countryCode,
    ...optional,
  };
}

/** Who placed the order: billing person and company, plus VAT and company numbers from plugin meta. */
export function toCustomer(
  billing: WcAddress,
  customerId: number,
  meta: StringMap,
  keys: CustomerMetaKeys = {},
): CustomerIdentity {
  const email = clean(billing.email);
  if (!email) {
    // The model needs an address to reach the customer; an order without one cannot be invoiced.
    throw new ValidationError('WooCommerce order has no billing e-mail', {
      field: 'billing.email',
      code: 'koppla_missing_email',
    });
  }
  const company = clean(billing.company);
  const vatRaw = firstMeta(meta, keys.vatNumber ?? DEFAULT_VAT_NUMBER_META_KEYS);
  const vatNumber = vatRaw?.replace(/[\s.-]/g, '').toUpperCase();
  const validated = parseValidated(
    firstMeta(meta, keys.vatNumberValidated ?? DEFAULT_VAT_VALIDATED_META_KEYS),
  );
  const organisationNumber = firstMeta(
    meta,
    keys.organisationNumber ?? DEFAULT_ORGANISATION_NUMBER_META_KEYS,
  );
  const optional: Record<string, string | boolean> = {};
  if (customerId > 0) optional.sourceCustomerId = String(customerId);
  if (clean(billing.first_name)) optional.firstName = clean(billing.first_name);
  if (clean(billing.last_name)) optional.lastName = clean(billing.last_name);
  if (company) optional.company = company;
  if (organisationNumber) optional.organisationNumber = organisationNumber;
  if (vatNumber) optional.vatNumber = vatNumber;
  if (vatNumber && validated !== undefined) optional.vatNumberValidated = validated;
  if (clean(billing.phone)) optional.phone = clean(billing.phone);
  return {
    email,
    name: personName(billing) || company || email,
    isBusiness: Boolean(company || vatNumber),
    ...optional,
  };
}
