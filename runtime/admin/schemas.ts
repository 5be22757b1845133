/**
 * The JSON Schemas of the admin API's bodies, in the subset that fastify's validator, its response
 * serializer (which drops every property a schema does not name) and OpenAPI 3.1 all read alike.
 * Schemas made with `component` appear once in the OpenAPI document, under components/schemas.
 */

export type JsonSchema = Readonly<Record<string, unknown>>;

const components = new Map<JsonSchema, string>();

/** A named schema: the OpenAPI document refers to it as `#/components/schemas/<name>`. */
export function component<S extends JsonSchema>(name: string, schema: S): S {
  components.set(schema, name);
  return schema;
}

/** The name of a component schema, or undefined for an inline one. */
export function componentName(schema: unknown): string | undefined {
  return components.get(schema as JsonSchema);
}

const string = { type: 'string' } as const;
const nullableString = { type: ['string', 'null'] } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' } as const;
const freeObject = { type: 'object', additionalProperties: true } as const;
const anyValue = {} as const;
const booleanMap = { type: 'object', additionalProperties: { type: 'boolean' } } as const;
const nullableBooleanMap = { type: 'object', additionalProperties: { type: ['boolean', 'null'] } } as const;

export const TENANT_ID = { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } as const;

export const DiagnosticSchema = component('Diagnostic', {
  type: 'object',
  required: ['file', 'line', 'col', 'severity', 'rule', 'message'],
  properties: {
    file: string,
    line: { type: 'integer' },
    col: { type: 'integer' },
    severity: { type: 'string', enum: ['error', 'warning'] },
    rule: string,
    message: string,
  },
});

export const ErrorSchema = component('Error', {
  type: 'object',
  required: ['error', 'message'],
  properties: {
    error: {
      type: 'string',
      enum: ['invalid_request', 'unauthorized', 'forbidden', 'not_found', 'conflict', 'internal'],
    },
    message: string,
    details: { type: 'array', items: DiagnosticSchema },
  },
});

export const PipelineSchema = component('Pipeline', {
  type: 'object',
  required: ['id', 'title', 'file', 'enabled', 'everyMs', 'scheduleEveryMs', 'events', 'problems'],
  properties: {
    id: { ...nullableString, description: 'The pipeline id; null when the file does not compile.' },
    title: nullableString,
    file: { ...string, description: 'Relative to the installation folder (where koppla.yaml is).' },
    enabled: { type: 'boolean' },
    everyMs: { type: ['integer', 'null'], description: "The tenant's interval; null: the pipeline's own." },
    scheduleEveryMs: {
      type: ['integer', 'null'],
      description: 'How often it runs now; null: not scheduled (disabled, or events only).',
    },
    events: { type: 'array', items: string },
    problems: { type: 'array', items: string, description: 'Why it does not compile, file:line:col first.' },
  },
});

const SecretStateSchema = component('SecretState', {
  type: 'object',
  required: ['set', 'source'],
  properties: {
    set: { type: 'boolean' },
    source: { type: ['string', 'null'], enum: ['file', 'store', null] },
  },
});

const ConnectionSchema = component('Connection', {
  type: 'object',
  required: ['connector', 'settings', 'secrets'],
  properties: {
    connector: nullableString,
    settings: freeObject,
    secrets: {
      type: 'object',
      description: 'Which secrets are set, never their values.',
      additionalProperties: SecretStateSchema,
    },
  },
});

export const TenantSchema = component('Tenant', {
  type: 'object',
  required: [
    'id',
    'name',
    'enabled',
    'origin',
    'revision',
    'updatedAt',
    'updatedBy',
    'pipelines',
    'toggles',
    'params',
    'connections',
  ],
  properties: {
    id: string,
    name: string,
    enabled: { type: 'boolean' },
    origin: {
      type: 'string',
      enum: ['file', 'store', 'file+store'],
      description: "koppla.yaml only, MongoDB only, or koppla.yaml with MongoDB's changes on top.",
    },
    revision: { type: ['integer', 'null'] },
    updatedAt: nullableDateTime,
    updatedBy: nullableString,
    pipelines: { type: 'array', items: PipelineSchema },
    toggles: {
      type: 'object',
      required: ['packs', 'rules'],
      properties: { packs: booleanMap, rules: booleanMap },
    },
    params: { type: 'object', additionalProperties: freeObject },
    connections: { type: 'object', additionalProperties: ConnectionSchema },
  },
});

export const TenantListSchema = component('TenantList', {
  type: 'object',
  required: ['tenants'],
  properties: { tenants: { type: 'array', items: TenantSchema } },
});

export const PipelineListSchema = component('PipelineList', {
  type: 'object',
  required: ['pipelines'],
  properties: { pipelines: { type: 'array', items: PipelineSchema } },
});

export const PipelineInputSchema = component('PipelineInput', {
  type: 'object',
  additionalProperties: false,
  required: ['pipeline'],
  properties: {
    pipeline: {
      ...string,
      minLength: 1,
      description: 'The pipeline file, relative to the installation folder.',
    },
    enabled: { type: 'boolean' },
    every: { ...string, description: 'PT5M, "5 minutes"; absent: the pipeline\'s own schedule.' },
  },
});

export const PipelinePatchSchema = component('PipelinePatch', {
  type: 'object',
  additionalProperties: false,
  properties: {
    enabled: { type: 'boolean' },
    every: {
      type: ['string', 'null'],
      description: "null: back to koppla.yaml's interval, else the pipeline's.",
    },
  },
});

export const TenantInputSchema = component('TenantInput', {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: TENANT_ID,
    name: string,
    enabled: { type: 'boolean' },
    pipelines: { type: 'array', items: PipelineInputSchema },
    toggles: {
      type: 'object',
      additionalProperties: false,
      properties: { packs: booleanMap, rules: booleanMap },
    },
    params: { type: 'object', additionalProperties: freeObject },
    connections: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          settings: freeObject,
          secrets: {
            type: 'object',
            description: 'Write-only: sealed at once, never returned.',
            additionalProperties: { type: 'string', minLength: 1 },
          },
        },
      },
    },
  },
});

const paramsPatch = {
  type: 'object',
  description: "Pack id → params merged key by key; null removes a key, or all of a pack's.",
  additionalProperties: { type: ['object', 'null'], additionalProperties: true },
} as const;

export const TogglesPatchSchema = component('TogglesPatch', {
  type: 'object',
  additionalProperties: false,
  properties: {
    packs: { ...nullableBooleanMap, description: 'Pack id → on/off; null removes the switch.' },
    rules: { ...nullableBooleanMap, description: '<pack>/<rule> → on/off; null removes the switch.' },
    params: paramsPatch,
  },
});

export const TenantPatchSchema = component('TenantPatch', {
  type: 'object',
  additionalProperties: false,
  properties: {
    name: string,
    enabled: { type: 'boolean' },
    packs: TogglesPatchSchema.properties.packs,
    rules: TogglesPatchSchema.properties.rules,
    params: paramsPatch,
    connections: {
      type: 'object',
      description: "null removes what MongoDB holds for the connection; koppla.yaml's values remain.",
      additionalProperties: {
        type: ['object', 'null'],
        additionalProperties: false,
        properties: {
          settings: { ...freeObject, description: 'Merged key by key; null removes a key.' },
          secrets: {
            type: 'object',
            description: 'Write-only. A value replaces the secret, null removes it.',
            additionalProperties: { type: ['string', 'null'], minLength: 1 },
          },
        },
      },
    },
  },
});

const RuleToggleSchema = component('RuleToggle', {
  type: 'object',
  required: ['id', 'key', 'description', 'default', 'toggle', 'enabled'],
  properties: {
    id: string,
    key: string,
    description: nullableString,
    default: { type: 'boolean' },
    toggle: { type: ['boolean', 'null'] },
    enabled: { type: 'boolean' },
  },
});

const PackToggleSchema = component('PackToggle', {
  type: 'object',
  required: [
    'id',
    'title',
    'description',
    'version',
    'pipelines',
    'default',
    'toggle',
    'enabled',
    'params',
    'paramsSchema',
    'rules',
  ],
  properties: {
    id: string,
    title: nullableString,
    description: nullableString,
    version: string,
    pipelines: { type: 'array', items: string },
    default: { type: 'boolean' },
    toggle: { type: ['boolean', 'null'] },
    enabled: { type: 'boolean' },
    params: freeObject,
    paramsSchema: { type: ['object', 'null'], additionalProperties: true },
    rules: { type: 'array', items: RuleToggleSchema },
  },
});

export const TogglesSchema = component('Toggles', {
  type: 'object',
  required: ['tenant', 'packs'],
  properties: { tenant: string, packs: { type: 'array', items: PackToggleSchema } },
});

export const RunQueuedSchema = component('RunQueued', {
  type: 'object',
  required: ['tenant', 'pipeline', 'queued'],
  properties: { tenant: string, pipeline: string, queued: { type: 'boolean' } },
});

const deadLetterProperties = {
  id: string,
  tenant: string,
  pipeline: string,
  recordKey: string,
  failedStep: string,
  position: {
    type: 'object',
    required: ['file', 'line', 'col'],
    properties: { file: string, line: { type: 'integer' }, col: { type: 'integer' } },
  },
  error: {
    type: 'object',
    required: ['message', 'kind'],
    properties: { message: string, kind: string, field: string, code: string },
  },
  attempts: { type: 'integer' },
  failures: { type: 'integer' },
  status: { type: 'string', enum: ['open', 'replayed', 'resolved'] },
  runId: nullableString,
  firstFailedAt: dateTime,
  lastFailedAt: dateTime,
  replays: { type: 'integer' },
  replayedAt: nullableDateTime,
  resolvedAt: nullableDateTime,
  resolution: nullableString,
  resolvedBy: {
    ...nullableString,
    description: 'Who resolved it by hand (`api:<key>`, `user:<name>`, `cli:<login>`); null otherwise.',
  },
  note: { ...nullableString, description: 'What the person who resolved it wrote.' },
} as const;

const deadLetterRequired = [
  'id',
  'tenant',
  'pipeline',
  'recordKey',
  'failedStep',
  'position',
  'error',
  'attempts',
  'failures',
  'status',
  'runId',
  'firstFailedAt',
  'lastFailedAt',
  'replays',
  'replayedAt',
  'resolvedAt',
  'resolution',
] as const;

export const DeadLetterSummarySchema = component('DeadLetterSummary', {
  type: 'object',
  required: deadLetterRequired,
  properties: deadLetterProperties,
});

const countsSchema = {
  type: 'object',
  required: ['read', 'processed', 'skipped', 'failed'],
  properties: {
    read: { type: 'integer' },
    processed: { type: 'integer' },
    skipped: { type: 'integer' },
    failed: { type: 'integer' },
    parked: {
      type: 'integer',
      description:
        'Records not run again because they were dead-lettered before and are unchanged since (they wait for a replay or a change in the source); absent when none.',
    },
  },
} as const;

export const RunSchema = component('Run', {
  type: 'object',
  required: [
    'id',
    'tenant',
    'pipeline',
    'trigger',
    'status',
    'startedAt',
    'finishedAt',
    'durationMs',
    'counts',
    'error',
  ],
  properties: {
    id: string,
    tenant: string,
    pipeline: string,
    trigger: { type: 'string', enum: ['schedule', 'webhook', 'manual', 'replay'] },
    status: { type: 'string', enum: ['running', 'succeeded', 'partial', 'failed'] },
    startedAt: dateTime,
    finishedAt: nullableDateTime,
    durationMs: { type: ['integer', 'null'] },
    counts: countsSchema,
    error: {
      type: ['object', 'null'],
      required: ['message'],
      properties: { message: string, kind: string },
    },
    calls: {
      type: 'object',
      description:
        'Per connection: HTTP requests sent, operation calls, source pages read and milliseconds spent.',
      additionalProperties: {
        type: 'object',
        properties: {
          requests: { type: 'integer' },
          operations: { type: 'integer' },
          pages: { type: 'integer' },
          ms: { type: 'integer' },
        },
      },
    },
    traces: {
      type: 'array',
      items: anyValue,
      description:
        "The last records' rule traces (key, status, trace, decisions, steps), capped in number and size (GET by id only).",
    },
    deadLetters: {
      type: 'array',
      items: DeadLetterSummarySchema,
      description: 'The records this run dead-lettered (GET by id only).',
    },
  },
});

export const RunListSchema = component('RunList', {
  type: 'object',
  required: ['runs'],
  properties: { runs: { type: 'array', items: RunSchema } },
});

export const DeadLetterSchema = component('DeadLetter', {
  type: 'object',
  required: [...deadLetterRequired, 'record', 'trace'],
  properties: {
    ...deadLetterProperties,
    record: { ...anyValue, description: 'The record exactly as read; a replay runs it again.' },
    trace: anyValue,
  },
});

export const DeadLetterListSchema = component('DeadLetterList', {
  type: 'object',
  required: ['deadLetters'],
  properties: { deadLetters: { type: 'array', items: DeadLetterSummarySchema } },
});

export const ReplayResultSchema = component('ReplayResult', {
  type: 'object',
  required: ['resolved', 'failed', 'results'],
  properties: {
    resolved: { type: 'integer' },
    failed: { type: 'integer' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'status'],
        properties: {
          id: string,
          status: { type: 'string', enum: ['resolved', 'failed'] },
          message: string,
        },
      },
    },
  },
});

export const OpenApiSchema = { ...freeObject, description: 'This document.' } as const;

export const TenantParams = {
  type: 'object',
  required: ['tenant'],
  properties: { tenant: string },
} as const;

export const TenantPipelineParams = {
  type: 'object',
  required: ['tenant', 'pipeline'],
  properties: { tenant: string, pipeline: string },
} as const;

export const IdParams = { type: 'object', required: ['id'], properties: { id: string } } as const;

export const TenantIdParams = {
  type: 'object',
  required: ['tenant', 'id'],
  properties: { tenant: string, id: string },
} as const;

export const ResolveInputSchema = component('ResolveInput', {
  type: 'object',
  additionalProperties: false,
  properties: {
    note: {
      type: 'string',
      maxLength: 2000,
      description: 'What was done by hand (credited invoice 1042 in Fortnox); kept on the dead letter.',
    },
  },
});

export const RunQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    pipeline: string,
    status: { type: 'string', enum: ['running', 'succeeded', 'partial', 'failed'] },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 50 },
  },
} as const;

export const DeadLetterQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    pipeline: string,
    status: { type: 'string', enum: ['open', 'replayed', 'resolved'] },
    limit: { type: 'integer', minimum: 1, maximum: 500, default: 100 },
  },
} as const;

export const ReplayQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { pipeline: { ...string, description: "Only this pipeline's open dead letters." } },
} as const;
