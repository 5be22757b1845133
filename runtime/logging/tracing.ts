/**
 * The OpenTelemetry option, off by default. With KOPPLA_OTEL_ENABLED=true, runs' remote calls become
 * spans of the `koppla` tracer from `@opentelemetry/api`, which Koppla does not ship: install it with
 * the SDK and exporter of your choice and register them before Koppla starts (node --import
 * ./otel.mjs …, docs/operations.md). Without the package the option logs one warning and does nothing;
 * switched off it costs one boolean test per call.
 */
interface Span {
  setAttribute(key: string, value: string): void;
  recordException(error: unknown): void;
  setStatus(status: { code: number; message?: string }): void;
  end(): void;
}
interface Tracer {
  startActiveSpan<T>(name: string, fn: (span: Span) => T): T;
}

let tracer: Tracer | undefined;
let loading: Promise<void> | undefined;

/** Loads the tracer when the option is on; resolves at once when it is off. */
export function initTracing(
  env: NodeJS.ProcessEnv = process.env,
  warn: (message: string) => void = () => undefined,
): Promise<void> {
  if (!/^(true|1|yes|on)$/i.test(env.KOPPLA_OTEL_ENABLED ?? '')) return Promise.resolve();
  loading ??= (async () => {
    try {
      // a variable, so that no type or bundle depends on the optional package
      const name = '@opentelemetry/api';
      const api = (await import(name)) as { trace: { getTracer(name: string): Tracer } };
      tracer = api.trace.getTracer('koppla');
    } catch {
      warn('KOPPLA_OTEL_ENABLED is set but @opentelemetry/api is not installed: no traces');
    }
  })();
  return loading;
}

/** Runs `fn` in a span when tracing is on (attributes: tenant, pipeline, run, correlationId, operation). */
export function traced<T>(
  name: string,
  attributes: Readonly<Record<string, string>>,
  fn: () => Promise<T>,
): Promise<T> {
  if (!tracer) return fn();
  return tracer.startActiveSpan(name, async (span) => {
    for (const [key, value] of Object.entries(attributes)) span.setAttribute(`koppla.${key}`, value);
    try {
      return await fn();
    } catch (error) {
      span.recordException(error);
      span.setStatus({ code: 2, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
