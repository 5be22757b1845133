import {
  defineOperation,
  type JsonSchemaObject,
  type OperationExample,
} from '../../../core/plugin-api/index.ts';
import {
  decimalsIn,
  formatLastModified,
  listPages,
  type ClientDeps,
  type FortnoxSettings,
} from '../client/index.ts';
import { schemaNamed } from '../client/numbers.ts';
import { outputSchemaOf } from '../schemas/from-openapi.ts';
import { SCHEMA_DIALECT, clientFactory, signalOf, type FortnoxObject } from './shared.ts';

/** What a list operation takes: Fortnox's own query parameters, plus `since` and a cap. */
export interface ListInput {
  /** Changed at or after this instant (sent as `lastmodified`, Swedish local time, to the minute). */
  readonly since?: string;
  readonly filter?: string;
  /** Stop after this many items (default: all pages). */
  readonly maxItems?: number;
  readonly [parameter: string]: string | number | boolean | undefined;
}

export type ListOutput = Readonly<Record<string, readonly FortnoxObject[]>>;

export interface ListSpec {
  readonly description: string;
  readonly path: string;
  /** The array's key in Fortnox's answer and in the output: `Invoices`. */
  readonly listKey: string;
  /** The OpenAPI schema of one item. */
  readonly itemSchema: string;
  readonly itemRequired: readonly string[];
  /** `filter=` values (OpenAPI). */
  readonly filters?: readonly string[];
  /** Search parameters passed through as given (Fortnox matches most by substring). */
  readonly searches?: readonly string[];
  /** Whether `lastmodified` applies (registers such as currencies have none). */
  readonly since?: boolean;
  /** List fields Fortnox sends as numeric strings where the item schema says `string`: decimals too. */
  readonly numericFields?: readonly string[];
  readonly examples: readonly OperationExample<ListInput, ListOutput>[];
}

/**
 * A read operation over a Fortnox list: all pages (500 per request), optionally only what changed
 * since an instant, one `filter`, and the search parameters the OpenAPI document lists. Items are
 * list items (a reduced field set) with amounts as decimal strings.
 */
export function listOperation(deps: ClientDeps, spec: ListSpec) {
  const clientFor = clientFactory(deps);
  const properties: Record<string, JsonSchemaObject> = {
    maxItems: { type: 'integer', minimum: 1 },
  };
  if (spec.since !== false) properties.since = { type: 'string', format: 'date-time' };
  if (spec.filters && spec.filters.length > 0) properties.filter = { enum: [...spec.filters] };
  for (const search of spec.searches ?? []) properties[search] = { type: 'string', minLength: 1 };
  const itemSchema = schemaNamed(spec.itemSchema);
  const numericItem =
    spec.numericFields && spec.numericFields.length > 0
      ? {
          ...itemSchema,
          properties: Object.fromEntries(
            Object.entries(itemSchema.properties ?? {}).map(([key, value]) => [
              key,
              spec.numericFields?.includes(key) ? { type: 'number' } : value,
            ]),
          ),
        }
      : itemSchema;
  return defineOperation<ListInput, ListOutput, FortnoxSettings>({
    description: spec.description,
    inputSchema: { $schema: SCHEMA_DIALECT, type: 'object', additionalProperties: false, properties },
    outputSchema: {
      $schema: SCHEMA_DIALECT,
      type: 'object',
      required: [spec.listKey],
      properties: {
        [spec.listKey]: {
          type: 'array',
          items: outputSchemaOf(spec.itemSchema, spec.itemRequired, `One of ${spec.listKey}.`),
        },
      },
    },
    idempotent: true,
    readOnly: true,
    examples: spec.examples,
    async run(ctx, input) {
      const query: Record<string, string | undefined> = {};
      if (input.since) query.lastmodified = formatLastModified(input.since);
      if (input.filter) query.filter = input.filter;
      for (const search of spec.searches ?? []) {
        const value = input[search];
        if (value !== undefined) query[search] = String(value);
      }
      const items: FortnoxObject[] = [];
      const max = input.maxItems ?? Number.POSITIVE_INFINITY;
      for await (const page of listPages<FortnoxObject>(clientFor(ctx), spec.path, spec.listKey, {
        query,
        ...(max < 500 ? { limit: max } : {}),
        ...signalOf(ctx),
      })) {
        for (const item of page.items) {
          if (items.length >= max) break;
          items.push(decimalsIn(item, numericItem) as FortnoxObject);
        }
        if (items.length >= max) break;
      }
      return { [spec.listKey]: items };
    },
  });
}
