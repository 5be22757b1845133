import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * The read-only reference material (`../shared` beside the checkout, also in CI): real WooCommerce
 * and Fortnox recordings that tests compare against.
 */
export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));

export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts);
}
