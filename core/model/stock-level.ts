import type { DecimalString, IsoTimestamp, SourceRef } from './common.ts';

/** How many of a SKU a system has, at a point in time. */
export interface StockLevel {
  readonly sku: string;
  readonly source: SourceRef;
  /** The quantity available for sale (what a shop should show). May be negative (backorders). */
  readonly quantity: DecimalString;
  /** Physically in stock, including units reserved for open orders, when the source tells them apart. */
  readonly onHand?: DecimalString;
  /** The warehouse or stock point (Fortnox Lager); absent for a source's single, total stock. */
  readonly warehouse?: string;
  /** The source's product id. */
  readonly productId?: string;
  /** When the source reported this level. */
  readonly at: IsoTimestamp;
}
