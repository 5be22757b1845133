/**
 * HTTP JSON: a generic connector built only on Koppla's public plugin API (`koppla/plugin-api`).
 * It reads records from a paged JSON endpoint (`GET <recordsPath>?limit=&cursor=` answering
 * `{ data, cursor, hasMore }`) and posts JSON to any path of the same service. All HTTP goes
 * through `ctx.http`, which brings the tenant's request budget, recording, error classification
 * and secret scrubbing.
 */
import {
  ConnectorError,
  defineConnector,
  defineOperation,
  defineStream,
  type ConnectorContext,
  type HttpClient,
  type JsonValue,
} from 'koppla/plugin-api';
import { startHttpJsonSandbox, type JsonRecord } from './sandbox.ts';

export interface HttpJsonSettings {
  /** The service's base URL, e.g. `https://api.example.com/v1`. */
  readonly baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** Default `/records`. */
  readonly recordsPath?: string;
}

export interface PostInput {
  /** Where to post, under `baseUrl`: `/orders`. */
  readonly path: string;
  readonly body: Readonly<Record<string, JsonValue>>;
}

export interface PostOutput {
  readonly status: number;
  readonly body: JsonValue;
}

interface RecordsPage {
  readonly data: readonly JsonRecord[];
  readonly cursor: string;
  readonly hasMore: boolean;
}

function http(ctx: ConnectorContext<HttpJsonSettings>): HttpClient {
  if (!ctx.http)
    throw new Error('ctx.http is missing: call the connector through the Koppla runtime or koppla/testing');
  return ctx.http;
}

function authorization(settings: HttpJsonSettings): Record<string, string> {
  return settings.token ? { authorization: `Bearer ${settings.token}` } : {};
}

const url = (settings: HttpJsonSettings, path: string) => `${settings.baseUrl.replace(/\/$/, '')}${path}`;

export default defineConnector({
  meta: {
    id: 'http-json',
    name: 'HTTP JSON',
    version: '0.1.0',
    description: 'Any JSON service: records from a paged endpoint, JSON posted to any path.',
  },
  pluginApi: '^1.0.0',
  credentials: {
    type: 'object',
    additionalProperties: false,
    required: ['baseUrl'],
    properties: {
      baseUrl: { type: 'string', format: 'uri' },
      token: { type: 'string', 'x-secret': true },
      recordsPath: { type: 'string', pattern: '^/', default: '/records' },
    },
  },
  rateLimit: { requests: 10, perMs: 1000, scope: 'tenant' },
  errors: {
    unauthorized: { kind: 'auth', description: 'The bearer token is missing or wrong (401).' },
    invalid_body: { kind: 'validation', description: 'The posted body is not a JSON object (400).' },
  },
  streams: {
    records: defineStream<JsonRecord, HttpJsonSettings>({
      description: 'Records of the paged endpoint, oldest change first; the cursor is the service’s own.',
      recordSchema: {
        type: 'object',
        required: ['id', 'updatedAt'],
        properties: { id: { type: 'string' }, updatedAt: { type: 'string', format: 'date-time' } },
      },
      cursorField: 'updatedAt',
      async *read(ctx, params) {
        let cursor = params.cursor ?? '';
        for (;;) {
          const { body } = await http(ctx).request<RecordsPage>({
            url: url(ctx.settings, ctx.settings.recordsPath ?? '/records'),
            query: { limit: params.pageSize ?? 100, cursor: cursor || undefined },
            headers: authorization(ctx.settings),
          });
          if (!Array.isArray(body?.data) || typeof body.cursor !== 'string')
            throw new ConnectorError('unknown', 'the records endpoint answered without data and cursor', {
              code: 'bad_page',
            });
          cursor = body.cursor;
          yield { records: body.data, cursor };
          if (!body.hasMore) return;
        }
      },
    }),
  },
  operations: {
    'records.post': defineOperation<PostInput, PostOutput, HttpJsonSettings>({
      description:
        'Posts a JSON object to a path of the service. Sends the effects-ledger key as Idempotency-Key, so a retried post is not stored twice by services that honour it.',
      inputSchema: {
        type: 'object',
        additionalProperties: false,
        required: ['path', 'body'],
        properties: { path: { type: 'string', pattern: '^/' }, body: { type: 'object' } },
      },
      outputSchema: {
        type: 'object',
        required: ['status', 'body'],
        properties: { status: { type: 'integer' }, body: true },
      },
      examples: [
        {
          name: 'an order',
          input: { path: '/orders', body: { orderId: '1001', total: '125.00' } },
          output: { status: 201, body: { id: '1', orderId: '1001', total: '125.00' } },
        },
      ],
      idempotent: false,
      async run(ctx, input) {
        const response = await http(ctx).request<JsonValue>({
          method: 'POST',
          url: url(ctx.settings, input.path),
          json: input.body,
          headers: {
            ...authorization(ctx.settings),
            ...(ctx.idempotencyKey ? { 'idempotency-key': ctx.idempotencyKey } : {}),
          },
        });
        return { status: response.status, body: response.body };
      },
    }),
  },
  sandbox: { start: (options) => startHttpJsonSandbox(options) },
  async checkConnection(ctx) {
    const settings = ctx.settings as HttpJsonSettings;
    await http(ctx as ConnectorContext<HttpJsonSettings>).request({
      url: url(settings, settings.recordsPath ?? '/records'),
      query: { limit: 1 },
      headers: authorization(settings),
    });
  },
});
