import { pino, type Logger as PinoLogger } from 'pino';
import type { Logger } from '../../core/plugin-api/index.ts';
import { redact } from '../../core/plugin-api/index.ts';

export type RuntimeLogger = PinoLogger;

/** Structured JSON logs (pino). `KOPPLA_LOG_LEVEL` sets the level; silent under tests unless asked. */
export function createLogger(destination?: NodeJS.WritableStream): RuntimeLogger {
  const level = process.env.KOPPLA_LOG_LEVEL ?? (process.env.VITEST ? 'silent' : 'info');
  return destination ? pino({ level }, destination as never) : pino({ level });
}

/**
 * The logger a connector sees: bound to tenant, pipeline and run, with the tenant's secret values
 * scrubbed from every message and field before it is written.
 */
export function connectorLogger(
  base: RuntimeLogger,
  bindings: Record<string, string>,
  secrets: readonly string[],
): Logger {
  const child = base.child(bindings);
  const clean = (fields?: Readonly<Record<string, unknown>>) =>
    fields === undefined
      ? {}
      : (JSON.parse(redact(JSON.stringify(fields), secrets)) as Record<string, unknown>);
  return {
    debug: (message, fields) => child.debug(clean(fields), redact(message, secrets)),
    info: (message, fields) => child.info(clean(fields), redact(message, secrets)),
    warn: (message, fields) => child.warn(clean(fields), redact(message, secrets)),
    error: (message, fields) => child.error(clean(fields), redact(message, secrets)),
  };
}
