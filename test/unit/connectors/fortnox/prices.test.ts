import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../../core/plugin-api/index.ts';
import { startStreamSandbox, type StreamSandbox } from './stream-sandbox.ts';

let fx: StreamSandbox;
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const ctx = () => ({
  tenantId: 'stream-tests',
  settings: fx.settings,
  signal: new AbortController().signal,
  logger: silent,
});

beforeAll(async () => {
  fx = await startStreamSandbox({
    seed: {
      articles: [
        { ArticleNumber: 'TEE', Description: 'Tröja', SalesPrice: 159.2, VAT: 25 },
        { ArticleNumber: 'CAP/M', Description: 'Keps M', VAT: 25 },
      ],
      priceLists: [{ Code: 'WEB', Description: 'Webbshop' }],
      prices: [
        { ArticleNumber: 'TEE', PriceList: 'WEB', FromQuantity: 0, Price: 149 },
        { ArticleNumber: 'TEE', PriceList: 'WEB', FromQuantity: 10, Price: 129.5 },
      ],
    },
  });
});
afterAll(() => fx.stop());

describe('the Fortnox sandbox: price lists and prices', () => {
  it('has the default list A, holding each seeded article’s SalesPrice as its base price', async () => {
    const lists = await fx.api<{ PriceLists: { Code: string; PreSelected: boolean }[] }>(
      'GET',
      '/3/pricelists',
    );
    expect(lists.PriceLists.map((l) => [l.Code, l.PreSelected])).toEqual([
      ['A', true],
      ['WEB', false],
    ]);
    const price = await fx.api<{ Price: Record<string, unknown> }>('GET', '/3/prices/A/TEE/0');
    expect(price.Price).toMatchObject({
      ArticleNumber: 'TEE',
      PriceList: 'A',
      FromQuantity: 0,
      Price: 159.2,
    });
    expect(price.Price.Date).toBe('2026-11-27');
  });

  it('lists a whole list (sublist without an article) and one article’s quantity breaks', async () => {
    const all = await fx.api<{ Prices: unknown[]; MetaInformation: Record<string, number> }>(
      'GET',
      '/3/prices/sublist/WEB',
    );
    expect(all.Prices).toEqual([
      expect.objectContaining({ ArticleNumber: 'TEE', FromQuantity: 0, Price: 149, PriceList: 'WEB' }),
      expect.objectContaining({ ArticleNumber: 'TEE', FromQuantity: 10, Price: 129.5 }),
    ]);
    expect(all.MetaInformation['@TotalResources']).toBe(2);
    const first = await fx.api<{ Price: { FromQuantity: number } }>('GET', '/3/prices/WEB/TEE');
    expect(first.Price.FromQuantity).toBe(0);
  });

  it('a changed price is found by lastmodified, keeps two decimals, and updates SalesPrice for list A', async () => {
    fx.advance(10 * 60_000); // 09:10 UTC = 10:10 in Stockholm
    await fx.api('PUT', '/3/prices/A/TEE/0', { Price: { Price: '169.005' } });
    const changed = await fx.api<{ Prices: { ArticleNumber: string; Price: number }[] }>(
      'GET',
      `/3/prices/sublist/A?lastmodified=${encodeURIComponent('2026-11-27 10:10')}`,
    );
    expect(changed.Prices).toEqual([expect.objectContaining({ ArticleNumber: 'TEE', Price: 169.01 })]);
    const before = await fx.api<{ Prices: unknown[] }>(
      'GET',
      `/3/prices/sublist/A?lastmodified=${encodeURIComponent('2026-11-27 10:11')}`,
    );
    expect(before.Prices).toEqual([]);
    const article = await fx.api<{ Article: { SalesPrice: number } }>('GET', '/3/articles/TEE');
    expect(article.Article.SalesPrice).toBe(169.01);
  });

  it('creates and deletes prices, and answers 404 for a missing list or price', async () => {
    await fx.api('POST', '/3/prices', {
      Price: { ArticleNumber: 'CAP/M', PriceList: 'WEB', FromQuantity: 0, Price: 99 },
    });
    expect((await fx.api<{ Price: { Price: number } }>('GET', '/3/prices/WEB/CAP%2FM/0')).Price.Price).toBe(
      99,
    );
    await fx.api('DELETE', '/3/prices/WEB/CAP%2FM/0');
    await expect(fx.api('GET', '/3/prices/WEB/CAP%2FM/0')).rejects.toBeInstanceOf(NotFoundError);
    await expect(fx.api('GET', '/3/prices/sublist/NOPE')).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      fx.api('POST', '/3/prices', { Price: { ArticleNumber: 'NOPE', PriceList: 'WEB', Price: 1 } }),
    ).rejects.toMatchObject({ kind: 'validation' });
  });
});

describe('operations prices.list and prices.get', () => {
  it('prices.list reads a list or one article as decimal strings', async () => {
    const list = fx.connector.operations['prices.list'];
    expect(await list.run(ctx(), { PriceList: 'WEB', ArticleNumber: 'TEE' })).toEqual({
      Prices: [
        { ArticleNumber: 'TEE', PriceList: 'WEB', FromQuantity: '0', Price: '149' },
        { ArticleNumber: 'TEE', PriceList: 'WEB', FromQuantity: '10', Price: '129.5' },
      ],
    });
  });

  it('prices.get reads the base price, or throws NotFoundError naming the article and list', async () => {
    const get = fx.connector.operations['prices.get'];
    expect(await get.run(ctx(), { PriceList: 'WEB', ArticleNumber: 'TEE' })).toMatchObject({
      ArticleNumber: 'TEE',
      FromQuantity: '0',
      Price: '149',
      Percent: '0',
    });
    await expect(get.run(ctx(), { PriceList: 'WEB', ArticleNumber: 'CAP/M' })).rejects.toThrow(
      /CAP\/M has no price from quantity 0 in price list WEB/,
    );
  });
});
