/**
 * The person at the Fortnox desk between the demo's two rounds: invoices some orders, cancels
 * others, takes goods out of stock, changes prices and names, and adds the article the shop sold
 * before Fortnox knew it. Everything goes through Fortnox's own API (the sandbox's), with a token of
 * the desk's own, as Fortnox's web app would.
 */
import { Decimal } from 'decimal.js';
import type { RunningFortnoxSandbox } from '../../connectors/fortnox/sandbox/index.ts';
import type { FortnoxArticleSeed } from './seed/shop-generator.ts';
import { DESK_CLIENT, DESK_REFRESH_TOKEN, STOCK_POINTS } from './demo-company.ts';

type Json = Record<string, unknown>;

/** A Fortnox order and the shop order it came from (its YourOrderNumber). */
export interface DeskOrder {
  readonly document: string;
  readonly shopOrder: string;
}

export interface DeskChanges {
  readonly invoiced: readonly DeskOrder[];
  readonly cancelled: readonly DeskOrder[];
  readonly stockTakenOut: readonly { readonly article: string; readonly quantity: number }[];
  readonly priceChanges: readonly { readonly article: string; readonly from: string; readonly to: string }[];
  readonly renamed: readonly { readonly article: string; readonly to: string }[];
}

export class FortnoxDesk {
  #token: string | undefined;
  /** Orders with a refund noted: invoiced by the bookkeeper, who deducts it, not in the day's batch. */
  readonly #held = new Set<string>();

  constructor(private readonly fortnox: RunningFortnoxSandbox) {}

  async api<T = Json>(method: string, path: string, body?: unknown): Promise<T> {
    const send = async () =>
      fetch(`${this.fortnox.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${await this.#accessToken()}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    let response = await send();
    // the web app has a rate budget of its own (25 per 5 s): a busy desk waits like a person would
    for (let waits = 0; response.status === 429 && waits < 20; waits++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      response = await send();
    }
    const text = await response.text();
    if (!response.ok) throw new Error(`Fortnox ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Adds the article the shop sold before Fortnox had it (what the shop owner does after the alert). */
  async addArticle(article: FortnoxArticleSeed): Promise<void> {
    await this.api('POST', '/3/articles', {
      Article: {
        ArticleNumber: article.ArticleNumber,
        Description: article.Description,
        SalesPrice: article.SalesPrice,
        VAT: article.VAT,
        Weight: article.Weight,
        StockGoods: article.StockGoods,
      },
    });
  }

  /**
   * A partial refund Koppla handed to a person (an order only, still open): the desk writes it in the
   * order's remarks and holds the order back from the day's invoicing, for the bookkeeper who deducts
   * it when invoicing. Reads the order number and the
   * amount from the dead letter's message (the pipeline's `orderRefundByHand`); says what it did.
   */
  async settleRefund(message: string): Promise<string> {
    const document = /Fortnox order (\d+)/.exec(message)?.[1];
    const refunded = /refunded ([\d.]+) of/.exec(message)?.[1];
    if (!document || !refunded || !message.includes('still open'))
      return 'checked Fortnox and found nothing left to book';
    await this.api('PUT', `/3/orders/${document}`, {
      Order: { Remarks: `Delvis återbetald i butiken: ${refunded} kr. Dra av vid fakturering.` },
    });
    this.#held.add(document);
    return `noted the refund of ${refunded} on Fortnox order ${document}, to deduct when it is invoiced`;
  }

  /**
   * The day's work in Fortnox: the oldest open orders (but those held for a refund) are invoiced
   * (delivered), two more are cancelled, breakage is taken out of the shop's stock point, five prices
   * go up 10 %, two articles are renamed.
   */
  async workTheDay(): Promise<DeskChanges> {
    const { Orders: listed } = await this.api<{ Orders: Json[] }>(
      'GET',
      '/3/orders?filter=invoicenotcreated&limit=500&sortby=documentnumber',
    );
    const open = listed.filter((o) => !this.#held.has(String(o.DocumentNumber)));
    // half of what is open (at most six) is delivered and invoiced, two of the rest are cancelled
    const toInvoice = Math.min(6, Math.ceil(open.length / 2));
    // the list leaves out YourOrderNumber (the shop's order number): read each order chosen
    const desk = async (o: Json): Promise<DeskOrder> => {
      const { Order: order } = await this.api<{ Order: Json }>(
        'GET',
        `/3/orders/${String(o.DocumentNumber)}`,
      );
      return { document: String(o.DocumentNumber), shopOrder: String(order.YourOrderNumber ?? '') };
    };
    const invoiced = await Promise.all(open.slice(0, toInvoice).map(desk));
    const cancelled = await Promise.all(open.slice(toInvoice, toInvoice + 2).map(desk));
    for (const { document } of invoiced) await this.api('PUT', `/3/orders/${document}/createinvoice`);
    for (const { document } of cancelled) await this.api('PUT', `/3/orders/${document}/cancel`);

    const { Articles: articles } = await this.api<{ Articles: Json[] }>('GET', '/3/articles?limit=500');
    const stocked = articles
      .filter((a) => Number(a.QuantityInStock ?? 0) > 3)
      .map((a) => String(a.ArticleNumber))
      .sort();
    const stockTakenOut = stocked
      .slice(0, 8)
      .map((article, index) => ({ article, quantity: 1 + (index % 3) }));
    await this.api('PUT', '/api/warehouse/documentdeliveries/custom/outbound-v1/SVINN/1', {
      date: new Date().toISOString().slice(0, 10),
      deliveryState: 'delivery',
      note: 'Svinn: trasiga varor',
      rows: stockTakenOut.map(({ article, quantity }) => ({
        itemId: article,
        quantity,
        stockPointId: STOCK_POINTS[0].id,
      })),
    });

    const priced = articles
      .filter((a) => Number(a.SalesPrice ?? 0) > 0)
      .map((a) => ({ article: String(a.ArticleNumber), price: new Decimal(String(a.SalesPrice)) }))
      .sort((a, b) => a.article.localeCompare(b.article))
      .slice(-5);
    const priceChanges = [];
    for (const { article, price } of priced) {
      const to = price.times('1.1').toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
      await this.api('PUT', `/3/prices/A/${encodeURIComponent(article)}/0`, {
        Price: { Price: to.toNumber() },
      });
      priceChanges.push({ article, from: price.toFixed(2), to: to.toFixed(2) });
    }
    const renamed = [];
    for (const article of stocked.slice(-2)) {
      const found = articles.find((a) => a.ArticleNumber === article);
      const to = `${String(found?.Description ?? article)} (ny modell)`;
      await this.api('PUT', `/3/articles/${encodeURIComponent(article)}`, { Article: { Description: to } });
      renamed.push({ article, to });
    }
    return { invoiced, cancelled, stockTakenOut, priceChanges, renamed };
  }

  async #accessToken(): Promise<string> {
    if (this.#token) return this.#token;
    const response = await fetch(`${this.fortnox.url}/oauth-v1/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${DESK_CLIENT.clientId}:${DESK_CLIENT.clientSecret}`).toString('base64')}`,
      },
      body: `grant_type=refresh_token&refresh_token=${DESK_REFRESH_TOKEN}`,
    });
    if (!response.ok) throw new Error(`Fortnox token: ${response.status} ${await response.text()}`);
    this.#token = ((await response.json()) as { access_token: string }).access_token;
    return this.#token;
  }
}
