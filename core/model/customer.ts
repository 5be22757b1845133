import type { Address, IsoTimestamp, SourceRef, StringMap } from './common.ts';

/**
 * Who placed an order, as the shop knows them. `isBusiness` is derived by the connector (a company
 * name or a VAT number is present); whether the sale is B2B for VAT purposes is a rule-pack decision
 * that also needs a validated VAT number and the delivery country.
 */
export interface CustomerIdentity {
  /** The shop's customer id; absent for guest checkouts. */
  readonly sourceCustomerId?: string;
  readonly email: string;
  /** The person's full name, or the company name when no person is given. Never empty. */
  readonly name: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly company?: string;
  /** National company registration number as entered, e.g. Swedish `556677-8899`. */
  readonly organisationNumber?: string;
  /**
   * VAT number as entered, upper-cased with spaces removed, country prefix included when the source
   * has one (`FI01120389`). Not validated: see `vatNumberValidated`.
   */
  readonly vatNumber?: string;
  /**
   * True only when the source says it checked the VAT number (e.g. an EU VAT plugin asked VIES);
   * false when that check failed; absent when nobody checked.
   */
  readonly vatNumberValidated?: boolean;
  readonly phone?: string;
  readonly isBusiness: boolean;
}

/** A customer record of a source (a shop's customer list), outside any one order. */
export interface Customer extends Omit<CustomerIdentity, 'sourceCustomerId'> {
  /** The source's customer id. */
  readonly id: string;
  readonly source: SourceRef;
  readonly billingAddress?: Address;
  readonly deliveryAddress?: Address;
  readonly createdAt?: IsoTimestamp;
  readonly modifiedAt?: IsoTimestamp;
  readonly meta?: StringMap;
}
