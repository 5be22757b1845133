import { toConnectorError, type RejectedRecord } from '../../../core/plugin-api/index.ts';

/** A source item that could not be normalized, as the runtime dead-letters it. */
export function rejectedRecord(key: string, raw: unknown, error: unknown): RejectedRecord {
  const e = toConnectorError(error);
  return {
    key,
    raw,
    error: {
      message: e.message,
      kind: e.kind,
      ...(e.code ? { code: e.code } : {}),
      ...(e.field ? { field: e.field } : {}),
    },
  };
}
