import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import type { RunningSandbox, SandboxOptions } from '../../../core/plugin-api/index.ts';
import { authenticate, permissionError, type Transport } from './auth.ts';
import { dateParam, stamps, type StoreClock } from './clock.ts';
import { errors, wcError, type PermissionKind, type WcError } from './errors.ts';
import { applyCheckouts, applySeed, defaultSettings, type WooSeed } from './seed.ts';
import {
  SandboxState,
  type ApiKey,
  type Doc,
  type Fault,
  type FaultKind,
  type SandboxWebhook,
} from './state.ts';
import { WcFailure, applyProductUpdate, newProduct, setOrderStatus, touch } from './store.ts';
import { createDeliverer, type Deliverer } from './webhooks.ts';

export const API = '/wp-json/wc/v3';

/** The key pair every sandbox accepts unless `keys` says otherwise (read_write). */
export const SANDBOX_CONSUMER_KEY = 'ck_5a4db0c8e2f14b6f9d3e7a1c0b2d4f6e8a9c1b3d';
export const SANDBOX_CONSUMER_SECRET = 'cs_0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4';

export interface WooSandboxOptions extends SandboxOptions {
  readonly seed?: WooSeed;
  /**
   * `https` (default): the store believes it is behind HTTPS, so Basic auth and query-string keys
   * work (as the reference store did). `http`: only OAuth 1.0a signed requests authenticate.
   */
  readonly transport?: Transport;
  readonly keys?: readonly ApiKey[];
  /** `auto` (default) delivers queued webhooks on the next tick; `manual` waits for `/__admin/webhooks/flush`. */
  readonly webhookDelivery?: 'auto' | 'manual';
  readonly utcOffsetMinutes?: number;
  readonly now?: () => number;
  /**
   * WordPress permalinks. `pretty` (default): the REST API answers under `/wp-json/`. `plain`: only
   * `/?rest_route=/…` answers and every `/wp-json/…` URL is WordPress's 404 page, as on a store that
   * never switched permalinks on.
   */
  readonly permalinks?: 'pretty' | 'plain';
}

type Query = Record<string, string>;
interface Ctx {
  readonly request: FastifyRequest;
  readonly params: Record<string, string>;
  readonly query: Query;
  readonly body: Record<string, unknown>;
}
interface Result {
  readonly status?: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const int = (value: string | undefined, fallback: number): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  return Number.isInteger(n) ? n : Number.NaN;
};
const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
const truthy = (value: string | undefined) => value === 'true' || value === '1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `_fields=a,b.c`: WordPress keeps only the named top-level fields. */
function limitFields<T>(doc: T, fields: string | undefined): T {
  if (!fields) return doc;
  const keep = new Set(list(fields).map((f) => f.split('.')[0]));
  return Object.fromEntries(
    Object.entries(doc as Record<string, unknown>).filter(([key]) => keep.has(key)),
  ) as T;
}

/** Starts a fake WooCommerce 10 store on 127.0.0.1. */
export async function startSandbox(
  options: WooSandboxOptions = {},
): Promise<RunningSandbox & { readonly state: SandboxState }> {
  const transport = options.transport ?? 'https';
  const keys = options.keys ?? [
    { consumerKey: SANDBOX_CONSUMER_KEY, consumerSecret: SANDBOX_CONSUMER_SECRET, permissions: 'read_write' },
  ];
  const clock: StoreClock = {
    now: options.now ?? Date.now,
    utcOffsetMinutes: options.utcOffsetMinutes ?? 60,
  };
  let state = new SandboxState(keys);
  let home = '';
  const app = Fastify({ logger: false, bodyLimit: 50 * 1024 * 1024 });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  );

  const link = (path: string) => [{ href: `${home}${API}${path}` }];
  const orderOut = (doc: Doc) => ({
    ...doc,
    _links: { self: link(`/orders/${doc.id}`), collection: link('/orders') },
  });
  const productOut = (doc: Doc) =>
    doc.type === 'variation'
      ? {
          ...doc,
          _links: {
            self: link(`/products/${doc.parent_id}/variations/${doc.id}`),
            collection: link(`/products/${doc.parent_id}/variations`),
            up: link(`/products/${doc.parent_id}`),
          },
        }
      : { ...doc, _links: { self: link(`/products/${doc.id}`), collection: link('/products') } };
  const webhookOut = (w: SandboxWebhook) => {
    const { secret: _secret, failure_count: _failures, ...visible } = w;
    return {
      ...visible,
      hooks: [],
      _links: { self: link(`/webhooks/${w.id}`), collection: link('/webhooks') },
    };
  };

  let deliverer: Deliverer;
  const newDeliverer = () =>
    createDeliverer({
      state,
      clock,
      sourceUrl: () => `${home}/`,
      mode: options.webhookDelivery ?? 'auto',
      payload: (resource, id) => {
        if (resource === 'order') {
          const order = state.orders.get(id);
          return order ? orderOut(order) : errors.invalidId('shop_order', 404).body;
        }
        if (resource === 'product') {
          const product = state.anyProduct(id);
          return product ? productOut(product) : errors.invalidId('product', 404).body;
        }
        return { id };
      },
    });
  deliverer = newDeliverer();

  function send(reply: FastifyReply, error: WcError) {
    return reply
      .code(error.status)
      .headers(error.headers ?? {})
      .send(error.body);
  }

  function paged(docs: Doc[], query: Query, path: string, out: (d: Doc) => unknown): Result {
    const perPage = int(query.per_page, 10);
    if (!(perPage >= 1 && perPage <= 100)) throw new WcFailure(errors.perPage());
    const page = int(query.page, 1);
    if (!(page >= 1))
      throw new WcFailure(errors.invalidParam('page', 'page must be greater than or equal to 1'));
    const offset = query.offset ? int(query.offset, 0) : (page - 1) * perPage;
    const total = docs.length;
    const totalPages = Math.ceil(total / perPage);
    const slice = docs.slice(offset, offset + perPage);
    const headers: Record<string, string> = {
      'x-wp-total': String(total),
      'x-wp-totalpages': String(totalPages),
    };
    const pageUrl = (n: number) => {
      const params = new URLSearchParams({ ...query, page: String(n) });
      return `<${home}${API}${path}?${params.toString()}>`;
    };
    const links: string[] = [];
    if (page > 1 && page - 1 <= totalPages) links.push(`${pageUrl(page - 1)}; rel="prev"`);
    if (page < totalPages) links.push(`${pageUrl(page + 1)}; rel="next"`);
    if (links.length > 0) headers.link = links.join(', ');
    return { body: slice.map((d) => limitFields(out(d), query._fields)), headers };
  }

  function sortDocs(docs: Doc[], query: Query): Doc[] {
    const orderby = query.orderby ?? 'date';
    const dir = (query.order ?? 'desc') === 'asc' ? 1 : -1;
    const key = (d: Doc): string | number =>
      orderby === 'id'
        ? d.id
        : orderby === 'modified'
          ? String(d.date_modified_gmt ?? '')
          : String(d.date_created_gmt ?? '');
    return [...docs].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * dir;
      return (a.id - b.id) * dir; // WordPress appends the ID as tie-breaker, same direction
    });
  }

  function dateFilter(docs: Doc[], query: Query): Doc[] {
    const gmt = truthy(query.dates_are_gmt);
    const checks: [string, 'created' | 'modified', 1 | -1][] = [
      ['after', 'created', 1],
      ['before', 'created', -1],
      ['modified_after', 'modified', 1],
      ['modified_before', 'modified', -1],
    ];
    let result = docs;
    for (const [param, column, dir] of checks) {
      if (!query[param]) continue;
      const bound = dateParam(query[param]);
      if (!bound) throw new WcFailure(errors.invalidParam(param, `Invalid date.`, 'rest_invalid_date'));
      const field = `date_${column}${gmt ? '_gmt' : ''}`;
      result = result.filter((d) => {
        const value = String(d[field] ?? '');
        return dir === 1 ? value > bound : value < bound;
      });
    }
    return result;
  }

  const routes: {
    method: string;
    url: string;
    kind: PermissionKind;
    handler: (ctx: Ctx) => Result | Promise<Result>;
  }[] = [];
  const route = (
    method: string,
    url: string,
    kind: PermissionKind,
    handler: (ctx: Ctx) => Result | Promise<Result>,
  ) => routes.push({ method, url, kind, handler });

  const findOrder = (id: string, status: 400 | 404): Doc => {
    const order = state.orders.get(Number(id));
    if (!order) throw new WcFailure(errors.invalidId('shop_order', status));
    return order;
  };
  const findProduct = (id: string, status: 400 | 404): Doc => {
    const product = state.products.get(Number(id));
    if (!product) throw new WcFailure(errors.invalidId('product', status));
    return product;
  };
  const findVariation = (parentId: string, id: string, status: 400 | 404): Doc => {
    const variation = state.variations.get(Number(id));
    if (!variation || String(variation.parent_id) !== parentId) {
      throw new WcFailure(errors.invalidId('product_variation', status));
    }
    return variation;
  };
  const productChanged = (docs: Iterable<Doc>) => {
    for (const doc of docs) deliverer.enqueue('product', 'updated', doc.id);
  };

  // --- orders -------------------------------------------------------------------------------
  route('GET', '/orders', 'list', ({ query }) => {
    const statuses = list(query.status);
    let docs = [...state.orders.values()].filter((o) =>
      statuses.length === 0 || statuses.includes('any')
        ? o.status !== 'trash'
        : statuses.includes(String(o.status)),
    );
    const include = list(query.include).map(Number);
    if (include.length > 0) docs = docs.filter((o) => include.includes(o.id));
    if (query.customer) docs = docs.filter((o) => String(o.customer_id) === query.customer);
    docs = dateFilter(docs, query);
    return paged(sortDocs(docs, query), query, '/orders', orderOut);
  });
  route('GET', '/orders/:id', 'view', ({ params, query }) => ({
    body: limitFields(orderOut(findOrder(params.id!, 404)), query._fields),
  }));
  const updateOrder = ({ params, body }: Ctx): Result => {
    const order = findOrder(params.id!, 400);
    if ('status' in body) {
      if (typeof body.status !== 'string') throw new WcFailure(errors.invalidStatus());
      productChanged(setOrderStatus(state, order, body.status, clock));
    }
    for (const field of ['transaction_id', 'customer_note'] as const) {
      if (typeof body[field] === 'string') order[field] = body[field];
    }
    if (Array.isArray(body.meta_data)) {
      const meta = [...((order.meta_data as Record<string, unknown>[] | undefined) ?? [])];
      for (const entry of body.meta_data as Record<string, unknown>[]) {
        const existing = meta.find((m) => m.key === entry.key);
        if (existing) existing.value = entry.value;
        else meta.push({ id: state.nextId(), key: entry.key, value: entry.value });
      }
      order.meta_data = meta;
    }
    // Every save fires order.updated (woocommerce_update_order), even when nothing changed.
    touch(order, clock);
    deliverer.enqueue('order', 'updated', order.id);
    return { body: orderOut(order) };
  };
  route('PUT', '/orders/:id', 'edit', updateOrder);
  route('POST', '/orders/:id', 'edit', updateOrder);
  route('GET', '/orders/:id/notes', 'list', ({ params }) => ({
    body: (state.notes.get(findOrder(params.id!, 404).id) ?? []).map((n) => ({ ...n })),
  }));
  route('POST', '/orders/:id/notes', 'create', ({ params, body }) => {
    const order = findOrder(params.id!, 404);
    if (typeof body.note !== 'string' || body.note === '') {
      throw new WcFailure(
        wcError(400, 'rest_missing_callback_param', 'Missing parameter(s): note', { params: ['note'] }),
      );
    }
    const note = {
      id: state.nextId(),
      note: body.note,
      customer_note: body.customer_note === true,
      author: 'system',
      date_created_gmt: stamps(clock).gmt,
    };
    state.notes.set(order.id, [...(state.notes.get(order.id) ?? []), note]);
    return { status: 201, body: note };
  });
  route('GET', '/orders/:id/refunds', 'list', ({ params, query }) => {
    const order = findOrder(params.id!, 404);
    return paged(
      sortDocs(state.refunds.get(order.id) ?? [], query),
      query,
      `/orders/${order.id}/refunds`,
      (r) => r,
    );
  });
  route('GET', '/orders/:id/refunds/:refundId', 'view', ({ params }) => {
    const order = findOrder(params.id!, 404);
    const refund = (state.refunds.get(order.id) ?? []).find((r) => String(r.id) === params.refundId);
    if (!refund) throw new WcFailure(errors.invalidId('shop_order_refund', 404));
    return { body: refund };
  });
  route('GET', '/refunds', 'list', ({ query }) => {
    const all = [...state.refunds.entries()].flatMap(([orderId, refunds]) =>
      refunds.map((r) => ({ ...r, parent_id: orderId })),
    );
    return paged(sortDocs(all, query), query, '/refunds', (r) => r);
  });

  // --- products and variations ---------------------------------------------------------------
  route('GET', '/products', 'list', ({ query }) => {
    let docs: Doc[];
    if (query.sku !== undefined) {
      // Exact match over products AND variations; the comma list and the whole raw string are both tried.
      const skus = new Set([...list(query.sku), query.sku]);
      docs = [...state.products.values(), ...state.variations.values()].filter((d) =>
        skus.has(String(d.sku)),
      );
    } else {
      docs = [...state.products.values()];
    }
    docs = docs.filter((d) => d.status !== 'trash');
    const include = list(query.include).map(Number);
    if (include.length > 0) docs = docs.filter((d) => include.includes(d.id));
    if (query.type) docs = docs.filter((d) => d.type === query.type);
    docs = dateFilter(docs, query);
    return paged(sortDocs(docs, query), query, '/products', productOut);
  });
  route('GET', '/products/:id', 'view', ({ params, query }) => {
    const doc = state.anyProduct(Number(params.id));
    if (!doc) throw new WcFailure(errors.invalidId('product', 404));
    return { body: limitFields(productOut(doc), query._fields) };
  });
  route('POST', '/products', 'create', ({ body }) => {
    const doc = newProduct(state, body, clock);
    state.products.set(doc.id, doc);
    deliverer.enqueue('product', 'created', doc.id);
    return { status: 201, body: productOut(doc) };
  });
  const updateProduct = ({ params, body }: Ctx): Result => {
    const doc = findProduct(params.id!, 400);
    applyProductUpdate(state, doc, body, clock);
    productChanged([doc]);
    return { body: productOut(doc) };
  };
  route('PUT', '/products/:id', 'edit', updateProduct);
  route('POST', '/products/:id', 'edit', updateProduct);

  function batch(
    body: Record<string, unknown>,
    ops: {
      create: (item: Record<string, unknown>) => Doc;
      update: (item: Record<string, unknown>) => Doc;
      remove: (id: number) => Doc;
    },
  ): Result {
    const create = Array.isArray(body.create) ? (body.create as Record<string, unknown>[]) : [];
    const update = Array.isArray(body.update) ? (body.update as Record<string, unknown>[]) : [];
    const remove = Array.isArray(body.delete) ? (body.delete as unknown[]) : [];
    if (create.length + update.length + remove.length > 100) throw new WcFailure(errors.tooLarge());
    const attempt = (id: unknown, fn: () => Doc) => {
      try {
        return productOut(fn());
      } catch (error) {
        if (error instanceof WcFailure) return { id: Number(id ?? 0), error: error.error.body };
        throw error;
      }
    };
    const result: Record<string, unknown[]> = {};
    if (create.length > 0) result.create = create.map((item) => attempt(0, () => ops.create(item)));
    if (update.length > 0) result.update = update.map((item) => attempt(item.id, () => ops.update(item)));
    if (remove.length > 0) result.delete = remove.map((id) => attempt(id, () => ops.remove(Number(id))));
    return { body: result };
  }
  route('POST', '/products/batch', 'batch', ({ body }) =>
    batch(body, {
      create: (item) => {
        const doc = newProduct(state, item, clock);
        state.products.set(doc.id, doc);
        return doc;
      },
      update: (item) => {
        const doc = state.products.get(Number(item.id));
        if (!doc) throw new WcFailure(errors.invalidId('product', 400));
        applyProductUpdate(state, doc, item, clock);
        productChanged([doc]);
        return doc;
      },
      remove: (id) => {
        const doc = findProduct(String(id), 400);
        state.products.delete(id);
        return doc;
      },
    }),
  );
  route('GET', '/products/:id/variations', 'list', ({ params, query }) => {
    const parent = findProduct(params.id!, 404);
    let docs = [...state.variations.values()].filter((v) => v.parent_id === parent.id);
    if (query.sku !== undefined) {
      const skus = new Set([...list(query.sku), query.sku]);
      docs = docs.filter((d) => skus.has(String(d.sku)));
    }
    const include = list(query.include).map(Number);
    if (include.length > 0) docs = docs.filter((d) => include.includes(d.id));
    docs = dateFilter(docs, query);
    return paged(sortDocs(docs, query), query, `/products/${parent.id}/variations`, productOut);
  });
  route('GET', '/products/:id/variations/:variationId', 'view', ({ params }) => ({
    body: productOut(findVariation(params.id!, params.variationId!, 404)),
  }));
  route('PUT', '/products/:id/variations/:variationId', 'edit', ({ params, body }) => {
    const doc = findVariation(params.id!, params.variationId!, 400);
    applyProductUpdate(state, doc, body, clock);
    productChanged([doc]);
    return { body: productOut(doc) };
  });
  route('POST', '/products/:id/variations/batch', 'batch', ({ params, body }) => {
    const parent = findProduct(params.id!, 404);
    return batch(body, {
      create: (item) => {
        const doc = newProduct(state, item, clock, parent.id);
        state.variations.set(doc.id, doc);
        parent.variations = [...((parent.variations as number[] | undefined) ?? []), doc.id];
        return doc;
      },
      update: (item) => {
        const doc = findVariation(String(parent.id), String(item.id), 400);
        applyProductUpdate(state, doc, item, clock);
        productChanged([doc]);
        return doc;
      },
      remove: (id) => {
        const doc = findVariation(String(parent.id), String(id), 400);
        state.variations.delete(id);
        return doc;
      },
    });
  });

  // --- webhooks ------------------------------------------------------------------------------
  const TOPIC =
    /^(order|product|customer|coupon)\.(created|updated|deleted|restored)$|^action\.(woocommerce|wc)_/;
  route('GET', '/webhooks', 'list', ({ query }) =>
    paged([...state.webhooks.values()] as unknown as Doc[], query, '/webhooks', (w) =>
      webhookOut(w as unknown as SandboxWebhook),
    ),
  );
  route('POST', '/webhooks', 'create', async ({ body }) => {
    const topic = String(body.topic ?? '');
    if (!TOPIC.test(topic)) throw new WcFailure(errors.invalidParam('topic', 'Webhook topic is invalid.'));
    const url = String(body.delivery_url ?? '');
    if (!/^https?:\/\//.test(url))
      throw new WcFailure(errors.invalidParam('delivery_url', 'delivery_url is not a valid URL.'));
    const { gmt } = stamps(clock);
    const [resource = '', event = ''] = topic.split('.');
    const webhook: SandboxWebhook = {
      id: state.nextId(),
      name: typeof body.name === 'string' ? body.name : `Webhook created on ${gmt}`,
      status: body.status === 'paused' || body.status === 'disabled' ? body.status : 'active',
      topic,
      resource,
      event,
      delivery_url: url,
      secret:
        typeof body.secret === 'string' ? body.secret : Math.random().toString(36).repeat(3).slice(0, 50),
      failure_count: 0,
      date_created_gmt: gmt,
      date_modified_gmt: gmt,
    };
    state.webhooks.set(webhook.id, webhook);
    if (webhook.status === 'active') await deliverer.ping(webhook); // WooCommerce ignores the answer
    return { status: 201, body: webhookOut(webhook) };
  });
  const findWebhook = (id: string, status: 400 | 404) => {
    const webhook = state.webhooks.get(Number(id));
    if (!webhook) throw new WcFailure(wcError(status, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.'));
    return webhook;
  };
  route('GET', '/webhooks/:id', 'view', ({ params }) => ({ body: webhookOut(findWebhook(params.id!, 404)) }));
  route('PUT', '/webhooks/:id', 'edit', ({ params, body }) => {
    const webhook = findWebhook(params.id!, 400);
    if (body.status === 'active' || body.status === 'paused' || body.status === 'disabled') {
      webhook.status = body.status;
      if (body.status === 'active') webhook.failure_count = 0;
    }
    if (typeof body.delivery_url === 'string') webhook.delivery_url = body.delivery_url;
    if (typeof body.secret === 'string') webhook.secret = body.secret;
    if (typeof body.name === 'string') webhook.name = body.name;
    webhook.date_modified_gmt = stamps(clock).gmt;
    return { body: webhookOut(webhook) };
  });
  route('DELETE', '/webhooks/:id', 'delete', ({ params, query }) => {
    const webhook = findWebhook(params.id!, 404);
    if (!truthy(query.force)) {
      throw new WcFailure(
        wcError(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.'),
      );
    }
    state.webhooks.delete(webhook.id);
    return { body: webhookOut(webhook) };
  });

  // --- store settings and taxes ----------------------------------------------------------------
  route('GET', '/settings/:group', 'list', ({ params }) => {
    const group = state.settings.get(params.group!);
    if (!group)
      throw new WcFailure(wcError(404, 'rest_setting_setting_group_invalid', 'Invalid setting group.'));
    return { body: group };
  });
  route('GET', '/settings/:group/:id', 'view', ({ params }) => {
    const option = state.settings.get(params.group!)?.find((o) => o.id === params.id);
    if (!option) throw new WcFailure(wcError(404, 'rest_setting_setting_invalid', 'Invalid setting.'));
    return { body: option };
  });
  route('GET', '/taxes', 'list', ({ query }) =>
    paged(state.taxes, { order: 'asc', orderby: 'id', ...query }, '/taxes', (t) => t),
  );
  route('GET', '/taxes/classes', 'list', () => ({ body: state.taxClasses }));

  // --- the API pipeline: faults, auth, permissions, handler --------------------------------------
  for (const r of routes) {
    app.route({
      method: r.method as 'GET',
      url: `${API}${r.url}`,
      handler: async (request, reply) => {
        const path = request.url.split('?')[0]!.slice(API.length);
        const record = (status: number, auth: string) =>
          state.calls.push({
            method: r.method,
            route: `${r.method} ${r.url}`,
            path,
            query: request.url.split('?')[1] ?? '',
            status,
            auth,
          });
        const faultIndex = state.faults.findIndex((f) => !f.path || path.startsWith(f.path));
        const fault = faultIndex >= 0 ? state.faults.splice(faultIndex, 1)[0] : undefined;
        if (fault) {
          if (fault.kind === 'drop') {
            record(0, 'fault');
            reply.hijack();
            request.raw.socket.destroy();
            return;
          }
          if (fault.kind === 'delay') await sleep(fault.delayMs ?? 1000);
          if (fault.kind === '500') return (record(500, 'fault'), send(reply, errors.critical()));
          if (fault.kind === '503') {
            record(503, 'fault');
            return reply
              .code(503)
              .header('retry-after', '1')
              .type('text/html')
              .send('<h1>503 Service Unavailable</h1>');
          }
          if (fault.kind === '429') {
            record(429, 'fault');
            return reply
              .code(429)
              .header('retry-after', '1')
              .type('text/html')
              .send('<h1>429 Too Many Requests</h1>');
          }
        }
        const url = new URL(request.url, home);
        const auth = authenticate(state, transport, {
          method: r.method,
          baseUrl: `${home}${url.pathname}`,
          query: url.searchParams,
          ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
          now: clock.now(),
        });
        const fail = (error: WcError, how: string) => (record(error.status, how), send(reply, error));
        if (auth.kind === 'error') return fail(auth.error, 'error');
        if (auth.kind === 'anonymous') return fail(errors.cannot(r.kind), 'anonymous');
        const denied = permissionError(auth.key, r.method);
        if (denied) return fail(denied, auth.method);
        try {
          const result = await r.handler({
            request,
            params: request.params as Record<string, string>,
            query: Object.fromEntries(url.searchParams),
            body: (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Record<
              string,
              unknown
            >,
          });
          record(result.status ?? 200, auth.method);
          return reply
            .code(result.status ?? 200)
            .headers(result.headers ?? {})
            .send(result.body);
        } catch (error) {
          if (error instanceof WcFailure) return fail(error.error, auth.method);
          throw error;
        }
      },
    });
  }

  // the REST index WordPress serves at /wp-json/ (pretty permalinks) or /?rest_route=/ (always)
  const restIndex = () => ({
    name: 'Sandbox store',
    url: home,
    namespaces: ['oembed/1.0', 'wc/v3', 'wc/store/v1', 'wp/v2'],
  });
  if (options.permalinks === 'plain') {
    app.addHook('onRequest', async (request, reply) => {
      if (!request.url.startsWith('/wp-json')) return undefined;
      return reply.code(404).type('text/html').send('<html><body>Page not found</body></html>');
    });
  }
  app.get('/wp-json', async () => restIndex());
  app.get('/wp-json/', async () => restIndex());
  app.get('/', async (request, reply) => {
    if ((request.query as Query).rest_route === '/') return restIndex();
    return reply.code(200).type('text/html').send('<html><body>Sandbox store</body></html>');
  });

  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith(API)) return send(reply, errors.noRoute());
    return reply.code(404).send({ error: 'not found' });
  });

  // --- admin surface ------------------------------------------------------------------------------
  app.post('/__admin/seed', async (request) => {
    applySeed(state, (request.body ?? {}) as WooSeed, clock);
    return { orders: state.orders.size, products: state.products.size, variations: state.variations.size };
  });
  app.post('/__admin/checkout', async (request) => {
    const body = (request.body ?? {}) as { orders?: unknown[] };
    const placed = applyCheckouts(state, body.orders ?? [], clock);
    for (const order of placed.orders) deliverer.enqueue('order', 'created', order.id);
    productChanged(placed.touched);
    return { orders: placed.orders.map((o) => ({ id: o.id, status: o.status })) };
  });
  app.get('/__admin/state', async () => ({
    orders: [...state.orders.values()],
    products: [...state.products.values()],
    variations: [...state.variations.values()],
    refunds: Object.fromEntries(state.refunds),
    notes: Object.fromEntries(state.notes),
    webhooks: [...state.webhooks.values()].map(({ secret: _secret, ...w }) => w),
    deliveries: state.deliveries,
    calls: state.calls,
    callCounts: state.callCounts(),
    faults: state.faults,
  }));
  app.post('/__admin/faults', async (request) => {
    const body = (request.body ?? {}) as {
      kind?: FaultKind;
      count?: number;
      delayMs?: number;
      path?: string;
    };
    const kinds: FaultKind[] = ['500', '503', '429', 'delay', 'drop'];
    if (!body.kind || !kinds.includes(body.kind)) return { error: `kind must be one of ${kinds.join(', ')}` };
    const fault: Fault = {
      kind: body.kind,
      ...(body.delayMs !== undefined ? { delayMs: body.delayMs } : {}),
      ...(body.path ? { path: body.path } : {}),
    };
    for (let i = 0; i < (body.count ?? 1); i++) state.faults.push(fault);
    return { faults: state.faults };
  });
  app.post('/__admin/reset', async (request) => {
    const body = (request.body ?? {}) as { callsOnly?: boolean };
    if (body.callsOnly) {
      state.calls = [];
      state.deliveries = [];
      return { reset: 'calls' };
    }
    deliverer.close();
    state = new SandboxState(keys);
    defaultSettings(state);
    deliverer = newDeliverer();
    return { reset: 'all' };
  });
  app.post('/__admin/webhooks/flush', async () => ({ deliveries: await deliverer.flush() }));
  app.post('/__admin/webhooks/fire', async (request, reply) => {
    const body = (request.body ?? {}) as { webhookId?: number; topic?: string; resourceId?: number };
    const webhook = body.webhookId
      ? state.webhooks.get(body.webhookId)
      : [...state.webhooks.values()].find((w) => w.topic === (body.topic ?? 'order.updated'));
    if (!webhook) return reply.code(404).send({ error: 'no such webhook' });
    return { delivery: await deliverer.fire(webhook, Number(body.resourceId ?? 0)) };
  });

  applySeed(state, options.seed ?? {}, clock);
  const host = options.host ?? '127.0.0.1';
  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  home = `http://${host}:${port}`;
  return {
    url: home,
    get state() {
      return state;
    },
    async stop() {
      deliverer.close();
      await app.close();
    },
  };
}
