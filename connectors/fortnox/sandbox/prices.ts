import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Decimal } from 'decimal.js';
import type { SandboxConfig } from './config.ts';
import { errorInformation, fromTemplate } from './errors.ts';
import type { FortnoxRecord, TenantData } from './state.ts';
import { localParts, parseLastModified } from './time.ts';

/**
 * Price lists and prices (`/3/pricelists`, `/3/prices`), as far as the OpenAPI document and the
 * SDKs show them. What they do not show is a setting here (`PriceSandboxConfig`).
 */
export interface PriceSandboxConfig {
  /**
   * UNCONFIRMED whether changing a price also changes its article's `lastmodified`. Default false:
   * a price change is only seen through the price's own `lastmodified`.
   */
  readonly priceChangeTouchesArticle: boolean;
  /** Fortnox's default list, whose base price is the article's read-only `SalesPrice`. */
  readonly defaultPriceList: string;
}

export const DEFAULT_PRICE_CONFIG: PriceSandboxConfig = {
  priceChangeTouchesArticle: false,
  defaultPriceList: 'A',
};

/** What a seed may hold besides the registers: price lists and prices (`Price` a number). */
export interface PriceSeed {
  readonly priceLists?: readonly FortnoxRecord[];
  readonly prices?: readonly FortnoxRecord[];
  /** Articles seeded with a `SalesPrice` get that base price in the default list, unless `prices` has one. */
  readonly articles?: readonly FortnoxRecord[];
}

interface Stored {
  data: FortnoxRecord;
  modifiedAt: number;
}

interface PriceStore {
  readonly lists: Map<string, Stored>;
  readonly prices: Map<string, Stored>;
}

// Kept beside the tenant's registers rather than in them, so prices need nothing from the shared state.
const stores = new WeakMap<TenantData, PriceStore>();

function storeOf(tenant: TenantData, config: PriceSandboxConfig, now: number): PriceStore {
  let store = stores.get(tenant);
  if (!store) {
    store = { lists: new Map(), prices: new Map() };
    // Recorded: customers and documents default to price list "A"; every company has it.
    store.lists.set(config.defaultPriceList, {
      data: {
        Code: config.defaultPriceList,
        Description: 'Standardprislista',
        Comments: '',
        PreSelected: true,
      },
      modifiedAt: now,
    });
    stores.set(tenant, store);
  }
  return store;
}

/** UNCONFIRMED codes: no source shows Fortnox's answers for a missing price list or price. */
export const PRICE_ERRORS = {
  priceListNotFound: { status: 404, code: 2999101, message: 'Kan inte hitta prislistan.' },
  priceNotFound: { status: 404, code: 2999102, message: 'Kan inte hitta priset.' },
  priceExists: { status: 400, code: 2999103, message: 'Priset finns redan.' },
} as const;

const key = (list: string, article: string, fromQuantity: string) =>
  JSON.stringify([list, article, new Decimal(fromQuantity).toFixed()]);

/** The price registers of one tenant. */
export class PriceRegisters {
  private readonly store: PriceStore;

  constructor(
    private readonly tenant: TenantData,
    private readonly config: SandboxConfig,
    private readonly prices: PriceSandboxConfig,
    private readonly baseUrl: string,
  ) {
    this.store = storeOf(tenant, prices, config.now());
  }

  listPriceLists(query: Query): FortnoxRecord {
    const lists = [...this.store.lists.values()].sort((a, b) =>
      String(a.data.Code).localeCompare(String(b.data.Code)),
    );
    return this.page(lists, query, 'PriceLists', (stored) => this.presentList(stored.data));
  }

  getPriceList(code: string): FortnoxRecord {
    return { PriceList: this.presentList(this.list(code).data) };
  }

  createPriceList(body: unknown): FortnoxRecord {
    const input = inner(body, 'PriceList');
    const code = String(input.Code ?? '');
    if (code === '' || code.length > 100) throw fromTemplate(this.config.errors.required, { field: 'Code' });
    if (!input.Description) throw fromTemplate(this.config.errors.required, { field: 'Description' });
    if (this.store.lists.has(code)) throw fromTemplate(this.config.errors.numberTaken, { value: code });
    const data = {
      Code: code,
      Description: String(input.Description),
      Comments: String(input.Comments ?? ''),
      PreSelected: false,
    };
    this.store.lists.set(code, { data, modifiedAt: this.config.now() });
    return { PriceList: this.presentList(data) };
  }

  /** `/3/prices/sublist/{list}[/{article}]`: the slim items, filtered by `lastmodified` of each price. */
  sublist(list: string, article: string | undefined, query: Query): FortnoxRecord {
    this.list(list);
    let prices = [...this.store.prices.values()].filter(
      (stored) =>
        stored.data.PriceList === list && (article === undefined || stored.data.ArticleNumber === article),
    );
    if (query.lastmodified !== undefined) {
      const bound = parseLastModified(query.lastmodified);
      if (bound === undefined) throw errorInformation(400, 2000588, 'Ogiltig parameter i anropet.');
      prices = prices.filter((stored) => {
        const modified = localParts(stored.modifiedAt, this.config.timeZone).dateTime;
        return this.config.lastModifiedInclusive ? modified >= bound : modified > bound;
      });
    }
    prices.sort(
      (a, b) =>
        String(a.data.ArticleNumber).localeCompare(String(b.data.ArticleNumber)) ||
        Number(a.data.FromQuantity) - Number(b.data.FromQuantity),
    );
    return this.page(prices, query, 'Prices', (stored) => ({
      '@url': this.priceUrl(stored.data),
      ArticleNumber: stored.data.ArticleNumber,
      FromQuantity: stored.data.FromQuantity,
      Price: stored.data.Price,
      PriceList: stored.data.PriceList,
    }));
  }

  /** The price from `fromQuantity`, or the article's first (lowest) one in the list when omitted. */
  getPrice(list: string, article: string, fromQuantity?: string): FortnoxRecord {
    return { Price: this.presentPrice(this.find(list, article, fromQuantity).data) };
  }

  createPrice(body: unknown): FortnoxRecord {
    const input = inner(body, 'Price');
    const list = String(input.PriceList ?? '');
    const article = String(input.ArticleNumber ?? '');
    if (!article) throw fromTemplate(this.config.errors.required, { field: 'ArticleNumber' });
    if (!list) throw fromTemplate(this.config.errors.required, { field: 'PriceList' });
    this.list(list);
    if (!this.tenant.records.articles.has(article))
      throw fromTemplate(this.config.errors.unknownArticle, { value: article });
    const fromQuantity = numeric(input.FromQuantity ?? 0, 'FromQuantity', this.config);
    if (this.store.prices.has(key(list, article, String(fromQuantity))))
      throw errorInformation(
        PRICE_ERRORS.priceExists.status,
        PRICE_ERRORS.priceExists.code,
        PRICE_ERRORS.priceExists.message,
      );
    const data: FortnoxRecord = {
      ArticleNumber: article,
      PriceList: list,
      FromQuantity: fromQuantity,
      Price: numeric(input.Price ?? 0, 'Price', this.config),
      Percent: numeric(input.Percent ?? 0, 'Percent', this.config),
    };
    this.write(data);
    return { Price: this.presentPrice(data) };
  }

  updatePrice(list: string, article: string, fromQuantity: string | undefined, body: unknown): FortnoxRecord {
    const stored = this.find(list, article, fromQuantity);
    const input = inner(body, 'Price');
    const data: FortnoxRecord = { ...stored.data };
    if (input.Price !== undefined) data.Price = numeric(input.Price, 'Price', this.config);
    if (input.Percent !== undefined) data.Percent = numeric(input.Percent, 'Percent', this.config);
    this.write(data);
    return { Price: this.presentPrice(data) };
  }

  deletePrice(list: string, article: string, fromQuantity: string): void {
    const stored = this.find(list, article, fromQuantity);
    this.store.prices.delete(key(list, article, String(stored.data.FromQuantity)));
    if (list === this.prices.defaultPriceList && Number(stored.data.FromQuantity) === 0)
      this.syncSalesPrice(article, null);
  }

  /** Seeds price lists and prices without validation, stamping them as changed now. */
  seed(seed: PriceSeed): void {
    for (const list of seed.priceLists ?? []) {
      const code = String(list.Code);
      this.store.lists.set(code, {
        data: { Description: code, Comments: '', PreSelected: false, ...list, Code: code },
        modifiedAt: this.config.now(),
      });
    }
    for (const price of seed.prices ?? []) {
      const list = String(price.PriceList ?? this.prices.defaultPriceList);
      if (!this.store.lists.has(list))
        this.store.lists.set(list, {
          data: { Code: list, Description: list, Comments: '', PreSelected: false },
          modifiedAt: this.config.now(),
        });
      this.write({
        Percent: 0,
        ...price,
        PriceList: list,
        ArticleNumber: String(price.ArticleNumber),
        FromQuantity: Number(price.FromQuantity ?? 0),
      });
    }
    for (const article of seed.articles ?? []) {
      const number = String(article.ArticleNumber);
      const salesPrice = article.SalesPrice;
      if (typeof salesPrice !== 'number') continue;
      const baseKey = key(this.prices.defaultPriceList, number, '0');
      if (this.store.prices.has(baseKey)) continue;
      this.write({
        ArticleNumber: number,
        PriceList: this.prices.defaultPriceList,
        FromQuantity: 0,
        Price: salesPrice,
        Percent: 0,
      });
    }
  }

  private write(data: FortnoxRecord): void {
    const now = this.config.now();
    data.Date = localParts(now, this.config.timeZone).date;
    this.store.prices.set(
      key(String(data.PriceList), String(data.ArticleNumber), String(data.FromQuantity)),
      {
        data,
        modifiedAt: now,
      },
    );
    if (data.PriceList === this.prices.defaultPriceList && Number(data.FromQuantity) === 0)
      this.syncSalesPrice(String(data.ArticleNumber), data.Price as number);
  }

  /** An article's `SalesPrice` is its base price in the default list (read-only on the article). */
  private syncSalesPrice(article: string, price: number | null): void {
    const stored = this.tenant.records.articles.get(article);
    if (!stored) return;
    stored.data = { ...stored.data, SalesPrice: price };
    if (this.prices.priceChangeTouchesArticle) stored.modifiedAt = this.config.now();
  }

  private list(code: string): Stored {
    const stored = this.store.lists.get(code);
    if (!stored) {
      const { status, code: errorCode, message } = PRICE_ERRORS.priceListNotFound;
      throw errorInformation(status, errorCode, message);
    }
    return stored;
  }

  private find(list: string, article: string, fromQuantity: string | undefined): Stored {
    this.list(list);
    let stored: Stored | undefined;
    if (fromQuantity === undefined) {
      stored = [...this.store.prices.values()]
        .filter((s) => s.data.PriceList === list && s.data.ArticleNumber === article)
        .sort((a, b) => Number(a.data.FromQuantity) - Number(b.data.FromQuantity))[0];
    } else if (/^-?\d+(\.\d+)?$/.test(fromQuantity)) {
      stored = this.store.prices.get(key(list, article, fromQuantity));
    }
    if (!stored) {
      const { status, code, message } = PRICE_ERRORS.priceNotFound;
      throw errorInformation(status, code, message);
    }
    return stored;
  }

  private page(
    items: readonly Stored[],
    query: Query,
    listKey: string,
    present: (stored: Stored) => FortnoxRecord,
  ): FortnoxRecord {
    const limit = Math.min(
      positiveInt(query.limit) ?? this.config.pageSize.default,
      this.config.pageSize.max,
    );
    const page = positiveInt(query.page) ?? 1;
    const offset = nonNegativeInt(query.offset) ?? 0;
    const start = offset + (page - 1) * limit;
    return {
      MetaInformation: {
        '@TotalResources': items.length,
        '@TotalPages': Math.ceil(Math.max(items.length - offset, 0) / limit),
        '@CurrentPage': page,
      },
      [listKey]: items.slice(start, start + limit).map(present),
    };
  }

  private presentList(data: FortnoxRecord): FortnoxRecord {
    return { '@url': `${this.baseUrl}/3/pricelists/${encodeURIComponent(String(data.Code))}`, ...data };
  }

  private priceUrl(data: FortnoxRecord): string {
    return `${this.baseUrl}/3/prices/${encodeURIComponent(String(data.PriceList))}/${encodeURIComponent(String(data.ArticleNumber))}/${String(data.FromQuantity)}`;
  }

  private presentPrice(data: FortnoxRecord): FortnoxRecord {
    return {
      '@url': this.priceUrl(data),
      ArticleNumber: data.ArticleNumber,
      Date: data.Date,
      FromQuantity: data.FromQuantity,
      Percent: data.Percent,
      Price: data.Price,
      PriceList: data.PriceList,
    };
  }
}

type Query = Readonly<Record<string, string | undefined>>;

function inner(body: unknown, wrapper: string): FortnoxRecord {
  const value = typeof body === 'object' && body !== null ? (body as FortnoxRecord)[wrapper] : undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw errorInformation(400, 2001392, 'Ingen eller felaktig typ av data.');
  return value as FortnoxRecord;
}

function numeric(value: unknown, field: string, config: SandboxConfig): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number))
    throw fromTemplate(config.errors.notNumeric, { field, value: String(value) });
  // Fortnox keeps two decimals, rounding half up (recorded for row prices and quantities).
  return new Decimal(number).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber();
}

function positiveInt(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return value !== undefined && Number.isInteger(parsed) && parsed > 0 ? parsed : undefined;
}

function nonNegativeInt(value: string | undefined): number | undefined {
  const parsed = Number(value);
  return value !== undefined && Number.isInteger(parsed) && parsed >= 0 ? parsed : undefined;
}

type Params = { list: string; article: string; qty: string };

/**
 * The routes. Registered before the generic `/3/:resource` routes match nothing here: fastify
 * prefers the static `prices` / `pricelists` segment over a parameter.
 */
export function registerPriceRoutes(
  app: FastifyInstance,
  registersOf: (request: FastifyRequest) => PriceRegisters,
): void {
  type Req = FastifyRequest<{ Params: Params; Querystring: Query }>;
  app.get('/3/pricelists', async (request: Req) => registersOf(request).listPriceLists(request.query));
  app.get('/3/pricelists/:list', async (request: Req) =>
    registersOf(request).getPriceList(request.params.list),
  );
  app.post('/3/pricelists', async (request: Req, reply) =>
    reply
      .status(201)
      .header('location', 'pricelists')
      .send(registersOf(request).createPriceList(request.body)),
  );
  app.get('/3/prices/sublist/:list', async (request: Req) =>
    registersOf(request).sublist(request.params.list, undefined, request.query),
  );
  app.get('/3/prices/sublist/:list/:article', async (request: Req) =>
    registersOf(request).sublist(request.params.list, request.params.article, request.query),
  );
  app.post('/3/prices', async (request: Req, reply) =>
    reply.status(201).header('location', 'prices').send(registersOf(request).createPrice(request.body)),
  );
  app.get('/3/prices/:list/:article', async (request: Req) =>
    registersOf(request).getPrice(request.params.list, request.params.article),
  );
  app.put('/3/prices/:list/:article', async (request: Req) =>
    registersOf(request).updatePrice(request.params.list, request.params.article, undefined, request.body),
  );
  app.get('/3/prices/:list/:article/:qty', async (request: Req) =>
    registersOf(request).getPrice(request.params.list, request.params.article, request.params.qty),
  );
  app.put('/3/prices/:list/:article/:qty', async (request: Req) =>
    registersOf(request).updatePrice(
      request.params.list,
      request.params.article,
      request.params.qty,
      request.body,
    ),
  );
  app.delete('/3/prices/:list/:article/:qty', async (request: Req, reply) => {
    registersOf(request).deletePrice(request.params.list, request.params.article, request.params.qty);
    return reply.status(204).send();
  });
}
