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
  defineConnector,
  type ConnectorDefinition,
  type ConnectorMeta,
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
export type { WebhookDefinition, WebhookReceipt, WebhookRequest } from './webhook.ts';
export {
  CONNECTOR_MANIFEST_SCHEMA_ID,
  connectorManifest,
  connectorManifestSchema,
  type ConnectorManifest,
  type OperationManifest,
  type StreamManifest,
} from './manifest.ts';
