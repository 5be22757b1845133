import type { SandboxDefinition } from '../../../core/plugin-api/index.ts';
import { startFortnoxSandbox } from './server.ts';

export {
  startFortnoxSandbox,
  DEFAULT_SEED,
  type FortnoxSandboxOptions,
  type RunningFortnoxSandbox,
} from './server.ts';
export { resolveConfig, DEFAULT_ERRORS, type SandboxConfig, type SandboxConfigInput } from './config.ts';
export {
  DEFAULT_AUTHORIZATION_CODE,
  DEFAULT_CLIENT,
  DEFAULT_REFRESH_TOKEN,
  DEFAULT_TENANT,
  type SandboxSeed,
} from './state.ts';

/** The connector's `sandbox` entry: `sandbox.start({ port, seed })` → `{ url, stop() }`. */
export const sandbox: SandboxDefinition = {
  start: (options = {}) => startFortnoxSandbox({ ...options, seed: options.seed as never }),
};
