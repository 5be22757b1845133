/**
 * Fortnox Lager: the warehouse operations and the stock stream against the sandbox, and what orders,
 * invoices and custom outbound documents do to stock with and without Lager (fortnox-api.md §6.1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../../../core/plugin-api/index.ts';
import type { StockLevel } from '../../../../core/model/index.ts';
import {
  FortnoxClient,
  InMemoryTokenStore,
  defaultClientDeps,
  type FortnoxSettings,
} from '../../../../connectors/fortnox/client/index.ts';
import { createFortnoxConnector } from '../../../../connectors/fortnox/connector.ts';
import {
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  startFortnoxSandbox,
  type RunningFortnoxSandbox,
  type SandboxSeed,
} from '../../../../connectors/fortnox/sandbox/index.ts';
import type { StockStreamOptions } from '../../../../connectors/fortnox/warehouse/index.ts';
import { FAST_RETRY, contextFor } from '../../../contract/fortnox/target.ts';

let sandbox: RunningFortnoxSandbox;
beforeAll(async () => {
  sandbox = await startFortnoxSandbox();
});
afterAll(async () => {
  await sandbox.stop();
});

const ARTICLES = [
  { ArticleNumber: 'TEE', Description: 'Tröja', QuantityInStock: 10, StockGoods: true },
  { ArticleNumber: 'CAP', Description: 'Keps', QuantityInStock: 4, StockGoods: true },
  { ArticleNumber: 'SERVICE', Description: 'Montering', QuantityInStock: 0, StockGoods: false },
];
const CUSTOMERS = [{ CustomerNumber: '1', Name: 'Anna Andersson' }];
const LAGER = {
  activated: true,
  stockPoints: [
    { code: 'HUV', name: 'Huvudlager' },
    { code: 'BUTIK', name: 'Butiken' },
  ],
  balances: [
    { itemId: 'TEE', stockPointCode: 'HUV', inStock: 10 },
    { itemId: 'TEE', stockPointCode: 'BUTIK', inStock: 3, reserved: 1 },
    { itemId: 'CAP', stockPointCode: 'HUV', inStock: 4 },
  ],
};

/** A fresh sandbox state, a connector with its own token store, and a context for it. */
async function fresh(seed: SandboxSeed, stock: StockStreamOptions = {}) {
  await fetch(`${sandbox.url}/__admin/reset`, { method: 'POST' });
  const seeded = await fetch(`${sandbox.url}/__admin/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customers: CUSTOMERS, articles: ARTICLES, ...seed }),
  });
  expect(seeded.status).toBe(200);
  const settings = {
    clientId: DEFAULT_CLIENT.clientId,
    clientSecret: DEFAULT_CLIENT.clientSecret,
    refreshToken: DEFAULT_REFRESH_TOKEN,
    apiUrl: sandbox.url,
    authUrl: sandbox.url,
    streams: { stock },
  } as FortnoxSettings;
  const deps = { tokenStore: new InMemoryTokenStore(), retry: FAST_RETRY };
  const connector = createFortnoxConnector(deps);
  const ctx = contextFor(settings);
  const client = new FortnoxClient(settings, ctx.tenantId, defaultClientDeps(deps));
  const article = async (number: string) =>
    (await client.request<{ Article: Record<string, unknown> }>('GET', `/3/articles/${number}`)).body.Article;
  const post = async (path: string, body: unknown) =>
    (await client.request<Record<string, Record<string, unknown>>>('POST', path, { body })).body;
  const put = async (path: string, body?: unknown) =>
    (await client.request<Record<string, Record<string, unknown>>>('PUT', path, body ? { body } : {})).body;
  const read = async () => {
    const levels: StockLevel[] = [];
    for await (const page of connector.streams.stock.read(ctx, {})) levels.push(...page.records);
    return levels;
  };
  return { connector, ctx, article, post, put, read };
}

const orderRow = (article: string, ordered: number, delivered = 0) => ({
  ArticleNumber: article,
  OrderedQuantity: ordered,
  DeliveredQuantity: delivered,
  Price: 100,
});

describe('stock without Fortnox Lager', () => {
  it('an order reserves, its invoice takes from stock and ends the reservation; a cancel gives back', async () => {
    const f = await fresh({});
    const { Order: order } = await f.post('/3/orders', {
      Order: { CustomerNumber: '1', OrderRows: [orderRow('TEE', 3)] },
    });
    expect(await f.article('TEE')).toMatchObject({
      QuantityInStock: 10,
      ReservedQuantity: 3,
      DisposableQuantity: 7,
    });
    await f.put(`/3/orders/${String(order?.DocumentNumber)}/createinvoice`);
    expect(await f.article('TEE')).toMatchObject({
      QuantityInStock: 7,
      ReservedQuantity: 0,
      DisposableQuantity: 7,
    });

    const { Order: second } = await f.post('/3/orders', {
      Order: { CustomerNumber: '1', OrderRows: [orderRow('TEE', 2)] },
    });
    expect(await f.article('TEE')).toMatchObject({ DisposableQuantity: 5 });
    await f.put(`/3/orders/${String(second?.DocumentNumber)}/cancel`);
    expect(await f.article('TEE')).toMatchObject({
      QuantityInStock: 7,
      ReservedQuantity: 0,
      DisposableQuantity: 7,
    });
  });

  it('an invoice may take stock below zero; articles that are not stock goods do not change', async () => {
    const f = await fresh({});
    await f.post('/3/invoices', {
      Invoice: {
        CustomerNumber: '1',
        InvoiceRows: [
          { ArticleNumber: 'CAP', DeliveredQuantity: 6, Price: 50 },
          { ArticleNumber: 'SERVICE', DeliveredQuantity: 1, Price: 500 },
        ],
      },
    });
    expect(await f.article('CAP')).toMatchObject({ QuantityInStock: -2, DisposableQuantity: -2 });
    expect(await f.article('SERVICE')).toMatchObject({ QuantityInStock: 0 });
  });

  it('seeded documents do not move the seeded stock', async () => {
    const f = await fresh({
      invoices: [
        { CustomerNumber: '1', InvoiceRows: [{ ArticleNumber: 'TEE', DeliveredQuantity: 4, Price: 1 }] },
      ],
    });
    expect(await f.article('TEE')).toMatchObject({ QuantityInStock: 10 });
  });

  it('streams changed articles as availableStock, or inStock when the settings say so', async () => {
    const f = await fresh({});
    await f.post('/3/orders', { Order: { CustomerNumber: '1', OrderRows: [orderRow('TEE', 3)] } });
    const available = await f.read();
    expect(available.find((l) => l.sku === 'TEE')).toMatchObject({
      sku: 'TEE',
      quantity: '7',
      onHand: '10',
      source: { connector: 'fortnox' },
    });
    expect(available.find((l) => l.sku === 'TEE')?.warehouse).toBeUndefined();
    const g = await fresh({}, { quantity: 'inStock' });
    await g.post('/3/orders', { Order: { CustomerNumber: '1', OrderRows: [orderRow('TEE', 3)] } });
    expect((await g.read()).find((l) => l.sku === 'TEE')).toMatchObject({ quantity: '10', onHand: '10' });
  });
});

describe('stock with Fortnox Lager', () => {
  it('an order in delivery takes stock at once; a short one is delivered as 0 unless negative stock is allowed', async () => {
    const f = await fresh({ warehouse: LAGER });
    const { Order: order } = await f.post('/3/orders', {
      Order: { CustomerNumber: '1', StockPointCode: 'HUV', OrderRows: [orderRow('TEE', 4, 4)] },
    });
    expect(order?.OrderRows).toMatchObject([{ DeliveredQuantity: '4' }]);
    const { balances } = await f.connector.operations['warehouse.stockBalances.list'].run(f.ctx, {
      itemIds: ['TEE'],
    });
    expect(balances).toEqual([
      { itemId: 'TEE', stockPointCode: 'HUV', availableStock: '6', inStock: '6' },
      { itemId: 'TEE', stockPointCode: 'BUTIK', availableStock: '2', inStock: '3' },
    ]);
    // the article mirrors the sum of its balances
    expect(await f.article('TEE')).toMatchObject({
      QuantityInStock: 9,
      ReservedQuantity: 1,
      DisposableQuantity: 8,
    });

    const { Order: short } = await f.post('/3/orders', {
      Order: { CustomerNumber: '1', StockPointCode: 'HUV', OrderRows: [orderRow('CAP', 9, 9)] },
    });
    expect(short?.OrderRows).toMatchObject([{ DeliveredQuantity: '0', Total: 0 }]);
    expect(await f.article('CAP')).toMatchObject({ QuantityInStock: 4 });

    const g = await fresh({ warehouse: { ...LAGER, allowNegativeStock: true } });
    const { Order: negative } = await g.post('/3/orders', {
      Order: { CustomerNumber: '1', OrderRows: [orderRow('CAP', 9, 9)] },
    });
    expect(negative?.OrderRows).toMatchObject([{ DeliveredQuantity: '9' }]);
    expect(await g.article('CAP')).toMatchObject({ QuantityInStock: -5 });
  });

  it('reserves only what is available, does not take an invoiced delivery twice, gives back on cancel', async () => {
    const f = await fresh({ warehouse: LAGER });
    await f.post('/3/orders', {
      Order: {
        CustomerNumber: '1',
        DeliveryState: 'reservation',
        StockPointCode: 'BUTIK',
        OrderRows: [orderRow('TEE', 5)],
      },
    });
    const butik = async () =>
      (
        await f.connector.operations['warehouse.stockBalances.list'].run(f.ctx, {
          itemIds: ['TEE'],
          stockPointCodes: ['BUTIK'],
        })
      ).balances;
    // 3 in stock, 1 reserved already: 2 more could be reserved
    expect(await butik()).toEqual([
      { itemId: 'TEE', stockPointCode: 'BUTIK', availableStock: '0', inStock: '3' },
    ]);

    const { Order: delivered } = await f.post('/3/orders', {
      Order: { CustomerNumber: '1', StockPointCode: 'HUV', OrderRows: [orderRow('CAP', 1, 1)] },
    });
    await f.put(`/3/orders/${String(delivered?.DocumentNumber)}/createinvoice`);
    expect(await f.article('CAP')).toMatchObject({ QuantityInStock: 3 });
    const { Order: cancelled } = await f.post('/3/orders', {
      Order: { CustomerNumber: '1', StockPointCode: 'HUV', OrderRows: [orderRow('CAP', 2, 2)] },
    });
    expect(await f.article('CAP')).toMatchObject({ QuantityInStock: 1 });
    await f.put(`/3/orders/${String(cancelled?.DocumentNumber)}/cancel`);
    expect(await f.article('CAP')).toMatchObject({ QuantityInStock: 3 });
  });

  it('answers the activation check and lists stock points', async () => {
    const off = await fresh({});
    expect(await off.connector.operations['warehouse.status'].run(off.ctx, {})).toEqual({
      activated: false,
      tenantId: 1,
    });
    const on = await fresh({ warehouse: LAGER });
    expect(await on.connector.operations['warehouse.status'].run(on.ctx, {})).toMatchObject({
      activated: true,
    });
    const { stockPoints } = await on.connector.operations['warehouse.stockPoints.list'].run(on.ctx, {});
    expect(stockPoints.map((p) => [p.code, p.name, p.active])).toEqual([
      ['HUV', 'Huvudlager', true],
      ['BUTIK', 'Butiken', true],
    ]);
    expect(stockPoints[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('saves a custom outbound document by type and id: saving again replaces it, stock leaves once', async () => {
    const f = await fresh({ warehouse: LAGER });
    const save = f.connector.operations['warehouse.customOutbound.save'];
    const { stockPoints } = await f.connector.operations['warehouse.stockPoints.list'].run(f.ctx, {});
    const huv = stockPoints.find((p) => p.code === 'HUV')?.id as string;
    const input = {
      type: 'webshop',
      id: '1042',
      date: '2026-03-02',
      deliveryState: 'delivery' as const,
      note: 'WooCommerce order 1042',
      rows: [{ itemId: 'TEE', quantity: '2', deliveredQuantity: '2', stockPointId: huv }],
    };
    const saved = await save.run(f.ctx, input);
    expect(saved).toMatchObject({
      id: '1042',
      referenceType: 'WEBSHOP',
      deliveryState: 'delivery',
      rows: [{ itemId: 'TEE', quantity: '2', deliveredQuantity: '2', rowId: expect.any(Number) }],
    });
    await save.run(f.ctx, input);
    expect(await f.article('TEE')).toMatchObject({ QuantityInStock: 11 });
    await save.run(f.ctx, { ...input, rows: [{ ...input.rows[0]!, quantity: '3', deliveredQuantity: '3' }] });
    expect(await f.article('TEE')).toMatchObject({ QuantityInStock: 10 });
    const short = await save.run(f.ctx, {
      ...input,
      id: '1043',
      rows: [{ itemId: 'CAP', quantity: '7', stockPointId: huv }],
    });
    expect(short.rows).toMatchObject([{ deliveredQuantity: '0' }]);
  });

  it('refuses Fortnox own document types with its error code', async () => {
    const f = await fresh({ warehouse: LAGER });
    const error = await f.connector.operations['warehouse.customOutbound.save']
      .run(f.ctx, {
        type: 'ORDER',
        id: '1',
        date: '2026-03-02',
        deliveryState: 'delivery',
        rows: [{ itemId: 'TEE', quantity: '1' }],
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'referenceTypeNotAllowed', status: 400 });
  });

  it('streams one level per article: the primary stock point, or the sum of the chosen ones', async () => {
    const all = await fresh({ warehouse: LAGER });
    expect((await all.read()).map((l) => [l.sku, l.quantity, l.onHand, l.warehouse])).toEqual([
      ['CAP', '4', '4', undefined],
      ['TEE', '12', '13', undefined],
    ]);
    const primary = await fresh({ warehouse: LAGER }, { stockPoints: ['BUTIK'] });
    expect((await primary.read()).map((l) => [l.sku, l.quantity, l.onHand, l.warehouse])).toEqual([
      ['TEE', '2', '3', 'BUTIK'],
    ]);
    const summed = await fresh({ warehouse: LAGER }, { stockPoints: ['HUV', 'BUTIK'], quantity: 'inStock' });
    expect((await summed.read()).map((l) => [l.sku, l.quantity])).toEqual([
      ['CAP', '4'],
      ['TEE', '13'],
    ]);
  });
});
