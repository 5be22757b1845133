/** One shop and its Fortnox company: what runs, how often, with which switches and credentials. */
export interface Tenant {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly pipelines: readonly TenantPipeline[];
  readonly toggles: {
    readonly packs: Readonly<Record<string, boolean>>;
    readonly rules: Readonly<Record<string, boolean>>;
  };
  /** Rule-pack params by pack id. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly connections: Readonly<Record<string, TenantConnection>>;
}

export interface TenantPipeline {
  /** Absolute path of the pipeline file. */
  readonly file: string;
  readonly enabled: boolean;
  /** The tenant's interval; undefined: the pipeline's own schedule. */
  readonly everyMs: number | undefined;
}

export interface TenantConnection {
  readonly settings: Readonly<Record<string, unknown>>;
  /** Plain secret values, in memory only: stored encrypted, never logged. */
  readonly secrets: Readonly<Record<string, string>>;
}

/** Every secret value a tenant has, for scrubbing logs, errors and stored dead letters. */
export function secretValues(tenant: Tenant): string[] {
  return Object.values(tenant.connections)
    .flatMap((c) => Object.values(c.secrets))
    .filter((v) => v.length > 0);
}
