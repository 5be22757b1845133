/** What the admin API and `koppla tenants` show and accept. Secret values appear in none of the views. */

import type { TenantOrigin } from '../tenants/tenant-catalog.ts';

export interface PipelineView {
  /** The pipeline's id; null when the file does not compile (see `problems`). */
  readonly id: string | null;
  readonly title: string | null;
  /** Relative to the installation folder when inside it. */
  readonly file: string;
  readonly enabled: boolean;
  /** The tenant's interval; null: the pipeline's own schedule. */
  readonly everyMs: number | null;
  /** How often it runs now; null: not on a schedule (disabled, or triggered by events only). */
  readonly scheduleEveryMs: number | null;
  /** Service events that start it (`shop.order.updated`). */
  readonly events: readonly string[];
  /** Why it does not compile, file:line:col first. */
  readonly problems: readonly string[];
}

export interface SecretStateView {
  readonly set: boolean;
  /** Where the value comes from: koppla.yaml (or its environment variable) or MongoDB. */
  readonly source: 'file' | 'store' | null;
}

export interface ConnectionView {
  /** The connector the tenant's pipelines use this connection with; null when none does. */
  readonly connector: string | null;
  /** Values that are not secret; a secret written here by mistake shows as [REDACTED]. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** Which secrets are set: set ones, and the connector's secret fields that are not. Never values. */
  readonly secrets: Readonly<Record<string, SecretStateView>>;
}

export interface TenantView {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  /** `file`: koppla.yaml only; `store`: MongoDB only; `file+store`: koppla.yaml with MongoDB's changes on top. */
  readonly origin: TenantOrigin;
  /** MongoDB revision; null for a tenant never changed there. */
  readonly revision: number | null;
  readonly updatedAt: Date | null;
  readonly updatedBy: string | null;
  readonly pipelines: readonly PipelineView[];
  readonly toggles: {
    readonly packs: Readonly<Record<string, boolean>>;
    readonly rules: Readonly<Record<string, boolean>>;
  };
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly connections: Readonly<Record<string, ConnectionView>>;
}

export interface RuleToggleView {
  readonly id: string;
  /** `<pack>/<rule>`: the key a toggle names it by. */
  readonly key: string;
  readonly description: string | null;
  /** As the pack ships it. */
  readonly default: boolean;
  /** The tenant's switch; null: not switched. */
  readonly toggle: boolean | null;
  readonly enabled: boolean;
}

export interface PackToggleView {
  readonly id: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly version: string;
  /** The tenant's pipelines that use it. */
  readonly pipelines: readonly string[];
  readonly default: boolean;
  readonly toggle: boolean | null;
  readonly enabled: boolean;
  /** The tenant's params of this pack (over the pipeline's, key by key). */
  readonly params: Readonly<Record<string, unknown>>;
  /** The params JSON Schema the pack declares; null when it takes none. */
  readonly paramsSchema: Readonly<Record<string, unknown>> | null;
  readonly rules: readonly RuleToggleView[];
}

export interface TogglesView {
  readonly tenant: string;
  readonly packs: readonly PackToggleView[];
}

export interface PipelineInput {
  /** The pipeline file, relative to the installation folder (koppla.yaml's). */
  readonly pipeline: string;
  readonly enabled?: boolean;
  /** PT5M, "5 minutes"; absent: the pipeline's own schedule. */
  readonly every?: string;
}

export interface PipelinePatch {
  readonly enabled?: boolean;
  /** null: back to koppla.yaml's interval, else the pipeline's own. */
  readonly every?: string | null;
}

export interface TogglesPatch {
  /** Pack id → on/off; null removes the tenant's switch. */
  readonly packs?: Readonly<Record<string, boolean | null>>;
  /** `<pack>/<rule>` → on/off; null removes the switch. */
  readonly rules?: Readonly<Record<string, boolean | null>>;
  /** Pack id → params merged key by key (null removes a key, or all of a pack's). */
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>> | null>>;
}

export interface ConnectionInput {
  readonly settings?: Readonly<Record<string, unknown>>;
  /** Write-only: sealed at once, never shown again. */
  readonly secrets?: Readonly<Record<string, string>>;
}

export interface ConnectionPatch {
  /** Merged key by key; null removes a key. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** A value replaces the secret, null removes it. */
  readonly secrets?: Readonly<Record<string, string | null>>;
}

export interface TenantInput {
  readonly id: string;
  readonly name?: string;
  readonly enabled?: boolean;
  readonly pipelines?: readonly PipelineInput[];
  readonly toggles?: {
    readonly packs?: Readonly<Record<string, boolean>>;
    readonly rules?: Readonly<Record<string, boolean>>;
  };
  readonly params?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly connections?: Readonly<Record<string, ConnectionInput>>;
}

export interface TenantPatch extends TogglesPatch {
  readonly name?: string;
  readonly enabled?: boolean;
  /** null removes what MongoDB holds for the connection (settings and secrets). */
  readonly connections?: Readonly<Record<string, ConnectionPatch | null>>;
}
