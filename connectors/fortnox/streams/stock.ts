import { Decimal } from 'decimal.js';
import { MODEL_SCHEMA_IDS, type StockLevel } from '../../../core/model/index.ts';
import {
  AuthError,
  NotFoundError,
  defineStream,
  type StreamContext,
} from '../../../core/plugin-api/index.ts';
import {
  formatLastModified,
  listPages,
  type ClientDeps,
  type FortnoxClient,
  type FortnoxSettings,
} from '../client/index.ts';
import { clientFactory } from '../operations/shared.ts';
import { listStockBalances, quantityOf, warehouseStatus } from '../warehouse/api.ts';
import { stockStreamOptions, type StockStreamOptions } from '../warehouse/stock-options.ts';
import { pagesOf, readWindow, type ReadWindow } from './read-window.ts';

interface ArticleListItem {
  readonly ArticleNumber: string;
  readonly QuantityInStock?: number | string | null;
  readonly DisposableQuantity?: number | string | null;
}

/** Records per page handed to the runtime; Fortnox lists 500 articles per request. */
const PAGE_SIZE = 500;
/** How long the answer to "is Lager on?" is trusted (Lager is switched on rarely, by hand). */
const ACTIVATION_TTL_MS = 60 * 60_000;

/**
 * Stock levels for the shop, one per article, in the figure and from the stock points the connection
 * settings name (`streams.stock`, stock-options.ts).
 *
 * - Without Fortnox Lager: the articles changed since the cursor (`lastmodified`, two minutes of
 *   overlap): `DisposableQuantity` is availableStock, `QuantityInStock` inStock. UNCONFIRMED whether
 *   stock movements (an invoice) change an article's `lastmodified`; if not, reset the cursor now and
 *   then for a full read.
 * - With Lager: every balance (`status-v1/stockbalance` has no "changed since"), summed per article
 *   over the chosen stock points. Articles without any balance there are not emitted.
 *
 * The cursor is the instant the read started; `at` is that instant too.
 */
export function stockStream(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  const activation = new Map<string, { activated: boolean; until: number }>();

  async function lagerIsOn(
    client: FortnoxClient,
    ctx: StreamContext<FortnoxSettings>,
    options: StockStreamOptions,
  ): Promise<boolean> {
    if (options.warehouse === 'on') return true;
    if (options.warehouse === 'off') return false;
    const key = `${ctx.settings.clientId}:${ctx.tenantId}`;
    const known = activation.get(key);
    if (known && known.until > deps.now()) return known.activated;
    let activated: boolean;
    try {
      activated = (await warehouseStatus(client, ctx)).activated;
    } catch (error) {
      // an app without the `warehouse` scope is refused: such a tenant is served from articles
      if (!(error instanceof AuthError || error instanceof NotFoundError)) throw error;
      ctx.logger.warn('fortnox: cannot ask whether Lager is on; reading article stock', {
        status: error.status,
      });
      activated = false;
    }
    activation.set(key, { activated, until: deps.now() + ACTIVATION_TTL_MS });
    return activated;
  }

  return defineStream<StockLevel, FortnoxSettings>({
    description:
      'Stock levels (StockLevel) per Fortnox article: changed articles without Lager, every balance of the chosen stock points with Lager.',
    recordSchema: { $ref: MODEL_SCHEMA_IDS.stockLevel },
    cursorField: 'at',
    async *read(ctx, params) {
      const window = readWindow(params, deps.now());
      const options = stockStreamOptions(ctx.settings);
      const client = clientFor(ctx);
      const source = { connector: 'fortnox', storeId: ctx.settings.tenantId ?? ctx.tenantId };
      const levels = (await lagerIsOn(client, ctx, options))
        ? balanceLevels(client, ctx, options, window, source)
        : articleLevels(client, ctx, options, window, source, params.pageSize);
      yield* pagesOf(levels, params.pageSize ?? PAGE_SIZE, window);
    },
  });
}

type Source = StockLevel['source'];

async function* articleLevels(
  client: FortnoxClient,
  ctx: StreamContext<FortnoxSettings>,
  options: StockStreamOptions,
  window: ReadWindow,
  source: Source,
  pageSize: number | undefined,
): AsyncGenerator<StockLevel> {
  const inStock = options.quantity === 'inStock';
  for await (const page of listPages<ArticleListItem>(client, '/3/articles', 'Articles', {
    query: window.since ? { lastmodified: formatLastModified(window.since) } : {},
    ...(pageSize ? { limit: pageSize } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  })) {
    for (const item of page.items) {
      const onHand = quantityOf(item.QuantityInStock);
      yield {
        sku: item.ArticleNumber,
        source,
        quantity: inStock ? onHand : quantityOf(item.DisposableQuantity),
        onHand,
        productId: item.ArticleNumber,
        at: window.startedAt,
      };
    }
  }
}

async function* balanceLevels(
  client: FortnoxClient,
  ctx: StreamContext<FortnoxSettings>,
  options: StockStreamOptions,
  window: ReadWindow,
  source: Source,
): AsyncGenerator<StockLevel> {
  const chosen = options.stockPoints?.length ? options.stockPoints : undefined;
  const balances = await listStockBalances(client, ctx, chosen ? { stockPointCodes: chosen } : {});
  const sums = new Map<string, { available: Decimal; inStock: Decimal }>();
  for (const balance of balances) {
    // the filter is Fortnox's; checked again here so a sandbox or a proxy that ignores it cannot widen it
    if (chosen && !chosen.includes(balance.stockPointCode ?? '')) continue;
    const sum = sums.get(balance.itemId) ?? { available: new Decimal(0), inStock: new Decimal(0) };
    sum.available = sum.available.plus(balance.availableStock);
    sum.inStock = sum.inStock.plus(balance.inStock);
    sums.set(balance.itemId, sum);
  }
  const warehouse = chosen?.length === 1 ? { warehouse: chosen[0] as string } : {};
  const skus = [...sums.keys()].filter((sku) => sku !== '').sort();
  for (const sku of skus) {
    const sum = sums.get(sku) as { available: Decimal; inStock: Decimal };
    const onHand = quantityOf(sum.inStock.toFixed());
    yield {
      sku,
      source,
      quantity: options.quantity === 'inStock' ? onHand : quantityOf(sum.available.toFixed()),
      onHand,
      ...warehouse,
      productId: sku,
      at: window.startedAt,
    };
  }
}
