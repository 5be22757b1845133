import { MODEL_SCHEMA_IDS, type StockLevel } from '../../../core/model/index.ts';
import { defineStream } from '../../../core/plugin-api/index.ts';
import {
  formatLastModified,
  listPages,
  toDecimalString,
  type ClientDeps,
  type FortnoxSettings,
} from '../client/index.ts';
import { clientFactory } from '../operations/shared.ts';

interface ArticleListItem {
  readonly ArticleNumber: string;
  readonly QuantityInStock?: number | string | null;
  readonly DisposableQuantity?: number | string | null;
}

const quantity = (value: number | string | null | undefined) =>
  value === null || value === undefined || value === '' ? '0' : toDecimalString(value);

/**
 * Stock levels of articles changed since the cursor (without Fortnox Lager: `DisposableQuantity` is
 * what a shop can sell, `QuantityInStock` what is on hand). List items carry no change time, so the
 * cursor is the instant the read started; the runtime's lookback covers Fortnox's minute granularity.
 * UNCONFIRMED whether stock movements bump an article's `lastmodified`: run a full read now and then.
 */
export function stockStream(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  return defineStream<StockLevel, FortnoxSettings>({
    description: 'Stock levels (StockLevel) of Fortnox articles changed since the cursor.',
    recordSchema: { $ref: MODEL_SCHEMA_IDS.stockLevel },
    cursorField: 'at',
    async *read(ctx, params) {
      const startedAt = new Date(deps.now()).toISOString();
      const since = params.cursor ?? params.since;
      const storeId = ctx.settings.tenantId ?? ctx.tenantId;
      for await (const page of listPages<ArticleListItem>(clientFor(ctx), '/3/articles', 'Articles', {
        query: since ? { lastmodified: formatLastModified(since) } : {},
        ...(params.pageSize ? { limit: params.pageSize } : {}),
        signal: ctx.signal,
      })) {
        const records: StockLevel[] = page.items.map((item) => ({
          sku: item.ArticleNumber,
          source: { connector: 'fortnox', storeId },
          quantity: quantity(item.DisposableQuantity),
          onHand: quantity(item.QuantityInStock),
          productId: item.ArticleNumber,
          at: startedAt,
        }));
        yield { records, cursor: startedAt };
      }
    },
  });
}
