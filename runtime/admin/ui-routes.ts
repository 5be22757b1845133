/**
 * The admin API routes the admin page needs beyond tenants, toggles, runs and dead letters: live
 * connection checks and Fortnox consent, dry runs, an order's audit trail, health, the change log
 * and shop owners' users. Listed in ROUTES (routes.ts) like every other route.
 */
import type { RouteSpec } from './routes.ts';
import { component, DeadLetterSummarySchema, TenantParams, TenantPipelineParams } from './schemas.ts';

const string = { type: 'string' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
const integer = { type: 'integer' } as const;
const anyValue = {} as const;

const noticeSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { ...string, description: "Stable: the page words it in the reader's language." },
    message: { ...string, description: 'In English, for logs and API users.' },
    values: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

export const ConnectionCheckSchema = component('ConnectionCheck', {
  type: 'object',
  required: ['connection', 'connector', 'ok', 'account', 'problems', 'warnings', 'saved'],
  properties: {
    connection: string,
    connector: nullableString,
    ok: { type: 'boolean', description: 'The service answered a real call with these credentials.' },
    account: { ...nullableString, description: "The store's address or the Fortnox company's name." },
    problems: { type: 'array', items: noticeSchema, description: 'Why it does not work.' },
    warnings: { type: 'array', items: noticeSchema, description: 'It works, but look at these.' },
    saved: { type: 'boolean', description: 'The settings and secrets given were stored.' },
  },
});

const ConnectionParams = {
  type: 'object',
  required: ['tenant', 'connection'],
  properties: { tenant: string, connection: string },
} as const;

export const ConnectionCheckInputSchema = component('ConnectionCheckInput', {
  type: 'object',
  additionalProperties: false,
  properties: {
    settings: { type: 'object', additionalProperties: true, description: 'Tried over the stored ones.' },
    secrets: { type: 'object', additionalProperties: { type: 'string' }, description: 'Write-only.' },
    save: { type: 'boolean', description: 'Store settings and secrets when the check passes.' },
  },
});

export const ConsentStartSchema = component('ConsentStart', {
  type: 'object',
  additionalProperties: false,
  required: ['redirectUri'],
  properties: {
    redirectUri: { ...string, description: 'Where Fortnox sends the browser back (the admin page).' },
  },
});

export const ConsentUrlSchema = component('ConsentUrl', {
  type: 'object',
  required: ['url', 'state'],
  properties: { url: string, state: string },
});

export const ConsentCodeSchema = component('ConsentCode', {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'state'],
  properties: { code: string, state: string },
});

export const DryRunInputSchema = component('DryRunInput', {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 0, maximum: 200 },
    fromStart: { type: 'boolean', description: "Read from the start, not from the tenant's cursor." },
  },
});

export const DryRunSchema = component('DryRun', {
  type: 'object',
  required: ['tenant', 'pipeline', 'summary', 'records', 'refused'],
  properties: {
    tenant: string,
    pipeline: string,
    summary: { type: 'object', additionalProperties: true },
    refused: integer,
    records: {
      type: 'array',
      items: {
        type: 'object',
        required: ['key', 'calls'],
        properties: {
          key: string,
          failure: { type: 'object', properties: { step: string, message: string } },
          calls: {
            type: 'array',
            items: {
              type: 'object',
              required: ['step', 'uses', 'kind', 'input'],
              properties: {
                step: string,
                uses: string,
                kind: { type: 'string', enum: ['read', 'refused', 'ledger'] },
                input: anyValue,
              },
            },
          },
        },
      },
    },
  },
});

export const RecordQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['key'],
  properties: {
    key: { ...string, description: 'The record key, e.g. the WooCommerce order id.' },
    pipeline: string,
  },
} as const;

export const RecordTrailSchema = component('RecordTrail', {
  type: 'object',
  required: ['tenant', 'key', 'pipelines'],
  properties: {
    tenant: string,
    key: string,
    pipelines: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'pipeline',
          'effects',
          'deadLetters',
          'trace',
          'decisions',
          'traceFrom',
          'traceRun',
          'traceTruncated',
          'record',
        ],
        properties: {
          pipeline: string,
          record: { ...anyValue, description: 'The record as read (from its dead letter), or null.' },
          trace: {
            ...anyValue,
            description:
              "The rule trace (which rule decided what): the newest run's that kept the record (runs keep their last 20 records'), else its dead letter's, else null.",
          },
          decisions: {
            ...anyValue,
            description: "What the rules decided, when a run's trace is shown; or null.",
          },
          traceFrom: { type: ['string', 'null'], enum: ['run', 'failure', null] },
          traceRun: {
            type: ['object', 'null'],
            required: ['id', 'at', 'status'],
            description: 'The newest run that kept the record, and how the record went in it.',
            properties: {
              id: string,
              at: dateTime,
              status: { type: 'string', enum: ['processed', 'failed', 'retry'] },
            },
          },
          traceTruncated: {
            type: ['integer', 'null'],
            description: 'That run kept the record without its rule trace, which was this many bytes.',
          },
          effects: {
            type: 'array',
            items: {
              type: 'object',
              required: ['step', 'operation', 'attempt', 'state', 'at'],
              properties: {
                step: string,
                operation: string,
                attempt: integer,
                state: { type: 'string', enum: ['claimed', 'committed', 'failed'] },
                at: dateTime,
                remoteId: nullableString,
                link: {
                  ...nullableString,
                  description: 'The document in the service, when it has an address.',
                },
                document: { ...nullableString, description: 'What was made: "invoice 1001".' },
                error: nullableString,
                runId: nullableString,
              },
            },
          },
          deadLetters: { type: 'array', items: DeadLetterSummarySchema },
        },
      },
    },
  },
});

export const ActivityQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { pipeline: string, limit: { type: 'integer', minimum: 1, maximum: 200, default: 30 } },
} as const;

export const ActivitySchema = component('Activity', {
  type: 'object',
  required: ['runs'],
  properties: {
    runs: {
      type: 'array',
      items: {
        type: 'object',
        required: [
          'id',
          'pipeline',
          'trigger',
          'status',
          'startedAt',
          'durationMs',
          'counts',
          'apiCalls',
          'apiCallsFrom',
          'writes',
          'calls',
          'error',
        ],
        properties: {
          id: string,
          pipeline: string,
          trigger: string,
          status: string,
          startedAt: dateTime,
          durationMs: { type: ['integer', 'null'] },
          counts: { type: 'object', additionalProperties: { type: 'integer' } },
          apiCalls: {
            ...integer,
            description:
              'HTTP requests the run sent, all connections together; for a run that kept no per-connection counts (older runs, replays), the writes it made.',
          },
          apiCallsFrom: {
            type: 'string',
            enum: ['requests', 'writes'],
            description: 'What `apiCalls` counts.',
          },
          writes: { ...integer, description: 'Writes the run made (effects ledger attempts).' },
          calls: {
            type: 'array',
            description: 'Per connection, what the run spent on it; empty when the run kept no counts.',
            items: {
              type: 'object',
              required: ['connection', 'connector', 'requests', 'operations', 'pages', 'ms'],
              properties: {
                connection: string,
                connector: { ...nullableString, description: '`fortnox`, `woocommerce`, …' },
                requests: {
                  ...integer,
                  description: 'HTTP requests, token refreshes and retries included: what rate limits count.',
                },
                operations: { ...integer, description: 'Operation calls of the pipeline steps.' },
                pages: { ...integer, description: 'Source pages read.' },
                ms: { ...integer, description: 'Time spent waiting on the connection.' },
              },
            },
          },
          error: nullableString,
        },
      },
    },
  },
});

export const StockPointsSchema = component('StockPoints', {
  type: 'object',
  required: ['connection', 'stockPoints'],
  properties: {
    connection: string,
    stockPoints: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'name', 'active'],
        properties: { code: string, name: string, active: { type: 'boolean' } },
      },
    },
  },
});

export const HealthSchema = component('Health', {
  type: 'object',
  required: ['tenant', 'connections', 'pipelines', 'queue', 'rateLimits'],
  properties: {
    tenant: string,
    connections: {
      type: 'array',
      items: {
        type: 'object',
        required: ['connection', 'connector', 'ok', 'account', 'problem'],
        properties: {
          connection: string,
          connector: nullableString,
          ok: { type: 'boolean' },
          account: nullableString,
          problem: { ...nullableString, description: 'Notice code of the first problem.' },
        },
      },
    },
    pipelines: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pipeline', 'enabled', 'lastRunAt', 'lastStatus', 'lastSuccessAt', 'openDeadLetters'],
        properties: {
          pipeline: string,
          enabled: { type: 'boolean' },
          lastRunAt: nullableDateTime,
          lastStatus: nullableString,
          lastSuccessAt: nullableDateTime,
          openDeadLetters: integer,
        },
      },
    },
    queue: {
      type: 'object',
      required: ['due', 'running'],
      properties: {
        due: { ...integer, description: 'Runs due and waiting for a worker.' },
        running: integer,
      },
    },
    rateLimits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['connection', 'used', 'limit', 'windowMs'],
        properties: { connection: string, used: integer, limit: integer, windowMs: integer },
      },
    },
  },
});

export const ChangesSchema = component('Changes', {
  type: 'object',
  required: ['changes'],
  properties: {
    changes: {
      type: 'array',
      items: {
        type: 'object',
        required: ['revision', 'at', 'by', 'what'],
        properties: {
          revision: integer,
          at: dateTime,
          by: string,
          what: {
            type: 'array',
            items: {
              type: 'object',
              required: ['path'],
              properties: { path: string, before: anyValue, after: anyValue },
            },
          },
        },
      },
    },
  },
});

export const UserSchema = component('User', {
  type: 'object',
  required: ['username', 'tenant', 'createdAt', 'createdBy'],
  properties: { username: string, tenant: string, createdAt: dateTime, createdBy: string },
});

export const UserListSchema = component('UserList', {
  type: 'object',
  required: ['users'],
  properties: { users: { type: 'array', items: UserSchema } },
});

export const UserInputSchema = component('UserInput', {
  type: 'object',
  additionalProperties: false,
  required: ['username', 'password'],
  properties: { username: string, password: { ...string, minLength: 10, writeOnly: true } },
});

export const MeSchema = component('Me', {
  type: 'object',
  required: ['kind', 'name', 'tenant'],
  properties: {
    kind: { type: 'string', enum: ['operator', 'owner'] },
    name: string,
    tenant: { ...nullableString, description: "A shop owner's one tenant; null for an operator." },
  },
});

const tenantPath = '/tenants/{tenant}';
const connectionPath = `${tenantPath}/connections/{connection}`;

export const UI_ROUTES = [
  {
    operationId: 'getMe',
    method: 'GET',
    path: '/me',
    tag: 'meta',
    summary: 'Who calls: an operator (every tenant) or a shop owner (one tenant)',
    status: 200,
    response: MeSchema,
    responseDescription: 'The caller.',
  },
  {
    operationId: 'checkConnection',
    method: 'POST',
    path: `${connectionPath}/check`,
    tag: 'connections',
    summary: 'Test a connection with a live call; with `save`, store what passed',
    description:
      'WooCommerce: wrong key or secret, a plain-HTTP store that needs OAuth 1.0a, permalinks off. Fortnox: the company, Lager on or off, VAT codes, currencies and accounts the rules need.',
    params: ConnectionParams,
    body: ConnectionCheckInputSchema,
    status: 200,
    response: ConnectionCheckSchema,
    responseDescription: 'What the service answered, in notices with stable codes.',
  },
  {
    operationId: 'startConsent',
    method: 'POST',
    path: `${connectionPath}/consent`,
    tag: 'connections',
    summary: "Fortnox's consent address for this tenant (OAuth authorization-code flow)",
    params: ConnectionParams,
    body: ConsentStartSchema,
    status: 200,
    response: ConsentUrlSchema,
    responseDescription: 'Send the browser there; Fortnox sends it back to redirectUri with code and state.',
    conflicts: 'The connection has no Fortnox app (client id and secret) yet.',
  },
  {
    operationId: 'finishConsent',
    method: 'POST',
    path: `${connectionPath}/consent/code`,
    tag: 'connections',
    summary: 'Spend the code Fortnox sent back; the tokens are stored encrypted',
    params: ConnectionParams,
    body: ConsentCodeSchema,
    status: 200,
    response: ConnectionCheckSchema,
    responseDescription: 'The connection, checked with the new tokens.',
    conflicts: 'The state is unknown, used or expired, or belongs to another tenant.',
  },
  {
    operationId: 'dryRun',
    method: 'POST',
    path: `${tenantPath}/pipelines/{pipeline}/dry-run`,
    tag: 'pipelines',
    summary: 'A run that sends nothing: every payload it would send',
    params: TenantPipelineParams,
    body: DryRunInputSchema,
    status: 200,
    response: DryRunSchema,
    responseDescription: 'Per record, each call and its payload.',
  },
  {
    operationId: 'getRecordTrail',
    method: 'GET',
    path: `${tenantPath}/records`,
    tag: 'activity',
    summary: "One record's audit trail: documents made, rule trace, failures and retries",
    params: TenantParams,
    querystring: RecordQuery,
    status: 200,
    response: RecordTrailSchema,
    responseDescription: 'Per pipeline that handled the record.',
  },
  {
    operationId: 'getActivity',
    method: 'GET',
    path: `${tenantPath}/activity`,
    tag: 'activity',
    summary: 'Runs with counts, duration and API calls',
    params: TenantParams,
    querystring: ActivityQuery,
    status: 200,
    response: ActivitySchema,
    responseDescription: 'Newest first.',
  },
  {
    operationId: 'listStockPoints',
    method: 'GET',
    path: `${connectionPath}/stock-points`,
    tag: 'connections',
    summary: "The Fortnox Lager stock points, for the stock flow's choice",
    description: 'Asks Fortnox (`warehouse.stockPoints.list`), active and inactive ones.',
    params: ConnectionParams,
    status: 200,
    response: StockPointsSchema,
    responseDescription: 'Code, name and whether each is active.',
    conflicts: 'Fortnox did not answer the list: not connected, Lager off, or a refused token.',
  },
  {
    operationId: 'getHealth',
    method: 'GET',
    path: `${tenantPath}/health`,
    tag: 'activity',
    summary: 'Connections, last successful run per pipeline, queue depth, rate-limit use',
    params: TenantParams,
    status: 200,
    response: HealthSchema,
    responseDescription: 'The tenant now.',
  },
  {
    operationId: 'listChanges',
    method: 'GET',
    path: `${tenantPath}/changes`,
    tag: 'tenants',
    summary: "Who changed what and when: the tenant's stored revisions, newest first",
    params: TenantParams,
    status: 200,
    response: ChangesSchema,
    responseDescription: 'The last 20 changes; secrets show as changed, never their values.',
  },
  {
    operationId: 'listUsers',
    method: 'GET',
    path: `${tenantPath}/users`,
    tag: 'users',
    summary: "The tenant's users of the admin page",
    params: TenantParams,
    status: 200,
    response: UserListSchema,
    responseDescription: 'The users (never their passwords).',
  },
  {
    operationId: 'createUser',
    method: 'POST',
    path: `${tenantPath}/users`,
    tag: 'users',
    summary: 'Add a shop owner who signs in to the admin page and sees this tenant only (operators only)',
    params: TenantParams,
    body: UserInputSchema,
    status: 201,
    response: UserSchema,
    responseDescription: 'The user; the password is stored as a scrypt hash.',
    conflicts: 'A user with this name exists.',
  },
] as const satisfies readonly RouteSpec[];

export type UiOperationId = (typeof UI_ROUTES)[number]['operationId'];
