import {
  ValidationError,
  defineStream,
  isConnectorError,
  type StreamContext,
} from '../../../core/plugin-api/index.ts';
import {
  formatLastModified,
  idSegment,
  listPages,
  toDecimalString,
  type ClientDeps,
  type FortnoxClient,
  type FortnoxSettings,
} from '../client/index.ts';
import { clientFactory, text, unwrap, type FortnoxObject } from '../operations/shared.ts';
import { DEFAULT_PRICE_LIST, findPrice, priceListPages } from '../operations/prices.ts';
import { byNumber, pagesOf, readWindow, type ReadWindow } from './read-window.ts';

/** Options of the `articles` stream: the connection settings' `streams.articles`. */
export interface ArticlesStreamOptions {
  /** The tenant's price list (its `Code`); the record's `Price` is the article's base price in it. Default `A`. */
  readonly priceList?: string;
  /**
   * Read every article in full (`GET /3/articles/{n}`): list items lack `Weight`. Default true; false
   * reads lists only (records without `Weight`), one request per 500 changed articles.
   */
  readonly details?: boolean;
}

export const articlesStreamOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    priceList: { type: 'string', minLength: 1, maxLength: 100, default: DEFAULT_PRICE_LIST },
    details: { type: 'boolean', default: true },
  },
} as const;

/** An article as a product-data flow needs it, in Fortnox's names; amounts as decimal strings. */
export interface FortnoxArticleRecord {
  readonly ArticleNumber: string;
  readonly Description: string;
  /** VAT percent, e.g. "25"; null when the article has none. */
  readonly VAT: string | null;
  /** Grams (Fortnox's unit); absent without `details`. */
  readonly Weight?: string | null;
  readonly Unit: string | null;
  readonly Active?: boolean;
  readonly WebshopArticle?: boolean;
  /** The base price in Fortnox's default list (read-only on the article). */
  readonly SalesPrice: string | null;
  /** The price list read, and the article's base price (`FromQuantity` 0) in it; null: no price there. */
  readonly PriceList: string;
  readonly Price: string | null;
  readonly seenAt: string;
}

const PAGE_SIZE = 100;
/**
 * Above this many articles whose price is still unknown in one page, the whole price list is read
 * once (⌈prices/500⌉ requests) instead of one request per article.
 */
const SINGLE_PRICE_LOOKUPS = 25;

export function articlesStreamOptions(settings: FortnoxSettings): ArticlesStreamOptions {
  const streams = (settings as { streams?: { articles?: ArticlesStreamOptions } }).streams;
  return streams?.articles ?? {};
}

const decimalOrNull = (value: unknown) =>
  typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')
    ? toDecimalString(value)
    : null;

/**
 * Articles whose data or price changed since the cursor. Fortnox keeps prices apart from articles
 * (`/3/prices`), and a price change is not known to change the article's `lastmodified`
 * (UNCONFIRMED), so both are read: articles by their `lastmodified`, and the price list's prices by
 * theirs. Each article appears once per read, with its name, VAT rate, weight and base price.
 */
export function articlesStream(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineStream<FortnoxArticleRecord, FortnoxSettings>({
    description:
      "Fortnox articles changed since the cursor, or whose price in the tenant's price list changed: Description, VAT, Weight (grams), Price.",
    recordSchema: {
      type: 'object',
      required: ['ArticleNumber', 'Description', 'VAT', 'SalesPrice', 'PriceList', 'Price', 'seenAt'],
      properties: {
        ArticleNumber: { type: 'string' },
        Description: { type: 'string' },
        VAT: { type: ['string', 'null'] },
        Weight: { type: ['string', 'null'] },
        Unit: { type: ['string', 'null'] },
        Active: { type: 'boolean' },
        WebshopArticle: { type: 'boolean' },
        SalesPrice: { type: ['string', 'null'] },
        PriceList: { type: 'string' },
        Price: { type: ['string', 'null'] },
        seenAt: { type: 'string', format: 'date-time' },
      },
    },
    cursorField: 'seenAt',
    read(ctx, params) {
      const window = readWindow(params, deps.now());
      const records = readArticles(clientFor(ctx), ctx, window, articlesStreamOptions(ctx.settings));
      return pagesOf(records, params.pageSize ?? PAGE_SIZE, window);
    },
  });
}

/** Prices known so far in this read, by article; `complete` once the whole list has been read. */
class BasePrices {
  readonly known = new Map<string, string | null>();
  complete = false;

  constructor(
    private readonly client: FortnoxClient,
    readonly priceList: string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  /** The prices changed since the window's start (every price on a first read). */
  async readChanged(window: ReadWindow): Promise<Set<string>> {
    const changed = new Set<string>();
    await this.read(window.since, (article) => changed.add(article));
    if (window.since === undefined) this.complete = true;
    return changed;
  }

  /** Fills in the base price of every article given, by single reads or one read of the whole list. */
  async resolve(articles: readonly string[]): Promise<void> {
    const missing = articles.filter((article) => !this.known.has(article));
    if (missing.length === 0 || this.complete) return;
    if (missing.length > SINGLE_PRICE_LOOKUPS) {
      await this.read(undefined, () => undefined);
      this.complete = true;
      return;
    }
    for (const article of missing) {
      const price = await findPrice(this.client, this.priceList, article, '0', this.signal);
      this.known.set(article, price?.Price ?? null);
    }
  }

  price(article: string): string | null {
    return this.known.get(article) ?? null;
  }

  private async read(since: string | undefined, seen: (article: string) => void): Promise<void> {
    try {
      for await (const page of priceListPages(this.client, {
        priceList: this.priceList,
        ...(since === undefined ? {} : { since }),
        ...(this.signal ? { signal: this.signal } : {}),
      })) {
        for (const price of page) {
          seen(price.ArticleNumber);
          if (Number(price.FromQuantity) === 0) this.known.set(price.ArticleNumber, price.Price);
        }
      }
    } catch (error) {
      if (!isConnectorError(error) || error.kind !== 'not_found') throw error;
      throw new ValidationError(
        `Fortnox has no price list "${this.priceList}" (connection setting streams.articles.priceList)`,
        { field: 'streams.articles.priceList', ...(error.code ? { code: error.code } : {}), cause: error },
      );
    }
  }
}

async function* readArticles(
  client: FortnoxClient,
  ctx: StreamContext<FortnoxSettings>,
  window: ReadWindow,
  options: ArticlesStreamOptions,
): AsyncGenerator<FortnoxArticleRecord> {
  const signal = ctx.signal;
  const details = options.details ?? true;
  const prices = new BasePrices(client, options.priceList ?? DEFAULT_PRICE_LIST, signal);
  // Prices first: the articles whose price changed, whether or not the article did.
  const priceChanged = await prices.readChanged(window);
  const listed = new Set<string>();

  const record = (article: FortnoxObject): FortnoxArticleRecord => {
    const number = text(article.ArticleNumber);
    // The default list's base price is the article's SalesPrice: no lookup needed for it.
    if (!prices.known.has(number) && prices.priceList === DEFAULT_PRICE_LIST && article.SalesPrice != null)
      prices.known.set(number, decimalOrNull(article.SalesPrice));
    return {
      ArticleNumber: number,
      Description: text(article.Description),
      VAT: decimalOrNull(article.VAT),
      ...(details ? { Weight: decimalOrNull(article.Weight) } : {}),
      Unit: article.Unit === undefined || article.Unit === null ? null : text(article.Unit),
      ...(article.Active === undefined ? {} : { Active: article.Active === true }),
      ...(article.WebshopArticle === undefined ? {} : { WebshopArticle: article.WebshopArticle === true }),
      SalesPrice: decimalOrNull(article.SalesPrice),
      PriceList: prices.priceList,
      Price: prices.price(number),
      seenAt: window.startedAt,
    };
  };
  const full = async (number: string): Promise<FortnoxObject | undefined> => {
    try {
      const { body } = await client.request(
        'GET',
        `/3/articles/${idSegment(number)}`,
        signal ? { signal } : {},
      );
      return unwrap(body, 'Article', 'fortnox_Article');
    } catch (error) {
      // a price left behind by a deleted article: nothing to tell the shop about
      if (isConnectorError(error) && error.kind === 'not_found') return undefined;
      throw error;
    }
  };
  const build = async function* (articles: readonly (FortnoxObject | undefined)[]) {
    const records = articles.filter((a): a is FortnoxObject => a !== undefined).map(record);
    // SalesPrice answered the default list above; what is still unknown is read now
    await prices.resolve(records.map((r) => r.ArticleNumber));
    for (const r of records) yield { ...r, Price: prices.price(r.ArticleNumber) };
  };
  const fetchAll = async (numbers: readonly string[]) => {
    const articles: (FortnoxObject | undefined)[] = [];
    for (const number of numbers) articles.push(await full(number));
    return articles;
  };

  for await (const page of listPages<FortnoxObject>(client, '/3/articles', 'Articles', {
    query: window.since ? { lastmodified: formatLastModified(window.since) } : {},
    ...(signal ? { signal } : {}),
  })) {
    const fresh = page.items.filter((item) => !listed.has(text(item.ArticleNumber)));
    for (const item of fresh) listed.add(text(item.ArticleNumber));
    for (let i = 0; i < fresh.length; i += PAGE_SIZE) {
      const chunk = fresh.slice(i, i + PAGE_SIZE);
      yield* build(details ? await fetchAll(chunk.map((item) => text(item.ArticleNumber))) : chunk);
    }
  }
  // Articles whose price changed while they did not: read in full (a list item cannot be asked for).
  const priceOnly = [...priceChanged].filter((number) => !listed.has(number)).sort(byNumber);
  for (let i = 0; i < priceOnly.length; i += PAGE_SIZE)
    yield* build(await fetchAll(priceOnly.slice(i, i + PAGE_SIZE)));
}
