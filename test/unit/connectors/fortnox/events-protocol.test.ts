import { describe, expect, it } from 'vitest';
import { EVENT_NAME_PATTERN, defineConnector } from '../../../../core/plugin-api/index.ts';
import connector from '../../../../connectors/fortnox/connector.ts';
import {
  FORTNOX_EVENTS,
  eventName,
  eventsUrl,
  parseFrame,
} from '../../../../connectors/fortnox/events/index.ts';
import { decodeOffset, encodeOffset } from '../../../../connectors/fortnox/sandbox/events-feed.ts';

describe('Fortnox event types → Koppla event names', () => {
  it.each([
    ['order-created-v1', 'order.created'],
    ['order-updated-v1', 'order.updated'],
    ['customer-updated-v2', 'customer.updated'],
    ['invoicepayment-bookkeep-v1', 'invoicepayment.bookkeep'],
    ['warehouse-stockbalance-changed-v1', 'warehouse-stockbalance.changed'],
    ['offer-canceled-v1', 'offer.canceled'],
  ])('%s → %s', (type, name) => {
    expect(eventName(type)).toBe(name);
    expect(EVENT_NAME_PATTERN.test(name)).toBe(true);
  });

  it('the connector declares its events, and pipelines can name them (<connection>.<event>)', () => {
    expect(connector.events?.events).toBe(FORTNOX_EVENTS);
    for (const name of Object.keys(FORTNOX_EVENTS))
      expect(`ledger.${name}`).toMatch(/^[a-z][a-zA-Z0-9_-]*(\.[a-z][a-zA-Z0-9_-]*)+$/);
    expect(FORTNOX_EVENTS['article.updated']?.streams).toEqual(['articles', 'stock']);
  });

  it('defineConnector refuses an events declaration with a bad name or no subscribe', () => {
    const declare = (events: unknown) => () =>
      defineConnector({
        meta: { id: 'x', name: 'X', version: '0.1.0', description: 'x' },
        credentials: { type: 'object' },
        streams: {},
        operations: {},
        events: events as never,
      });
    expect(
      declare({
        events: { 'Order Updated': { description: 'x' } },
        subscribe: async () => ({ close: async () => undefined }),
      }),
    ).toThrow(/event name "Order Updated"/);
    expect(declare({ events: {} })).toThrow(/events has no subscribe\(\)/);
  });
});

describe('frames', () => {
  it('reads the documented example event (tenantId as a number, entityId as a string)', () => {
    const frame = parseFrame(
      '{"topic":"invoices","offset":"xDy7J","type":"invoicepayment-bookkeep-v1","tenantId":29302,"entityId":"3817","timestamp":"2017-12-28T14:59:16.500+01:00"}',
    );
    expect(frame).toEqual({
      kind: 'event',
      topic: 'invoices',
      offset: 'xDy7J',
      type: 'invoicepayment-bookkeep-v1',
      tenantId: '29302',
      entityId: '3817',
      timestamp: '2017-12-28T14:59:16.500+01:00',
    });
  });

  it('reads command responses, and anything else as unknown', () => {
    expect(
      parseFrame(
        '{"response":"add-tenants-v1","result":"ok","tenantIds":{"tok":34231},"invalidTokens":["bad"]}',
      ),
    ).toEqual({
      kind: 'response',
      response: 'add-tenants-v1',
      result: 'ok',
      tenantIds: { tok: 34231 },
      invalidTokens: ['bad'],
    });
    expect(
      parseFrame('{"response":"add-topics-v1","result":"error","invalidTopics":["nope"]}'),
    ).toMatchObject({
      invalidTopics: ['nope'],
    });
    expect(parseFrame('not json')).toEqual({ kind: 'unknown' });
    expect(parseFrame('{"topic":"orders","type":"order-updated-v1","tenantId":1}')).toEqual({
      kind: 'unknown',
    });
  });
});

describe('where the feed is', () => {
  it.each([
    [undefined, 'wss://ws.fortnox.se/topics-v1'],
    ['https://api.fortnox.se/', 'wss://ws.fortnox.se/topics-v1'],
    ['http://127.0.0.1:8787', 'ws://127.0.0.1:8787/topics-v1'],
    ['https://proxy.example/fortnox/', 'wss://proxy.example/fortnox/topics-v1'],
  ])('apiUrl %s → %s', (apiUrl, url) => {
    expect(eventsUrl(apiUrl === undefined ? {} : { apiUrl })).toBe(url);
  });
});

describe('sandbox offsets', () => {
  it('are opaque strings that read back only for their own topic', () => {
    const offset = encodeOffset('orders', 7);
    expect(offset).not.toContain('orders');
    expect(decodeOffset('orders', offset)).toBe(7);
    expect(decodeOffset('invoices', offset)).toBeUndefined();
    expect(decodeOffset('orders', 'xDy7J')).toBeUndefined();
  });
});
