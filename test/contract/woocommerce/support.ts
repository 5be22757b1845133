import type { OperationContext } from '../../../core/plugin-api/index.ts';
import {
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox,
  type WooSandboxOptions,
} from '../../../connectors/woocommerce/sandbox/index.ts';
import type { WooSettings } from '../../../connectors/woocommerce/settings.ts';

export const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

export function contextFor(settings: WooSettings): OperationContext<WooSettings> {
  return { tenantId: 'test', settings, signal: new AbortController().signal, logger: silentLogger };
}

/** A started sandbox plus connection settings for it (tiny backoff so retries do not slow tests). */
export async function sandboxTarget(options: WooSandboxOptions = {}) {
  const running = await startSandbox(options);
  const settings: WooSettings = {
    url: running.url,
    consumerKey: SANDBOX_CONSUMER_KEY,
    consumerSecret: SANDBOX_CONSUMER_SECRET,
    auth: options.transport === 'http' ? 'oauth1' : 'basic',
    retryMinTimeoutMs: 1,
    retries: 3,
  };
  const admin = async <T = unknown>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${running.url}/__admin/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    return (await response.json()) as T;
  };
  return { running, settings, ctx: contextFor(settings), admin };
}

/** The real store named by WOOCOMMERCE_URL / _KEY / _SECRET, or undefined (tests then skip, saying why). */
export function realStoreSettings(): WooSettings | undefined {
  const { WOOCOMMERCE_URL: url, WOOCOMMERCE_KEY: key, WOOCOMMERCE_SECRET: secret } = process.env;
  if (!url || !key || !secret) return undefined;
  return { url, consumerKey: key, consumerSecret: secret };
}
