import {
  isConnectorError,
  redact,
  type ConnectorContext,
  type ConnectorDefinition,
} from '../../core/plugin-api/index.ts';
import type { RuntimeLogger } from '../logging/logger.ts';
import { connectorLogger } from '../logging/logger.ts';
import { secretValues, type Tenant } from '../tenants/tenant.ts';

/** The answer of one call: its value, or the error (its message scrubbed of the tenant's secrets). */
export type Answer<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly message: string;
      readonly kind: string;
      readonly status?: number;
      readonly code?: string;
    };

/** One tenant connection (`ledger`, `shop`) and the connector behind it, for the doctor's reads. */
export class DoctorConnection {
  readonly #answers = new Map<string, Promise<Answer<unknown>>>();
  readonly #secrets: readonly string[];

  constructor(
    readonly name: string,
    readonly connector: ConnectorDefinition,
    private readonly tenant: Tenant,
    private readonly logger: RuntimeLogger,
    private readonly signal: AbortSignal,
  ) {
    this.#secrets = secretValues(tenant);
  }

  get settings(): Readonly<Record<string, unknown>> {
    return this.tenant.connections[this.name]?.settings ?? {};
  }

  context(): ConnectorContext<object> {
    const config = this.tenant.connections[this.name];
    return {
      tenantId: this.tenant.id,
      settings: { ...(config?.settings ?? {}), ...(config?.secrets ?? {}) },
      signal: this.signal,
      logger: connectorLogger(
        this.logger,
        { tenant: this.tenant.id, connection: this.name, doctor: 'true' },
        this.#secrets,
      ),
    };
  }

  /** Calls an operation once per input (later checks reuse the answer); never throws. */
  call<T>(operation: string, input: unknown = {}): Promise<Answer<T>> {
    const key = `${operation} ${JSON.stringify(input)}`;
    let answer = this.#answers.get(key);
    if (!answer) {
      const definition = this.connector.operations[operation];
      answer = definition
        ? this.#settle(() => definition.run(this.context(), input))
        : Promise.resolve({
            ok: false,
            kind: 'unknown',
            message: `connector ${this.connector.meta.id} has no operation ${operation}`,
          });
      this.#answers.set(key, answer);
    }
    return answer as Promise<Answer<T>>;
  }

  /** The connector's own connection check (a cheap authenticated read). */
  checkConnection(): Promise<Answer<void>> {
    return this.#settle(async () => {
      await this.connector.checkConnection?.(this.context());
    });
  }

  async #settle<T>(work: () => Promise<T>): Promise<Answer<T>> {
    try {
      return { ok: true, value: await work() };
    } catch (error) {
      const message = redact(error instanceof Error ? error.message : String(error), this.#secrets);
      if (isConnectorError(error))
        return {
          ok: false,
          kind: error.kind,
          message,
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(error.code === undefined ? {} : { code: String(error.code) }),
        };
      return { ok: false, kind: 'unknown', message };
    }
  }
}
