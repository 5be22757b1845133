import type { FortnoxSettings } from '../client/index.ts';

/**
 * Which stock a shop shows, read from the Fortnox connection's settings under `streams.stock` (a
 * tenant's `connections.<name>.settings` in koppla.yaml). It belongs to the connection rather than a
 * pipeline: it says which of the company's warehouses the shop sells from, whatever flow reads it.
 */
export interface StockStreamOptions {
  /**
   * Fortnox Lager only: the stock points (codes) the shop sells from. One code: that stock point's
   * balance (the primary one); several: their sum; absent: the sum of all stock points.
   */
  readonly stockPoints?: readonly string[];
  /**
   * `availableStock` (default): in stock minus what open orders reserve — what can still be sold
   * (without Lager Fortnox calls it DisposableQuantity). `inStock`: everything on the shelf
   * (QuantityInStock), reserved or not.
   */
  readonly quantity?: 'availableStock' | 'inStock';
  /**
   * `auto` (default): ask Fortnox whether Lager is switched on (once an hour per connection); `on` /
   * `off`: do not ask (`off` also for an app without the `warehouse` scope).
   */
  readonly warehouse?: 'auto' | 'on' | 'off';
}

/** The JSON Schema of `streams.stock` in the connection settings. */
export const stockStreamOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    stockPoints: {
      type: 'array',
      items: { type: 'string', minLength: 1, maxLength: 10 },
      uniqueItems: true,
      description: 'Fortnox Lager stock point codes: one is the primary stock point, several are summed.',
    },
    quantity: { enum: ['availableStock', 'inStock'], default: 'availableStock' },
    warehouse: { enum: ['auto', 'on', 'off'], default: 'auto' },
  },
} as const;

export function stockStreamOptions(settings: FortnoxSettings): StockStreamOptions {
  const streams = (settings as { streams?: { stock?: StockStreamOptions } }).streams;
  return streams?.stock ?? {};
}
