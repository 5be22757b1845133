export type {
  ConnectionSettings,
  ConnectorContext,
  LogFields,
  Logger,
  OperationContext,
  StreamContext,
} from './context.ts';
export type { JsonSchema, JsonSchemaObject, JsonValue } from './json.ts';
export {
  defineOperation,
  type AnyOperationDefinition,
  type OperationDefinition,
  type OperationExample,
} from './operation.ts';
export {
  defineStream,
  type AnyStreamDefinition,
  type StreamDefinition,
  type RejectedRecord,
  type StreamPage,
  type StreamReadParams,
} from './stream.ts';
export {
  CONNECTOR_ID_PATTERN,
  OPERATION_NAME_PATTERN,
  STREAM_NAME_PATTERN,
  connectorProblems,
  defineConnector,
  type ConnectorDefinition,
  type ConnectorMeta,
  type ErrorClassDeclaration,
  type RateLimit,
  type RunningSandbox,
  type SandboxDefinition,
  type SandboxOptions,
} from './connector.ts';
export {
  AuthError,
  CONNECTOR_ERROR_KINDS,
  ConflictError,
  ConnectorError,
  NotFoundError,
  RateLimitedError,
  TransientError,
  ValidationError,
  errorForHttpStatus,
  isConnectorError,
  toConnectorError,
  type ConnectorErrorKind,
  type ConnectorErrorOptions,
} from './errors.ts';
export { REDACTED, redact, redactDeep } from './redact.ts';
export type {
  DeliveryDedupe,
  WebhookDefinition,
  WebhookReceipt,
  WebhookRegistration,
  WebhookRegistrationInput,
  WebhookRequest,
} from './webhook.ts';
export {
  EVENT_NAME_PATTERN,
  InMemoryOffsetStore,
  eventsProblems,
  type EventDeclaration,
  type EventSubscribeOptions,
  type EventSubscription,
  type EventsDefinition,
  type OffsetStore,
  type ServiceEvent,
  type ServiceEventListener,
} from './events.ts';
export {
  CONNECTOR_MANIFEST_SCHEMA_ID,
  connectorManifest,
  connectorManifestSchema,
  type ConnectorManifest,
  type OperationManifest,
  type StreamManifest,
} from './manifest.ts';
export type { HttpClient, HttpMethod, HttpRequest, HttpResponse } from './http.ts';
export type { ConnectorFactory, KeyValueStore, PluginServices, RateLimiter, TokenStore } from './services.ts';
export {
  DEFAULT_PLUGIN_API_RANGE,
  PLUGIN_API_VERSION,
  compareVersions,
  isValidRange,
  parseVersion,
  satisfies,
  type SemVer,
} from './version.ts';
