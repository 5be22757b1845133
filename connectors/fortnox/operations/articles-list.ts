import { defineOperation } from '../../../core/plugin-api/index.ts';
import {
  decimalsIn,
  formatLastModified,
  listAll,
  type ClientDeps,
  type FortnoxSettings,
} from '../client/index.ts';
import { schemaNamed } from '../client/numbers.ts';
import { DECIMAL_PATTERN, outputSchemaOf } from '../schemas/from-openapi.ts';
import { clientFactory, signalOf, type FortnoxObject } from './shared.ts';

export interface ArticlesListInput {
  /** Articles changed at or after this instant (sent as `lastmodified`, Swedish local time, to the minute). */
  readonly since?: string;
  readonly filter?: 'active' | 'inactive';
}

export interface ArticlesListOutput {
  readonly Articles: readonly FortnoxObject[];
}

export function articlesList(deps: ClientDeps) {
  const clientFor = clientFactory(deps);
  const item = outputSchemaOf(
    'fortnox_ArticleListItem',
    ['ArticleNumber'],
    'An article list item; quantities and prices as decimal strings.',
  );
  return defineOperation<ArticlesListInput, ArticlesListOutput, FortnoxSettings>({
    description:
      'Lists articles (all pages), optionally only those changed since an instant: stock (QuantityInStock, DisposableQuantity) and prices.',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      properties: {
        since: { type: 'string', format: 'date-time' },
        filter: { enum: ['active', 'inactive'] },
      },
    },
    outputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      required: ['Articles'],
      properties: { Articles: { type: 'array', items: item } },
      $comment: `decimals match ${DECIMAL_PATTERN}`,
    },
    idempotent: true,
    readOnly: true,
    examples: [
      {
        name: 'changed articles',
        description: 'A list item as in the recording articles/all (string-typed numbers normalized).',
        input: { since: '2023-01-30T08:00:00Z' },
        output: {
          Articles: [
            {
              ArticleNumber: '101',
              Description: 'Hammer',
              DisposableQuantity: '0',
              EAN: '',
              Housework: false,
              PurchasePrice: '0',
              QuantityInStock: '0',
              ReservedQuantity: '0',
              SalesPrice: null,
              StockPlace: '',
              StockValue: '0',
              Unit: null,
              VAT: null,
              WebshopArticle: false,
            },
          ],
        },
      },
    ],
    async run(ctx, input) {
      const items = await listAll<FortnoxObject>(clientFor(ctx), '/3/articles', 'Articles', {
        query: {
          ...(input.since ? { lastmodified: formatLastModified(input.since) } : {}),
          ...(input.filter ? { filter: input.filter } : {}),
        },
        ...signalOf(ctx),
      });
      const schema = schemaNamed('fortnox_ArticleListItem');
      // The list types several numbers as strings ("0") where the article itself has numbers: normalize all.
      const numeric = {
        ...schema,
        properties: Object.fromEntries(
          Object.entries(schema.properties ?? {}).map(([key, value]) => [
            key,
            [
              'DisposableQuantity',
              'PurchasePrice',
              'QuantityInStock',
              'ReservedQuantity',
              'SalesPrice',
              'StockValue',
              'VAT',
            ].includes(key)
              ? { type: 'number' }
              : value,
          ]),
        ),
      };
      return { Articles: items.map((article) => decimalsIn(article, numeric) as FortnoxObject) };
    },
  });
}
