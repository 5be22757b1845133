/**
 * Regenerates `openapi-subset.json` from Fortnox's own OpenAPI document (the copy in
 * `../shared/fortnox-reference/openapi.json`, see its README for provenance). Only the schemas the
 * connector and the sandbox use are kept, with everything they reference, so the repository does
 * not carry the whole 1 MB document.
 *
 *   npx tsx connectors/fortnox/spec/extract.ts [path/to/openapi.json]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOTS = [
  'fortnox_Customer_Wrap',
  'fortnox_CustomerListItem_List',
  'fortnox_Article_Wrap',
  'fortnox_ArticleListItem_List',
  'fortnox_Order_Wrap',
  'fortnox_OrderListItem_List',
  'fortnox_Invoice_Wrap',
  'fortnox_InvoicePayload_Wrap',
  'fortnox_InvoiceListItem_Wrap',
  'fortnox_InvoicePayment_Wrap',
  'fortnox_InvoicePaymentListItem_List',
  'fortnox_Currency_Wrap',
  'fortnox_Currency_List',
  'fortnox_ModeOfPayment_Wrap',
  'fortnox_ModeOfPayment_List',
  'fortnox_TermsOfPayment_Wrap',
  'fortnox_TermsOfPayment_List',
  'fortnox_WayOfDelivery_Wrap',
  'fortnox_WayOfDelivery_List',
  'fortnox_TermsOfDelivery_Wrap',
  'fortnox_TermsOfDelivery_List',
  'fortnox_PredefinedAccount_Wrap',
  'fortnox_PredefinedAccount_List',
  'fortnox_AccountSingleItem_Wrap',
  'fortnox_AccountListItem_Wrap',
  'fortnox_CompanySettings_Wrap',
  'fortnox_CompanyInfo_Wrap',
  'fortnox_MetaInformation',
  'fortnox_ErrorInformationWrap',
];

interface OpenApi {
  readonly info: { readonly title: string; readonly version: string };
  readonly components: { readonly schemas: Record<string, unknown> };
}

const source =
  process.argv[2] ??
  fileURLToPath(new URL('../../../../shared/fortnox-reference/openapi.json', import.meta.url));
const document = JSON.parse(readFileSync(source, 'utf8')) as OpenApi;
const kept: Record<string, unknown> = {};
const queue = [...ROOTS];
while (queue.length > 0) {
  const name = queue.shift() as string;
  if (name in kept) continue;
  const schema = document.components.schemas[name];
  if (schema === undefined) throw new Error(`schema ${name} is not in ${source}`);
  kept[name] = schema;
  for (const match of JSON.stringify(schema).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
    queue.push(match[1] as string);
  }
}
const sorted = Object.fromEntries(Object.entries(kept).sort(([a], [b]) => a.localeCompare(b)));
const out = {
  $comment: `Extracted by extract.ts from Fortnox's OpenAPI document "${document.info.title}" ${document.info.version}; do not edit.`,
  components: { schemas: sorted },
};
writeFileSync(
  fileURLToPath(new URL('./openapi-subset.json', import.meta.url)),
  `${JSON.stringify(out, null, 2)}\n`,
);
console.info(`kept ${Object.keys(sorted).length} schemas`);
