import { afterEach, describe, expect, it } from 'vitest';
import type { FortnoxArticleRecord } from '../../../../connectors/fortnox/streams/articles.ts';
import { startStreamSandbox, type StreamSandbox } from './stream-sandbox.ts';

const MINUTE = 60_000;
const articles = [
  { ArticleNumber: 'TEE', Description: 'Tröja', SalesPrice: 159.2, VAT: 25, Weight: 400 },
  { ArticleNumber: 'LUNCH', Description: 'Lunchlåda', SalesPrice: 200, VAT: 12, Weight: 1250 },
  { ArticleNumber: 'BOOK', Description: 'Bok', VAT: 6, Weight: 0 },
];

let fx: StreamSandbox | undefined;
afterEach(async () => {
  await fx?.stop();
  fx = undefined;
});

async function catalogue(extra: Record<string, unknown> = {}) {
  fx = await startStreamSandbox({
    seed: {
      articles,
      priceLists: [{ Code: 'WEB', Description: 'Webbshop' }],
      prices: [
        { ArticleNumber: 'TEE', PriceList: 'WEB', Price: 149 },
        { ArticleNumber: 'LUNCH', PriceList: 'WEB', Price: 189 },
      ],
      ...extra,
    },
  });
  fx.advance(30 * MINUTE); // 09:30
  return fx;
}

const brief = (records: readonly FortnoxArticleRecord[]) =>
  records.map((r) => [r.ArticleNumber, r.Description, r.VAT, r.Weight, r.PriceList, r.Price]);

describe('the Fortnox articles stream', () => {
  it('reads every article on a first read: name, VAT, weight in grams and the price-list price', async () => {
    const sb = await catalogue();
    sb.takeRequests();
    const { records, cursor } = await sb.read<FortnoxArticleRecord>('articles');
    expect(brief(records)).toEqual([
      ['BOOK', 'Bok', '6', '0', 'A', null],
      ['LUNCH', 'Lunchlåda', '12', '1250', 'A', '200'],
      ['TEE', 'Tröja', '25', '400', 'A', '159.2'],
    ]);
    expect(records[2]).toMatchObject({ SalesPrice: '159.2', Unit: null, seenAt: '2026-11-27T09:30:00.000Z' });
    expect(cursor).toBe('2026-11-27T09:30:00.000Z');
    expect(sb.takeRequests()).toEqual([
      'GET /3/prices/sublist/A?limit=500&page=1',
      'GET /3/articles?limit=500&page=1',
      'GET /3/articles/BOOK',
      'GET /3/articles/LUNCH',
      'GET /3/articles/TEE',
    ]);
  });

  it('notices a price change although the article itself did not change', async () => {
    const sb = await catalogue();
    const first = await sb.read<FortnoxArticleRecord>(
      'articles',
      {},
      { streams: { articles: { priceList: 'WEB' } } },
    );
    expect(brief(first.records).map((r) => r[5])).toEqual([null, '189', '149']);
    sb.advance(10 * MINUTE);
    await sb.api('PUT', '/3/prices/WEB/TEE/0', { Price: { Price: 139 } });
    sb.advance(MINUTE);
    sb.takeRequests();
    const next = await sb.read<FortnoxArticleRecord>(
      'articles',
      { cursor: first.cursor },
      {
        streams: { articles: { priceList: 'WEB' } },
      },
    );
    expect(brief(next.records)).toEqual([['TEE', 'Tröja', '25', '400', 'WEB', '139']]);
    expect(sb.takeRequests()).toEqual([
      'GET /3/prices/sublist/WEB?lastmodified=2026-11-27 10:28&limit=500&page=1',
      'GET /3/articles?lastmodified=2026-11-27 10:28&limit=500&page=1',
      'GET /3/articles/TEE',
    ]);
  });

  it('a changed article gets its price: SalesPrice for list A, one price read for another list', async () => {
    const sb = await catalogue();
    const { cursor } = await sb.read<FortnoxArticleRecord>('articles');
    sb.advance(10 * MINUTE);
    await sb.api('PUT', '/3/articles/LUNCH', { Article: { Description: 'Lunchlåda stor', Weight: 1500 } });
    sb.advance(MINUTE);
    sb.takeRequests();
    const inA = await sb.read<FortnoxArticleRecord>('articles', { cursor });
    expect(brief(inA.records)).toEqual([['LUNCH', 'Lunchlåda stor', '12', '1500', 'A', '200']]);
    expect(sb.takeRequests().filter((r) => r.startsWith('GET /3/prices/A/'))).toEqual([]);
    const inWeb = await sb.read<FortnoxArticleRecord>(
      'articles',
      { cursor },
      {
        streams: { articles: { priceList: 'WEB' } },
      },
    );
    expect(brief(inWeb.records)).toEqual([['LUNCH', 'Lunchlåda stor', '12', '1500', 'WEB', '189']]);
    expect(sb.takeRequests()).toContain('GET /3/prices/WEB/LUNCH/0');
  });

  it('without details it reads lists only, one request per 500 articles, and gives no weight', async () => {
    const sb = await catalogue();
    sb.takeRequests();
    const { records } = await sb.read<FortnoxArticleRecord>(
      'articles',
      {},
      {
        streams: { articles: { details: false } },
      },
    );
    expect(brief(records)).toEqual([
      ['BOOK', 'Bok', '6', undefined, 'A', null],
      ['LUNCH', 'Lunchlåda', '12', undefined, 'A', '200'],
      ['TEE', 'Tröja', '25', undefined, 'A', '159.2'],
    ]);
    expect(records[0]).not.toHaveProperty('Weight');
    expect(sb.takeRequests()).toEqual([
      'GET /3/prices/sublist/A?limit=500&page=1',
      'GET /3/articles?limit=500&page=1',
    ]);
  });

  it('reads the whole price list once instead of many single prices', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      ArticleNumber: `ART-${String(i).padStart(2, '0')}`,
      Description: `Artikel ${i}`,
      VAT: 25,
    }));
    const sb = await catalogue({
      articles: [...articles, ...many],
      prices: many.map((a, i) => ({ ArticleNumber: a.ArticleNumber, PriceList: 'WEB', Price: 100 + i })),
    });
    const { cursor } = await sb.read<FortnoxArticleRecord>(
      'articles',
      {},
      {
        streams: { articles: { details: false } },
      },
    );
    sb.advance(10 * MINUTE);
    for (const a of many) await sb.api('PUT', `/3/articles/${a.ArticleNumber}`, { Article: { VAT: 12 } });
    sb.takeRequests();
    const { records } = await sb.read<FortnoxArticleRecord>(
      'articles',
      { cursor },
      {
        streams: { articles: { details: false, priceList: 'WEB' } },
      },
    );
    expect(records).toHaveLength(30);
    expect(records[29]).toMatchObject({ ArticleNumber: 'ART-29', VAT: '12', Price: '129' });
    expect(sb.takeRequests()).toEqual([
      'GET /3/prices/sublist/WEB?lastmodified=2026-11-27 10:28&limit=500&page=1',
      'GET /3/articles?lastmodified=2026-11-27 10:28&limit=500&page=1',
      'GET /3/prices/sublist/WEB?limit=500&page=1',
    ]);
  });

  it('names the setting when the price list does not exist', async () => {
    const sb = await catalogue();
    await expect(
      sb.read('articles', {}, { streams: { articles: { priceList: 'NOPE' } } }),
    ).rejects.toMatchObject({
      kind: 'validation',
      field: 'streams.articles.priceList',
      message: expect.stringContaining('Fortnox has no price list "NOPE"'),
    });
  });
});
