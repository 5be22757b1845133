export { registerConfiguredPlugins, configuredPlugins, type ConfiguredPlugin } from './configured-plugins.ts';
export {
  createHttpClient,
  type HttpClientOptions,
  type HttpExchange,
  type HttpRecorder,
} from './http-client.ts';
export {
  DEFAULT_CALL_TIMEOUT_MS,
  isolateConnector,
  isIsolated,
  withDeadline,
  type IsolationOptions,
} from './isolate-connector.ts';
export {
  admitPlugin,
  importPluginModule,
  loadPlugin,
  type LoadPluginOptions,
  type PluginHost,
  type PluginModule,
} from './load-plugin.ts';
export { PluginLoadError } from './plugin-load-error.ts';
export { InProcessRateLimiter, UNLIMITED } from './rate-limiter.ts';
export { secretsOf } from './secrets-of.ts';
export { InMemoryTokenStore, namespacedTokenStore } from './token-store.ts';
export { InMemoryKeyValueStore, namespacedKeyValueStore } from './key-value-store.ts';
export { connectorDeclarationProblems } from './validate-connector.ts';
