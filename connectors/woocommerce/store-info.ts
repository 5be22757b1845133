import type { ConnectorContext, StreamContext } from '../../core/plugin-api/index.ts';
import { wooRequest } from './client/index.ts';
import type { WeightUnit } from './normalize/index.ts';
import type { WooSettings } from './settings.ts';

export interface StoreInfo {
  readonly currency: string;
  readonly pricesIncludeTax: boolean;
  readonly weightUnit: WeightUnit;
}

// Per settings object: one connection's settings are one object for as long as the runtime holds them.
const cache = new WeakMap<object, Promise<StoreInfo>>();

async function option(ctx: ConnectorContext<WooSettings>, group: string, id: string): Promise<string> {
  const response = await wooRequest<{ value?: unknown }>(ctx, { path: `/settings/${group}/${id}` });
  return String(response.body?.value ?? '');
}

/** Currency, price and weight settings of the store: from the connection settings, else read once from the store. */
export function storeInfo(ctx: StreamContext<WooSettings>): Promise<StoreInfo> {
  const { settings } = ctx;
  if (settings.currency && settings.pricesIncludeTax !== undefined && settings.weightUnit) {
    return Promise.resolve({
      currency: settings.currency,
      pricesIncludeTax: settings.pricesIncludeTax,
      weightUnit: settings.weightUnit,
    });
  }
  let info = cache.get(settings);
  if (!info) {
    info = (async () => {
      const [currency, includeTax, weight] = await Promise.all([
        settings.currency ?? option(ctx, 'general', 'woocommerce_currency'),
        settings.pricesIncludeTax ?? option(ctx, 'tax', 'woocommerce_prices_include_tax'),
        settings.weightUnit ?? option(ctx, 'products', 'woocommerce_weight_unit'),
      ]);
      return {
        currency: String(currency).toUpperCase(),
        pricesIncludeTax: includeTax === true || includeTax === 'yes',
        weightUnit: (['kg', 'g', 'lbs', 'oz'].includes(String(weight)) ? weight : 'kg') as WeightUnit,
      };
    })();
    info.catch(() => cache.delete(settings));
    cache.set(settings, info);
  }
  return info;
}

/** The `source` of every record: the store's host is its id within the tenant. */
export function sourceOf(settings: WooSettings) {
  const url = new URL(settings.url);
  return {
    connector: 'woocommerce',
    storeId: url.host,
    storeUrl: url.origin + url.pathname.replace(/\/+$/, ''),
  };
}
