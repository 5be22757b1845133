import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelSchemas } from '../core/model/index.ts';
import {
  CONNECTOR_ERROR_KINDS,
  DEFAULT_PLUGIN_API_RANGE,
  PLUGIN_API_VERSION,
  isConnectorError,
  satisfies,
  type ConnectorDefinition,
  type ConnectorErrorKind,
  type JsonSchema,
  type SandboxDefinition,
  type StreamPage,
  type StreamReadParams,
} from '../core/plugin-api/index.ts';
import { connectorDeclarationProblems } from '../runtime/plugins/index.ts';
import { startContractTarget, type ContractTarget } from './contract-target.ts';
import type { ProxyFault } from './recording-proxy.ts';

// ajv-formats is CommonJS: under ESM its function is the `default` of the imported module
const addFormats = addFormatsModule.default;

export interface ConnectorContractOptions<S extends object = Record<string, unknown>> {
  /**
   * The connection settings for a service at `url`: the kit puts a recording proxy in front of the
   * sandbox and hands you its URL. Use the sandbox's test credentials.
   */
  readonly credentials: (url: string) => S;
  /** The fake service; default: the connector's own `sandbox`. */
  readonly sandbox?: SandboxDefinition;
  /** Passed to `sandbox.start({ seed })`: give the streams something to read. */
  readonly seed?: unknown;
  /**
   * Requests that authenticate rather than change anything, matched against `"METHOD /path?query"`
   * (an OAuth token refresh: `/^POST \/oauth-v1\/token/`); a dry run may send them.
   */
  readonly authRequests?: readonly RegExp[];
  /** The `pageSize` hint for stream reads, small so the sandbox's data spans pages. Default 2. */
  readonly pageSize?: number;
  /** A stream that yields more pages than this is called endless. Default 1 000. */
  readonly maxPages?: number;
  /**
   * Run operations' examples against the sandbox and check each answer against `outputSchema`:
   * `true` for all, or the operation names. Default: none (an example may need remote state the
   * sandbox does not have, such as an existing customer).
   */
  readonly runExamples?: boolean | readonly string[];
  /** Per test, the sandbox calls included. Default 30 000 ms. */
  readonly timeoutMs?: number;
}

/** The faults every connector must classify, and the kind each must become. */
const FAULTS: readonly { name: string; fault: ProxyFault; kind: ConnectorErrorKind }[] = [
  { name: '401 Unauthorized', fault: { status: 401 }, kind: 'auth' },
  { name: '503 Service Unavailable', fault: { status: 503 }, kind: 'transient' },
  {
    name: '429 Too Many Requests',
    fault: { status: 429, headers: { 'retry-after': '0' } },
    kind: 'rate_limited',
  },
  { name: 'a dropped connection', fault: { drop: true }, kind: 'transient' },
];

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The contract every Koppla connector passes, as a vitest suite: call it at the top level of a test
 * file. It checks the declaration (valid manifest, plugin API, schemas and examples), then runs the
 * connector against its sandbox behind a recording proxy: streams page to an end and emit records
 * that fit their schema; 401, 503, 429 and dropped connections become classified errors (auth,
 * transient, rate_limited); a dry run (streams, `checkConnection`, lookups) sends no writes; and no
 * secret of the settings reaches a log line, an error or a recorded request — even when the
 * service echoes the request back.
 */
export function describeConnectorContract<S extends object>(
  connector: ConnectorDefinition,
  options: ConnectorContractOptions<S>,
): void {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const pageSize = options.pageSize ?? 2;
  const maxPages = options.maxPages ?? 1_000;
  const id = connector.meta?.id ?? '?';

  describe(`connector contract: ${id}`, () => {
    describe('declaration', () => {
      it(`is written for a plugin API that includes ${PLUGIN_API_VERSION}`, () => {
        expect(satisfies(PLUGIN_API_VERSION, connector.pluginApi ?? DEFAULT_PLUGIN_API_RANGE)).toBe(true);
      });

      it('has a valid manifest: names, versions, schemas that compile, examples that fit them', () => {
        expect(connectorDeclarationProblems(connector)).toEqual([]);
      });

      for (const [name, operation] of Object.entries(connector.operations ?? {})) {
        it(`operation ${name}: has input and output schemas and at least one example`, () => {
          expect(isSpecific(operation.inputSchema), 'inputSchema says something').toBe(true);
          expect(isSpecific(operation.outputSchema), 'outputSchema says something').toBe(true);
          expect(operation.examples.length).toBeGreaterThan(0);
          expect(operation.description).not.toBe('');
        });
      }

      for (const [code, declared] of Object.entries(connector.errors ?? {})) {
        it(`error ${code}: is declared with a known kind`, () => {
          expect(CONNECTOR_ERROR_KINDS).toContain(declared.kind);
        });
      }
    });

    describe('against its sandbox', () => {
      let target: ContractTarget;
      beforeAll(async () => {
        const sandbox = options.sandbox ?? connector.sandbox;
        if (!sandbox) throw new Error(`${id} has no sandbox: give one as options.sandbox`);
        target = await startContractTarget(connector, sandbox, {
          credentials: options.credentials,
          timeoutMs,
          ...(options.seed === undefined ? {} : { seed: options.seed }),
        });
      }, timeoutMs);
      afterAll(async () => target?.stop());

      const params: StreamReadParams = { pageSize };

      for (const [name, stream] of Object.entries(connector.streams ?? {})) {
        it(
          `stream ${name}: pages to an end, with cursors, records that fit recordSchema, and ends again from its last cursor`,
          async () => {
            const first = await readAll(target, name, params, maxPages);
            expect(first.pages.length, `${name} yielded more than ${maxPages} pages`).toBeLessThanOrEqual(
              maxPages,
            );
            expect(first.ended).toBe(true);
            const validate = recordValidator(stream.recordSchema);
            for (const page of first.pages) {
              expect(Array.isArray(page.records)).toBe(true);
              expect(typeof page.cursor).toBe('string');
              for (const record of page.records) {
                expect(validate(record), JSON.stringify(validate.errors)).toBe(true);
              }
            }
            const last = first.pages.at(-1)?.cursor;
            const again = await readAll(target, name, last ? { ...params, cursor: last } : params, maxPages);
            expect(again.ended).toBe(true);
          },
          timeoutMs,
        );
      }

      for (const { name, fault, kind } of FAULTS) {
        it(
          `classifies ${name} as ${kind}`,
          async (context) => {
            const probe = probeFor(connector);
            if (!probe) {
              context.skip(`${id} has no stream, checkConnection or lookup to probe with`);
              return;
            }
            target.proxy.fault(fault);
            try {
              const error = await probe(target).then(
                () => undefined,
                (e: unknown) => e,
              );
              expect(error, `${probe.label} succeeded although every request failed`).toBeDefined();
              expect(
                isConnectorError(error),
                `${probe.label} threw ${String(error)}, not a ConnectorError`,
              ).toBe(true);
              expect((error as { kind: string }).kind).toBe(kind);
            } finally {
              target.proxy.fault(undefined);
            }
          },
          timeoutMs,
        );
      }

      it(
        'sends no writes in a dry run: streams, checkConnection, lookups and read-only operations only read',
        async () => {
          const before = target.proxy.requests.length;
          const ctx = () => target.context();
          for (const name of Object.keys(target.dryRun.streams)) {
            await readAll(target, name, params, 3, target.dryRun);
          }
          await target.dryRun.checkConnection?.(ctx());
          for (const [name, operation] of Object.entries(target.dryRun.operations)) {
            // lookups, and operations that declare they only read, run for real in a dry run
            const calls = [
              ...(operation.lookup ? [{ label: `${name} lookup`, call: operation.lookup }] : []),
              ...('readOnly' in operation && operation.readOnly === true
                ? [{ label: name, call: operation.run }]
                : []),
            ];
            for (const { label, call } of calls) {
              for (const example of operation.examples) {
                // it may find nothing or fail; what matters is that it only reads
                await call.call(operation, ctx(), example.input).catch((error: unknown) => {
                  if (isConnectorError(error) && error.code === 'dry_run') throw error;
                  expect(isConnectorError(error), `${label} threw ${String(error)}`).toBe(true);
                });
              }
            }
          }
          const writes = target.proxy.requests
            .slice(before)
            .filter((r) => !READ_METHODS.has(r.method))
            .filter(
              (r) => !(options.authRequests ?? []).some((pattern) => pattern.test(`${r.method} ${r.url}`)),
            );
          expect(writes).toEqual([]);
        },
        timeoutMs,
      );

      const runnable = Object.keys(connector.operations ?? {}).filter((name) =>
        Array.isArray(options.runExamples)
          ? options.runExamples.includes(name)
          : options.runExamples === true,
      );
      for (const name of runnable) {
        it(
          `operation ${name}: its examples run against the sandbox and answer what outputSchema says`,
          async () => {
            const operation = target.connector.operations[name]!;
            const validate = recordValidator(operation.outputSchema);
            for (const example of operation.examples) {
              const output = await operation.run(target.context(), example.input);
              expect(validate(output), `${example.name}: ${JSON.stringify(validate.errors)}`).toBe(true);
            }
          },
          timeoutMs,
        );
      }

      it(
        'never puts a secret in a log line, an error or a recorded request, even when the service echoes it',
        async () => {
          expect(target.secrets.length, 'the settings have secrets (x-secret) to look for').toBeGreaterThan(
            0,
          );
          const errors: unknown[] = [];
          const probe = probeFor(connector);
          for (const { fault } of [{ fault: undefined }, ...FAULTS.slice(0, 2)]) {
            target.proxy.fault(fault);
            try {
              if (probe) await probe(target).catch((e: unknown) => void errors.push(e));
              await target.connector
                .checkConnection?.(target.context())
                .catch((e: unknown) => void errors.push(e));
            } finally {
              target.proxy.fault(undefined);
            }
          }
          const seen = [
            ...target.logs.map((line) => `${line.message} ${safeJson(line.fields)}`),
            ...errors.map(describeError),
            ...target.exchanges.map((exchange) => exchange.url),
          ].join('\n');
          for (const secret of target.secrets) {
            for (const form of [secret, encodeURIComponent(secret)]) expect(seen).not.toContain(form);
          }
        },
        timeoutMs,
      );
    });
  });
}

/** A schema that constrains something: not `true`, not `{}`. */
function isSpecific(schema: JsonSchema): boolean {
  return typeof schema === 'object' && schema !== null && Object.keys(schema).length > 0;
}

type Probe = ((target: ContractTarget) => Promise<unknown>) & { label: string };

/** The cheapest call that reaches the service: a stream's first page, else checkConnection, else a lookup. */
function probeFor(connector: ConnectorDefinition): Probe | undefined {
  const label = (text: string, call: (target: ContractTarget) => Promise<unknown>): Probe =>
    Object.assign(call, { label: text });
  const stream = Object.keys(connector.streams ?? {})[0];
  if (stream !== undefined)
    return label(`reading stream ${stream}`, async (target) => {
      const pages = target.connector.streams[stream]!.read(target.context(), { pageSize: 2 });
      for await (const page of pages) return page;
      return undefined;
    });
  if (connector.checkConnection)
    return label('checkConnection', (target) => target.connector.checkConnection!(target.context()));
  const withLookup = Object.entries(connector.operations ?? {}).find(([, operation]) => operation.lookup);
  if (withLookup) {
    const [name, operation] = withLookup;
    return label(`the lookup of ${name}`, (target) =>
      target.connector.operations[name]!.lookup!(target.context(), operation.examples[0]?.input),
    );
  }
  return undefined;
}

async function readAll(
  target: ContractTarget,
  stream: string,
  params: StreamReadParams,
  maxPages: number,
  connector: ConnectorDefinition = target.connector,
): Promise<{ pages: StreamPage<unknown>[]; ended: boolean }> {
  const pages: StreamPage<unknown>[] = [];
  for await (const page of connector.streams[stream]!.read(target.context(), params)) {
    pages.push(page);
    if (pages.length > maxPages) return { pages, ended: false };
  }
  return { pages, ended: true };
}

function recordValidator(schema: JsonSchema): ValidateFunction {
  const ajv = new Ajv2020({ allErrors: true, strict: false, logger: false });
  addFormats(ajv);
  ajv.addSchema([...modelSchemas]);
  return ajv.compile(schema as object);
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return safeJson(error);
  const parts = [error.message, error.stack ?? '', safeJson(error)];
  for (let cause: unknown = error.cause, depth = 0; cause !== undefined && depth < 5; depth++) {
    parts.push(cause instanceof Error ? `${cause.message} ${cause.stack ?? ''}` : safeJson(cause));
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  return parts.join(' ');
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return String(value);
  }
}
