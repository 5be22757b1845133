import { NotFoundError, defineOperation, isConnectorError } from '../../../core/plugin-api/index.ts';
import {
  formatLastModified,
  idSegment,
  listPages,
  toDecimalString,
  type ClientDeps,
  type FortnoxClient,
  type FortnoxSettings,
} from '../client/index.ts';
import { DECIMAL_PATTERN } from '../schemas/from-openapi.ts';
import { clientFactory, signalOf } from './shared.ts';

/**
 * One price of an article in a price list, as Fortnox names it (`/3/prices`), amounts as decimal
 * strings. `FromQuantity` "0" is the base price; higher ones are quantity breaks.
 */
export interface FortnoxPrice {
  readonly ArticleNumber: string;
  readonly PriceList: string;
  readonly FromQuantity: string;
  readonly Price: string | null;
  /** Only on a single price (`GET /3/prices/{list}/{article}/{qty}`), not on sublist items. */
  readonly Percent?: string | null;
  /** The price's last change; only on a single price. */
  readonly Date?: string | null;
}

/** Fortnox's default price list (recorded as the `PriceList` of new customers and documents). */
export const DEFAULT_PRICE_LIST = 'A';

interface RawPrice {
  readonly ArticleNumber?: unknown;
  readonly PriceList?: unknown;
  readonly FromQuantity?: unknown;
  readonly Price?: unknown;
  readonly Percent?: unknown;
  readonly Date?: unknown;
}

const decimalOrNull = (value: unknown): string | null =>
  typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')
    ? toDecimalString(value)
    : null;

/** A price as Fortnox sends it (numbers, sometimes numeric strings) → decimal strings. */
export function normalizePrice(raw: RawPrice): FortnoxPrice {
  return {
    ArticleNumber: String(raw.ArticleNumber ?? ''),
    PriceList: String(raw.PriceList ?? ''),
    FromQuantity: decimalOrNull(raw.FromQuantity) ?? '0',
    Price: decimalOrNull(raw.Price),
    ...('Percent' in raw ? { Percent: decimalOrNull(raw.Percent) } : {}),
    ...('Date' in raw ? { Date: raw.Date === null ? null : String(raw.Date) } : {}),
  };
}

export interface PriceListQuery {
  readonly priceList: string;
  /** One article's prices only (`/3/prices/sublist/{list}/{article}`). */
  readonly articleNumber?: string;
  /** Prices changed at or after this instant (`lastmodified`, Swedish local time, to the minute). */
  readonly since?: string;
  readonly limit?: number;
  readonly signal?: AbortSignal;
}

/**
 * Pages of a price list. `/3/prices/sublist/{list}` without an article number is not in Fortnox's
 * OpenAPI document, which only has `/3/prices/sublist/{list}/{article}`; a public integration
 * reports it answering with every price of the list, paged (UNCONFIRMED officially). Whether it
 * honours `lastmodified` is UNCONFIRMED as well: see the articles stream for how both are used.
 */
export async function* priceListPages(
  client: FortnoxClient,
  query: PriceListQuery,
): AsyncGenerator<readonly FortnoxPrice[]> {
  const path = `/3/prices/sublist/${idSegment(query.priceList)}${
    query.articleNumber === undefined ? '' : `/${idSegment(query.articleNumber)}`
  }`;
  for await (const page of listPages<RawPrice>(client, path, 'Prices', {
    query: query.since ? { lastmodified: formatLastModified(query.since) } : {},
    ...(query.limit ? { limit: query.limit } : {}),
    ...(query.signal ? { signal: query.signal } : {}),
  })) {
    yield page.items.map(normalizePrice);
  }
}

/**
 * One price (`GET /3/prices/{list}/{article}/{fromQuantity}`), or undefined when the article has no
 * price at that quantity in that list (Fortnox answers 404).
 */
export async function findPrice(
  client: FortnoxClient,
  priceList: string,
  articleNumber: string,
  fromQuantity = '0',
  signal?: AbortSignal,
): Promise<FortnoxPrice | undefined> {
  try {
    const { body } = await client.request<{ Price?: RawPrice }>(
      'GET',
      `/3/prices/${idSegment(priceList)}/${idSegment(articleNumber)}/${idSegment(fromQuantity)}`,
      signal ? { signal } : {},
    );
    return body.Price ? normalizePrice(body.Price) : undefined;
  } catch (error) {
    if (isConnectorError(error) && error.kind === 'not_found') return undefined;
    throw error;
  }
}

const priceSchema = (single: boolean) => ({
  type: 'object',
  required: ['ArticleNumber', 'PriceList', 'FromQuantity', 'Price'],
  properties: {
    ArticleNumber: { type: 'string' },
    PriceList: { type: 'string' },
    FromQuantity: { type: 'string', pattern: DECIMAL_PATTERN },
    Price: { type: ['string', 'null'], pattern: DECIMAL_PATTERN },
    ...(single ? { Percent: { type: ['string', 'null'] }, Date: { type: ['string', 'null'] } } : {}),
  },
});

export interface PricesListInput {
  readonly PriceList: string;
  readonly ArticleNumber?: string;
  /** Only prices changed since this instant (UNCONFIRMED that Fortnox filters prices by it). */
  readonly since?: string;
}

export interface PricesListOutput {
  readonly Prices: readonly FortnoxPrice[];
}

export function pricesList(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<PricesListInput, PricesListOutput, FortnoxSettings>({
    description:
      'Lists the prices of a price list (all pages), optionally of one article or only those changed since an instant: base price (FromQuantity 0) and quantity breaks.',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['PriceList'],
      properties: {
        PriceList: { type: 'string', minLength: 1, maxLength: 100 },
        ArticleNumber: { type: 'string', minLength: 1, maxLength: 50 },
        since: { type: 'string', format: 'date-time' },
      },
    },
    outputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['Prices'],
      properties: { Prices: { type: 'array', items: priceSchema(false) } },
    },
    idempotent: true,
    readOnly: true,
    examples: [
      {
        name: 'one article in list A',
        description: 'A base price and a quantity break.',
        input: { PriceList: 'A', ArticleNumber: 'PUB-TEE' },
        output: {
          Prices: [
            { ArticleNumber: 'PUB-TEE', PriceList: 'A', FromQuantity: '0', Price: '159.2' },
            { ArticleNumber: 'PUB-TEE', PriceList: 'A', FromQuantity: '10', Price: '140' },
          ],
        },
      },
    ],
    async run(ctx, input) {
      const prices: FortnoxPrice[] = [];
      for await (const page of priceListPages(clientFor(ctx), {
        priceList: input.PriceList,
        ...(input.ArticleNumber === undefined ? {} : { articleNumber: input.ArticleNumber }),
        ...(input.since === undefined ? {} : { since: input.since }),
        ...signalOf(ctx),
      })) {
        prices.push(...page);
      }
      return { Prices: prices };
    },
  });
}

export interface PricesGetInput {
  readonly PriceList: string;
  readonly ArticleNumber: string;
  /** Default "0", the base price. */
  readonly FromQuantity?: string;
}

export function pricesGet(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineOperation<PricesGetInput, FortnoxPrice, FortnoxSettings>({
    description:
      'Reads one price of an article in a price list (the base price unless FromQuantity is given); NotFoundError when there is none.',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['PriceList', 'ArticleNumber'],
      properties: {
        PriceList: { type: 'string', minLength: 1, maxLength: 100 },
        ArticleNumber: { type: 'string', minLength: 1, maxLength: 50 },
        FromQuantity: { type: 'string', pattern: DECIMAL_PATTERN },
      },
    },
    outputSchema: { $schema: 'https://json-schema.org/draft/2020-12/schema', ...priceSchema(true) },
    idempotent: true,
    readOnly: true,
    examples: [
      {
        name: 'base price',
        input: { PriceList: 'A', ArticleNumber: 'PUB-TEE' },
        output: {
          ArticleNumber: 'PUB-TEE',
          PriceList: 'A',
          FromQuantity: '0',
          Price: '159.2',
          Percent: '0',
          Date: '2026-11-27',
        },
      },
    ],
    async run(ctx, input) {
      const found = await findPrice(
        clientFor(ctx),
        input.PriceList,
        input.ArticleNumber,
        input.FromQuantity ?? '0',
        ctx.signal,
      );
      if (!found) {
        throw new NotFoundError(
          `article ${input.ArticleNumber} has no price from quantity ${input.FromQuantity ?? '0'} in price list ${input.PriceList}`,
          { status: 404, field: 'Price.ArticleNumber' },
        );
      }
      return found;
    },
  });
}
