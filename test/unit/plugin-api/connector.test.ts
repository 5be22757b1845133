import type { StreamPage } from '../../../core/plugin-api/index.ts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { Customer } from '../../../core/model/index.ts';
import {
  defineConnector,
  defineOperation,
  type ConnectorDefinition,
  type Logger,
  type OperationContext,
} from '../../../core/plugin-api/index.ts';
import {
  fakebooks,
  remote,
  type CreateCustomerInput,
  type FakebooksCustomer,
  type FakebooksSettings,
} from './fake-connector.ts';

function context(): OperationContext<FakebooksSettings> & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return {
    tenantId: 'acme',
    settings: { baseUrl: 'https://books.example.test', apiKey: 'sk_live_123456' },
    signal: new AbortController().signal,
    logger,
    lines,
  };
}

describe('defineConnector', () => {
  it('returns the declaration itself, frozen down to its schemas and examples', () => {
    const create = fakebooks.operations['customers.create'];
    expect(Object.isFrozen(fakebooks)).toBe(true);
    expect(Object.isFrozen(fakebooks.operations)).toBe(true);
    expect(Object.isFrozen(create)).toBe(true);
    expect(Object.isFrozen(create.inputSchema)).toBe(true);
    expect(Object.isFrozen(create.examples[0]?.input)).toBe(true);
    expect(Object.isFrozen(fakebooks.credentials.properties)).toBe(true);
    expect(() => {
      (fakebooks.meta as { version: string }).version = '9.9.9';
    }).toThrow(TypeError);
  });

  it('keeps the exact types of operations and streams', () => {
    const create = fakebooks.operations['customers.create'];
    expectTypeOf(create.run).parameter(1).toEqualTypeOf<CreateCustomerInput>();
    expectTypeOf(create.run).returns.resolves.toEqualTypeOf<FakebooksCustomer>();
    expectTypeOf(fakebooks.operations.ping.run).parameter(1).toEqualTypeOf<{ message: string }>();
    expectTypeOf(fakebooks.streams.customers.read).returns.toEqualTypeOf<
      AsyncIterable<StreamPage<Customer>>
    >();
    expectTypeOf(fakebooks).toExtend<ConnectorDefinition>();

    const ctx = context();
    // @ts-expect-error Email is missing: the input type of customers.create is enforced
    void create.run(ctx, { Name: 'Eva Ek' });
    // @ts-expect-error ping takes { message: string }, not a number
    void fakebooks.operations.ping.run(ctx, { message: 42 });
    // @ts-expect-error there is no such operation
    void fakebooks.operations['customers.delete'];
  });

  it('checks examples against the operation types', () => {
    defineOperation<CreateCustomerInput, FakebooksCustomer>({
      description: 'x',
      inputSchema: true,
      outputSchema: true,
      examples: [
        {
          name: 'bad',
          input: { Name: 'A', Email: 'a@b.c' },
          // @ts-expect-error the example output lacks CustomerNumber
          output: { Name: 'A', Email: 'a@b.c' },
        },
      ],
      idempotent: false,
      run: async (_ctx, input) => ({ CustomerNumber: '1', ...input }),
    });
  });

  it('runs operations and their lookup with a runtime context', async () => {
    remote.clear();
    const ctx = context();
    const create = fakebooks.operations['customers.create'];
    expect(await create.lookup?.(ctx, { Name: 'Eva Ek', Email: 'eva@example.test' })).toBeUndefined();
    const created = await create.run(ctx, { Name: 'Eva Ek', Email: 'eva@example.test' });
    expect(created).toEqual({ CustomerNumber: '1', Name: 'Eva Ek', Email: 'eva@example.test' });
    expect(await create.lookup?.(ctx, { Name: 'Eva', Email: 'eva@example.test' })).toEqual(created);
    expect(ctx.lines).toEqual(['info customer created']);
    expect(await fakebooks.operations.ping.run(ctx, { message: 'hi' })).toEqual({ reply: 'pong: hi' });
  });

  it('reads a stream page by page and resumes from a cursor', async () => {
    remote.clear();
    const ctx = context();
    for (const name of ['A', 'B', 'C']) {
      await fakebooks.operations['customers.create'].run(ctx, { Name: name, Email: `${name}@example.test` });
    }
    const pages: { ids: string[]; cursor: string }[] = [];
    for await (const page of fakebooks.streams.customers.read(ctx, {})) {
      pages.push({ ids: page.records.map((record) => record.id), cursor: page.cursor });
    }
    expect(pages).toEqual([
      { ids: ['1', '2'], cursor: '2' },
      { ids: ['3'], cursor: '3' },
    ]);
    const resumed: string[] = [];
    for await (const page of fakebooks.streams.customers.read(ctx, { cursor: '2', pageSize: 10 })) {
      resumed.push(...page.records.map((record) => record.id));
    }
    expect(resumed).toEqual(['3']);
  });

  it('checks a connection with its own settings type', async () => {
    await expect(fakebooks.checkConnection(context())).resolves.toBeUndefined();
    const wrongKey = { ...context(), settings: { baseUrl: 'https://books.example.test', apiKey: 'pk_oops' } };
    await expect(fakebooks.checkConnection(wrongKey)).rejects.toMatchObject({
      kind: 'auth',
      message: 'the API key is not a Fakebooks key',
    });
  });

  it('starts its sandbox', async () => {
    const sandbox = await fakebooks.sandbox.start();
    expect(sandbox.url).toBe('memory://fakebooks');
    await sandbox.stop();
  });

  it('refuses a broken declaration, listing every problem', () => {
    const broken = {
      meta: { id: 'Fake_Books', name: 'Fake', version: 'v1', description: 'x' },
      credentials: { type: 'string' },
      rateLimit: { requests: 0, perMs: 5000, scope: 'tenant' },
      streams: { 'customer-list': { description: 'x', recordSchema: true, cursorField: '' } },
      operations: {
        'customers/create': {
          description: 'x',
          inputSchema: true,
          outputSchema: true,
          examples: [],
          idempotent: false,
          run: async () => ({}),
        },
      },
    } as unknown as ConnectorDefinition;
    let message = '';
    try {
      defineConnector(broken);
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      message = (error as Error).message;
    }
    expect(message.startsWith('defineConnector(Fake_Books): ')).toBe(true);
    for (const problem of [
      'meta.id "Fake_Books" is not lower-case kebab case',
      'meta.version "v1" is not a semantic version',
      'credentials must be a JSON Schema with type "object"',
      'rateLimit.requests and rateLimit.perMs must be positive integers',
      'stream name "customer-list" must match',
      'stream "customer-list" has no read()',
      'stream "customer-list" has no cursorField',
      'operation name "customers/create" must match',
      'operation "customers/create" needs at least one example',
    ]) {
      expect(message).toContain(problem);
    }
  });

  it('refuses two examples with the same name', () => {
    const example = { name: 'same', input: {}, output: {} };
    expect(() =>
      defineConnector({
        meta: { id: 'dup', name: 'Dup', version: '1.0.0', description: 'x' },
        credentials: { type: 'object' },
        streams: {},
        operations: {
          op: {
            description: 'x',
            inputSchema: true,
            outputSchema: true,
            examples: [example, example],
            idempotent: true,
            run: async () => ({}),
          },
        },
      }),
    ).toThrow('operation "op" has two examples with the same name');
  });
});
