/**
 * The WooCommerce side of `koppla doctor`: permalinks, keys (read and write), taxes, the price and
 * weight settings the connection assumes, the webhooks the pipelines' triggers need, and SKUs.
 */
import type { StoreDiagnostics } from '../../connectors/woocommerce/operations/store-diagnostics.ts';
import type { Answer, DoctorConnection } from './connection.ts';
import type { CheckFn } from './fortnox-checks.ts';
import type { CheckOutcome } from './types.ts';

export interface WooCheckInput {
  readonly shop: DoctorConnection;
  readonly facts: Answer<StoreDiagnostics>;
  /** Webhook topics the pipelines' event triggers need on this connection (`order.created`, …). */
  readonly topics: readonly string[];
}

type Finding = NonNullable<CheckOutcome['findings']>[number];
const SKU_LIST_LIMIT = 50;

export function wooChecks(input: WooCheckInput): { id: string; title: string; run: CheckFn }[] {
  const { shop, facts } = input;
  const url = String(shop.settings.url ?? '');
  const needFacts = (use: (f: StoreDiagnostics) => CheckOutcome | Promise<CheckOutcome>): CheckFn => {
    return async () => {
      if (!facts.ok) return { skipped: true, detail: `the store could not be read: ${facts.message}` };
      if (facts.value.permalinks === 'plain' || facts.value.keys !== 'readable')
        return { skipped: true, detail: 'needs the REST API and readable keys (see above)' };
      return use(facts.value);
    };
  };

  return [
    {
      id: 'woocommerce.permalinks',
      title: 'WordPress pretty permalinks (the REST API under /wp-json/)',
      run: async () => {
        if (!facts.ok)
          return {
            detail: facts.message,
            findings: [
              {
                severity: 'error',
                what: `the store at ${url} could not be read: ${facts.message}`,
                why: 'Koppla reads orders and products through the WooCommerce REST API.',
                fix: 'Check the connection’s url and that the site is up; then run koppla doctor again.',
              },
            ],
          };
        if (facts.value.permalinks === 'pretty') return { detail: `${url}/wp-json/ answers` };
        return {
          detail: `permalinks: ${facts.value.permalinks}`,
          findings: [
            {
              severity: 'error',
              what:
                facts.value.permalinks === 'plain'
                  ? `${url}/wp-json/ is not found: WordPress runs with plain permalinks`
                  : `neither ${url}/wp-json/ nor ${url}/?rest_route=/ answers: the REST API is off or blocked`,
              why: 'Every WooCommerce REST API call (/wp-json/wc/v3/…) answers 404: no order can be read.',
              fix: 'In WordPress → Settings → Permalinks choose any setting but "Plain" (e.g. "Post name") and save; check that no security plugin blocks /wp-json/.',
            },
          ],
        };
      },
    },
    {
      id: 'woocommerce.keys',
      title: 'REST API keys valid, with read_write permission',
      run: async () => {
        if (!facts.ok || facts.value.permalinks === 'plain')
          return { skipped: true, detail: 'the REST API is not reachable' };
        if (facts.value.keys !== 'readable')
          return {
            detail: `keys: ${facts.value.keys}`,
            findings: [
              {
                severity: 'error',
                what:
                  facts.value.keys === 'write'
                    ? 'the REST API key has write permission only: it cannot read orders'
                    : 'the store refuses the REST API keys (consumer key or secret wrong, or the key was revoked)',
                why: 'No order or product can be read; every run fails at its first request.',
                fix: 'Create a key with permission Read/Write under WooCommerce → Settings → Advanced → REST API and store it with koppla tenants set --secret shop.consumerKey --secret shop.consumerSecret.',
              },
            ],
          };
        const write = await shop.call<{ canWrite: boolean }>('keys.probeWrite');
        if (!write.ok)
          return { skipped: true, detail: `write permission could not be probed: ${write.message}` };
        if (write.value.canWrite) return { detail: 'the keys read and write (read_write)' };
        return {
          detail: 'read only',
          findings: [
            {
              severity: 'error',
              what: 'the REST API key is read-only',
              why: 'Order statuses, stock and product data cannot be written back to the shop; those flows fail.',
              fix: 'Edit the key under WooCommerce → Settings → Advanced → REST API and set Permissions to Read/Write (or create a new read_write key and store it with koppla tenants set --secret).',
            },
          ],
        };
      },
    },
    {
      id: 'woocommerce.taxes',
      title: 'Taxes enabled in WooCommerce',
      run: needFacts((f) => {
        if (f.settings?.calcTaxes !== false) return { detail: 'tax rates and calculations are enabled' };
        return {
          detail: 'woocommerce_calc_taxes = no',
          findings: [
            {
              severity: 'error',
              what: 'WooCommerce does not calculate taxes (Enable tax rates and calculations is off)',
              why: 'Orders carry no tax lines: se-vat cannot tell the rate of a line, and totals do not split into net and VAT.',
              fix: 'Turn on WooCommerce → Settings → General → Enable tax rates and calculations, and set up the Swedish (and OSS) rates under Settings → Tax.',
            },
          ],
        };
      }),
    },
    {
      id: 'woocommerce.prices',
      title: 'Prices entered incl./excl. VAT, and weight unit, as the connection assumes',
      run: needFacts((f) => {
        const findings: Finding[] = [];
        const assumed = shop.settings;
        const store = f.settings;
        if (store?.pricesIncludeTax === null || store?.pricesIncludeTax === undefined)
          findings.push({
            severity: 'warning',
            what: 'the store’s "prices entered with tax" setting could not be read',
            why: 'Product prices sent to the shop must be incl. or excl. VAT as the shop enters them.',
            fix: 'Set pricesIncludeTax in the WooCommerce connection settings explicitly.',
          });
        else if (
          typeof assumed.pricesIncludeTax === 'boolean' &&
          assumed.pricesIncludeTax !== store.pricesIncludeTax
        )
          findings.push({
            severity: 'error',
            what: `the connection says pricesIncludeTax: ${String(assumed.pricesIncludeTax)}, the store enters prices ${store.pricesIncludeTax ? 'incl.' : 'excl.'} VAT`,
            why: 'Prices written to the shop would be off by the VAT (25 % too high or too low).',
            fix: `Set pricesIncludeTax: ${String(store.pricesIncludeTax)} in the connection settings (or remove it: it is then read from the store).`,
          });
        if (
          typeof assumed.weightUnit === 'string' &&
          store?.weightUnit !== null &&
          store?.weightUnit !== undefined &&
          assumed.weightUnit !== store.weightUnit
        )
          findings.push({
            severity: 'error',
            what: `the connection says weightUnit: ${assumed.weightUnit}, the store uses ${store.weightUnit}`,
            why: 'Weights written to the shop would be wrong by a factor (1 000 between kg and g).',
            fix: `Set weightUnit: ${store.weightUnit} in the connection settings (or remove it: it is then read from the store).`,
          });
        return {
          detail: `prices ${store?.pricesIncludeTax ? 'incl.' : 'excl.'} VAT, weight in ${store?.weightUnit ?? '?'}, currency ${store?.currency ?? '?'}`,
          findings,
        };
      }),
    },
    {
      id: 'woocommerce.webhooks',
      title: 'Webhooks registered and active for the pipelines’ event triggers',
      run: needFacts((f) => {
        if (input.topics.length === 0) return { detail: 'no pipeline is triggered by shop events' };
        const webhooks = f.webhooks ?? [];
        const missing = input.topics.filter((t) => !webhooks.some((w) => w.topic === t));
        const inactive = input.topics.filter(
          (t) => !missing.includes(t) && !webhooks.some((w) => w.topic === t && w.status === 'active'),
        );
        const findings: Finding[] = [];
        if (missing.length > 0)
          findings.push({
            severity: 'error',
            what: `no webhook for ${missing.join(', ')}`,
            why: 'Orders reach Fortnox only with the next scheduled run instead of at once.',
            fix: `Add them under WooCommerce → Settings → Advanced → Webhooks (status Active, API version WP REST API v3), delivery URL <the worker's public URL>/webhooks/<tenant>/${shop.name}, secret = the connection's webhookSecret.`,
            items: missing,
          });
        if (inactive.length > 0)
          findings.push({
            severity: 'error',
            what: `webhooks for ${inactive.join(', ')} exist but are not active (WooCommerce pauses or disables a webhook after repeated failed deliveries)`,
            why: 'Paused or disabled webhooks deliver nothing: orders wait for the next scheduled run.',
            fix: 'Fix what made deliveries fail (the worker’s URL, TLS), then set the webhooks to Active under WooCommerce → Settings → Advanced → Webhooks.',
            items: inactive,
          });
        return { detail: `needed: ${input.topics.join(', ')}; registered: ${webhooks.length}`, findings };
      }),
    },
    {
      id: 'woocommerce.skus',
      title: 'Every product has a SKU, and SKUs are unique',
      run: needFacts((f) => {
        const products = f.products;
        if (!products) return { skipped: true, detail: 'the products could not be read' };
        const findings: Finding[] = [];
        if (products.withoutSku.length > 0)
          findings.push({
            severity: 'error',
            what: `${products.withoutSku.length} product(s) have no SKU`,
            why: 'The SKU is the Fortnox article number: an order line without one cannot name its article, and stock and prices cannot be matched.',
            fix: 'Give each product (each variation of a variable product) a SKU equal to its Fortnox article number (Products → Edit → Inventory → SKU).',
            items: products.withoutSku.slice(0, SKU_LIST_LIMIT).map((p) => `#${p.id} ${p.name} (${p.type})`),
          });
        if (products.duplicateSkus.length > 0)
          findings.push({
            severity: 'error',
            what: `${products.duplicateSkus.length} SKU(s) are used by more than one product`,
            why: 'Two products sharing one Fortnox article get each other’s stock and prices.',
            fix: 'Make each SKU unique (WooCommerce → Products, search the SKU).',
            items: products.duplicateSkus
              .slice(0, SKU_LIST_LIMIT)
              .map((d) => `${d.sku}: products ${d.ids.join(', ')}`),
          });
        return { detail: `${products.count} products and variations read`, findings };
      }),
    },
  ];
}
