/**
 * The demo's two systems before anything runs: a Swedish web shop (the six recorded orders of the
 * bookkeeping examples and a generated shop of ≥ 50 products and ≥ 100 orders) and the same
 * company's Fortnox (articles, price list A, Lager with two stock points). One product is new in the
 * shop and not yet in Fortnox, so one paid order fails the way it fails for real shops — and the demo
 * shows how it is fixed and replayed.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import { DEFAULT_SEED, type SandboxSeed } from '../../connectors/fortnox/sandbox/index.ts';
import type { WooSeed } from '../../connectors/woocommerce/sandbox/seed.ts';
import { generateShop, type FortnoxArticleSeed, type GeneratedShop } from './seed/shop-generator.ts';

type Json = Record<string, unknown>;

const json = <T>(path: string): T =>
  JSON.parse(readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8')) as T;

/**
 * "The person working in Fortnox" (the demo's changes between the rounds) uses Fortnox's web app:
 * another client than the integration, so the integration's rate budget is not theirs.
 */
export const DESK_CLIENT = { clientId: 'fortnox-web-app', clientSecret: 'demo-desk-secret' } as const;
export const DESK_REFRESH_TOKEN = 'demo-desk-refresh-token';

export const STOCK_POINTS = [
  { code: 'BUTIK', name: 'Butiken', id: '5b1d7c0e-0000-4000-8000-000000000001' },
  { code: 'LAGER', name: 'Centrallagret', id: '5b1d7c0e-0000-4000-8000-000000000002' },
] as const;

export interface DemoCompany {
  readonly woo: WooSeed;
  readonly fortnox: SandboxSeed;
  readonly generated: GeneratedShop;
  /** Shop orders (paid or not) by kind, for the opening lines. */
  readonly orderCount: number;
  readonly productCount: number;
  /** The article the shop sells but Fortnox lacks until the demo adds it, and the order that needs it. */
  readonly missingArticle: { readonly article: FortnoxArticleSeed; readonly orderId: number } | undefined;
}

const PAID = new Set(['processing', 'completed']);

export function demoCompany(options: { readonly orders?: number } = {}): DemoCompany {
  const recorded = json<{
    products: Json[];
    variations: Json[];
    orders: Json[];
    refunds: { orderId: number; refund: Json }[];
    taxes: Json[];
    taxClasses: Json[];
    settingsGeneral: Json[];
  }>('./seed/woocommerce-store.json');
  const generated = generateShop({ orders: options.orders ?? 120, firstId: 1000 });
  const missingArticle = pickMissingArticle(generated);

  const woo: WooSeed = {
    products: [...recorded.products, ...generated.woo.products],
    variations: [...recorded.variations, ...generated.woo.variations],
    orders: [...recorded.orders, ...generated.woo.orders],
    refunds: [...recorded.refunds, ...generated.woo.refunds],
    // the generated shop's rate table covers the recorded orders' rates too (SE 25/12/6, OSS rates)
    taxes: generated.woo.taxes,
    taxClasses: mergeById(recorded.taxClasses, generated.woo.taxClasses, 'slug'),
    settingsGeneral: recorded.settingsGeneral,
  };

  const articles: Json[] = [
    ...json<Json[]>('./seed/fortnox-articles.json'),
    ...generated.fortnox.articles
      .filter((a) => a.ArticleNumber !== missingArticle?.article.ArticleNumber)
      .map((a): Json => ({ ...a })),
  ];
  const fortnox: SandboxSeed = {
    ...DEFAULT_SEED,
    clients: [...(DEFAULT_SEED.clients ?? []), DESK_CLIENT],
    refreshTokens: [
      ...(DEFAULT_SEED.refreshTokens ?? []),
      { token: DESK_REFRESH_TOKEN, clientId: DESK_CLIENT.clientId },
    ],
    articles,
    warehouse: {
      activated: true,
      stockPoints: STOCK_POINTS.map((p) => ({ ...p })),
      // the shop's stock split between the shop's own room (a third) and the central warehouse
      balances: articles.flatMap((a) => {
        const total = new Decimal(String(a.QuantityInStock ?? 0));
        const shopShare = total.dividedToIntegerBy(3);
        return [
          { itemId: String(a.ArticleNumber), stockPointCode: 'BUTIK', inStock: shopShare.toString() },
          {
            itemId: String(a.ArticleNumber),
            stockPointCode: 'LAGER',
            inStock: total.minus(shopShare).toString(),
          },
        ];
      }),
    },
  };
  return {
    woo,
    fortnox,
    generated,
    orderCount: woo.orders?.length ?? 0,
    productCount: (woo.products?.length ?? 0) + (woo.variations?.length ?? 0),
    missingArticle,
  };
}

/** A simple product ordered by exactly one paid order: the one "new product not yet in Fortnox". */
function pickMissingArticle(shop: GeneratedShop): DemoCompany['missingArticle'] {
  const paidBySku = new Map<string, number[]>();
  for (const order of shop.woo.orders) {
    if (!PAID.has(String(order.status))) continue;
    for (const line of (order.line_items as Json[] | undefined) ?? []) {
      const sku = String(line.sku ?? '');
      paidBySku.set(sku, [...(paidBySku.get(sku) ?? []), Number(order.id)]);
    }
  }
  const everyLineSkus = shop.woo.orders.flatMap((o) =>
    ((o.line_items as Json[] | undefined) ?? []).map((l) => String(l.sku ?? '')),
  );
  for (const article of shop.fortnox.articles) {
    const paid = paidBySku.get(article.ArticleNumber);
    const anywhere = everyLineSkus.filter((sku) => sku === article.ArticleNumber).length;
    if (paid?.length === 1 && anywhere === 1) return { article, orderId: paid[0]! };
  }
  return undefined;
}

function mergeById(first: Json[], second: Json[], key: string): Json[] {
  const byKey = new Map<unknown, Json>();
  for (const item of [...first, ...second]) byKey.set(item[key], item);
  return [...byKey.values()];
}
