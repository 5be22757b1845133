/**
 * Flow 1 and stock (issue 7, point 3), on both sandboxes with the runtime. With Fortnox Lager the order's
 * delivery takes the goods from the tenant's stock point; when the stock point is short Fortnox silently
 * delivers 0, and the pipeline re-reads the order, stops the record by name (a dead letter, which the
 * alerts announce) before any invoice is made from it, and goes on after a person delivered it by hand
 * and replayed it. Without Lager the invoice takes the goods from the article's stock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../helpers/mongo.ts';
import { demoStore, startFlow, type FlowHarness } from './flow-harness.ts';
import articles from '../../../scripts/demo/seed/fortnox-articles.json' with { type: 'json' };
import { DEFAULT_SEED } from '../../../connectors/fortnox/sandbox/index.ts';

const mongo = useTestDatabase(import.meta.filename);
const orderA = demoStore.orders[0]!; // (a): 2 × PUB-TEE, Stripe, paid → order, then invoice

type Fortnox = Record<string, unknown>;
let flow: FlowHarness | undefined;
afterEach(async () => {
  await flow?.stop();
  flow = undefined;
});

const balance = async (f: FlowHarness, item: string) =>
  (
    await f.fortnoxApi<Fortnox[]>(
      'GET',
      `/api/warehouse/status-v1/stockbalance?itemIds=${item}&stockPointCodes=LAGER1`,
    )
  )[0];

describe('orders-to-fortnox and stock', () => {
  it('with Lager: a short stock point stops the record after the order (re-read, dead letter), a replay after restocking invoices it', async () => {
    flow = await startFlow({
      db: mongo.db(),
      pipeline: 'orders-to-fortnox.yaml',
      wooSeed: { products: demoStore.products, variations: demoStore.variations, orders: [orderA] },
      fortnoxSeed: {
        ...DEFAULT_SEED,
        articles,
        warehouse: {
          activated: true,
          stockPoints: [{ code: 'LAGER1', name: 'Huvudlager' }],
          balances: [{ itemId: 'PUB-TEE', stockPointCode: 'LAGER1', inStock: 1 }],
        },
      },
      params: { 'orders-to-fortnox': { stockPoint: 'LAGER1' } },
    });
    const first = await flow.run();
    expect(first.status).toBe('partial');
    const [dead] = await flow.deadLetters();
    expect(dead).toMatchObject({
      failedStep: 'orderStockShort',
      error: { field: 'OrderRows.DeliveredQuantity' },
    });
    expect(dead!.error.message).toContain('order 60: stock short at stock point LAGER1');
    expect(dead!.error.message).toContain('delivered 0 of: PUB-TEE');
    // the order exists, delivered 0, on the stock point; no invoice was made from it, nothing paid
    const orders = (await flow.fortnoxApi<{ Orders: Fortnox[] }>('GET', '/3/orders')).Orders;
    expect(orders).toHaveLength(1);
    const number = String(orders[0]!.DocumentNumber);
    const order = (await flow.fortnoxApi<{ Order: Fortnox }>('GET', `/3/orders/${number}`)).Order;
    expect(order.StockPointCode).toBe('LAGER1');
    expect(Number((order.OrderRows as Fortnox[])[0]!.DeliveredQuantity)).toBe(0);
    expect((await flow.fortnoxApi<{ Invoices: Fortnox[] }>('GET', '/3/invoices')).Invoices).toEqual([]);
    expect(Number((await balance(flow, 'PUB-TEE'))!.inStock)).toBe(1);

    // a person restocks and delivers the order by hand; the replay reads the order again and goes on
    await fetch(`${flow.fortnox.url}/__admin/seed`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        warehouse: { balances: [{ itemId: 'PUB-TEE', stockPointCode: 'LAGER1', inStock: 5 }] },
      }),
    });
    // every row sent again (without RowId rows are replaced by position), the goods row delivered
    const rows = (order.OrderRows as Fortnox[]).map((row) => ({
      ArticleNumber: row.ArticleNumber,
      Description: row.Description,
      OrderedQuantity: row.OrderedQuantity,
      DeliveredQuantity: row.ArticleNumber ? row.OrderedQuantity : row.DeliveredQuantity,
      Price: row.Price,
      VAT: row.VAT,
      AccountNumber: row.AccountNumber,
    }));
    await flow.fortnoxApi('PUT', `/3/orders/${number}`, { Order: { OrderRows: rows } });
    expect(Number((await balance(flow, 'PUB-TEE'))!.inStock)).toBe(3);

    const replayed = await flow.replay(dead!.id);
    expect(replayed).toEqual({ status: 'resolved' });
    const invoices = (await flow.fortnoxApi<{ Invoices: Fortnox[] }>('GET', '/3/invoices')).Invoices;
    expect(invoices).toHaveLength(1);
    const invoice = (
      await flow.fortnoxApi<{ Invoice: Fortnox }>('GET', `/3/invoices/${String(invoices[0]!.DocumentNumber)}`)
    ).Invoice;
    expect(invoice).toMatchObject({ Booked: true, Balance: 0 });
    // made from a delivered order: the stock is not taken twice
    expect(Number((await balance(flow, 'PUB-TEE'))!.inStock)).toBe(3);
  });

  it('with Lager and enough stock: the delivery takes the goods from the stock point, once', async () => {
    flow = await startFlow({
      db: mongo.db(),
      pipeline: 'orders-to-fortnox.yaml',
      wooSeed: { products: demoStore.products, variations: demoStore.variations, orders: [orderA] },
      fortnoxSeed: {
        ...DEFAULT_SEED,
        articles,
        warehouse: {
          activated: true,
          stockPoints: [{ code: 'LAGER1', name: 'Huvudlager' }],
          balances: [{ itemId: 'PUB-TEE', stockPointCode: 'LAGER1', inStock: 10 }],
        },
      },
      params: { 'orders-to-fortnox': { stockPoint: 'LAGER1' } },
    });
    expect((await flow.run()).status).toBe('succeeded');
    expect(await flow.deadLetters()).toEqual([]);
    expect(Number((await balance(flow, 'PUB-TEE'))!.inStock)).toBe(8);
  });

  it('without Lager: the invoice takes the goods from the article stock', async () => {
    flow = await startFlow({
      db: mongo.db(),
      pipeline: 'orders-to-fortnox.yaml',
      wooSeed: { products: demoStore.products, variations: demoStore.variations, orders: [orderA] },
      fortnoxSeed: { ...DEFAULT_SEED, articles },
    });
    expect((await flow.run()).status).toBe('succeeded');
    const article = (await flow.fortnoxApi<{ Article: Fortnox }>('GET', '/3/articles/PUB-TEE')).Article;
    expect(Number(article.QuantityInStock)).toBe(38);
    const order = (await flow.fortnoxApi<{ Orders: Fortnox[] }>('GET', '/3/orders')).Orders[0]!;
    const full = (
      await flow.fortnoxApi<{ Order: Fortnox }>('GET', `/3/orders/${String(order.DocumentNumber)}`)
    ).Order;
    expect(full.StockPointCode ?? '').toBe('');
  });
});
