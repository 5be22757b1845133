import type { SandboxDefinition } from '../../../core/plugin-api/index.ts';
import { startSandbox, type WooSandboxOptions } from './server.ts';

export {
  API,
  SANDBOX_CONSUMER_KEY,
  SANDBOX_CONSUMER_SECRET,
  startSandbox,
  type WooSandboxOptions,
} from './server.ts';
export { errors as sandboxErrors, ORDER_WRITE_STATUSES } from './errors.ts';
export { phpJson, signBody } from './webhooks.ts';
export type { WooSeed } from './seed.ts';
export type { ApiKey, Fault, SandboxState } from './state.ts';

/** The connector's `sandbox`: `start({ port?, seed? })` → `{ url, stop() }`. */
export const sandbox: SandboxDefinition = {
  start: (options?: WooSandboxOptions) => startSandbox(options),
};
