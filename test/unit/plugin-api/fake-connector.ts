/**
 * A tiny connector for the plugin API tests: an in-memory "Fakebooks" with one stream and two
 * operations, written the way a real connector would be.
 */
import { MODEL_SCHEMA_IDS, type Customer } from '../../../core/model/index.ts';
import {
  AuthError,
  ConflictError,
  defineConnector,
  defineOperation,
  defineStream,
  type ConnectorContext,
  type OperationContext,
} from '../../../core/plugin-api/index.ts';

export interface FakebooksSettings {
  readonly baseUrl: string;
  readonly apiKey: string;
}

export interface CreateCustomerInput {
  readonly Name: string;
  readonly Email: string;
}

export interface FakebooksCustomer {
  readonly CustomerNumber: string;
  readonly Name: string;
  readonly Email: string;
}

/** The remote system: customers by number. Tests reset it. */
export const remote = new Map<string, FakebooksCustomer>();

const customersCreate = defineOperation<CreateCustomerInput, FakebooksCustomer, FakebooksSettings>({
  description: 'Creates a customer.',
  inputSchema: {
    type: 'object',
    additionalProperties: false,
    required: ['Name', 'Email'],
    properties: { Name: { type: 'string' }, Email: { type: 'string' } },
  },
  outputSchema: {
    type: 'object',
    required: ['CustomerNumber'],
    properties: { CustomerNumber: { type: 'string' }, Name: { type: 'string' }, Email: { type: 'string' } },
  },
  examples: [
    {
      name: 'private customer',
      input: { Name: 'Eva Ek', Email: 'eva@example.test' },
      output: { CustomerNumber: '1', Name: 'Eva Ek', Email: 'eva@example.test' },
    },
  ],
  idempotent: false,
  async lookup(_ctx, input) {
    return [...remote.values()].find((customer) => customer.Email === input.Email);
  },
  async run(ctx, input) {
    if ([...remote.values()].some((customer) => customer.Email === input.Email)) {
      throw new ConflictError(`customer ${input.Email} exists (key ${ctx.settings.apiKey})`, {
        code: '2000637',
        field: 'Customer.Email',
        secrets: [ctx.settings.apiKey],
      });
    }
    const created = { CustomerNumber: String(remote.size + 1), ...input };
    remote.set(created.CustomerNumber, created);
    ctx.logger.info('customer created', { customerNumber: created.CustomerNumber });
    return created;
  },
});

export const fakebooks = defineConnector({
  meta: {
    id: 'fakebooks',
    name: 'Fakebooks',
    version: '0.1.0',
    description: 'An in-memory ledger for tests.',
    docsUrl: 'https://koppla.dev/connectors/fakebooks',
  },
  credentials: {
    type: 'object',
    additionalProperties: false,
    required: ['baseUrl', 'apiKey'],
    properties: {
      baseUrl: { type: 'string', format: 'uri' },
      apiKey: { type: 'string', 'x-secret': true },
    },
  },
  rateLimit: { requests: 25, perMs: 5000, scope: 'tenant' },
  streams: {
    customers: defineStream<Customer, FakebooksSettings>({
      description: 'Customers, oldest change first.',
      recordSchema: { $ref: MODEL_SCHEMA_IDS.customer },
      cursorField: 'modifiedAt',
      async *read(_ctx, { cursor, pageSize = 2 }) {
        const all = [...remote.values()].sort((a, b) => Number(a.CustomerNumber) - Number(b.CustomerNumber));
        let offset = cursor === undefined ? 0 : Number(cursor);
        while (offset < all.length) {
          const page = all.slice(offset, offset + pageSize);
          offset += page.length;
          yield {
            records: page.map((customer): Customer => ({
              id: customer.CustomerNumber,
              source: { connector: 'fakebooks', storeId: 'test' },
              email: customer.Email,
              name: customer.Name,
              isBusiness: false,
            })),
            cursor: String(offset),
          };
        }
      },
    }),
  },
  operations: {
    'customers.create': customersCreate,
    // Written inline, without defineOperation: the annotations alone carry the types.
    ping: {
      description: 'Answers pong.',
      inputSchema: { type: 'object', properties: { message: { type: 'string' } } },
      outputSchema: { type: 'object', properties: { reply: { type: 'string' } } },
      examples: [{ name: 'ping', input: { message: 'hi' }, output: { reply: 'pong: hi' } }],
      idempotent: true,
      async run(_ctx: OperationContext<FakebooksSettings>, input: { message: string }) {
        return { reply: `pong: ${input.message}` };
      },
    },
  },
  sandbox: {
    async start() {
      return { url: 'memory://fakebooks', stop: async () => remote.clear() };
    },
  },
  async checkConnection(ctx: ConnectorContext<FakebooksSettings>) {
    if (!ctx.settings.apiKey.startsWith('sk_')) {
      throw new AuthError('the API key is not a Fakebooks key', { secrets: [ctx.settings.apiKey] });
    }
  },
});
