import {
  DeadLetterListSchema,
  DeadLetterQuery,
  DeadLetterSchema,
  DeadLetterSummarySchema,
  IdParams,
  OpenApiSchema,
  PipelineInputSchema,
  PipelineListSchema,
  PipelinePatchSchema,
  PipelineSchema,
  ReplayQuery,
  ReplayResultSchema,
  ResolveInputSchema,
  RunListSchema,
  RunQuery,
  RunQueuedSchema,
  RunSchema,
  TenantInputSchema,
  TenantListSchema,
  TenantIdParams,
  TenantParams,
  TenantPatchSchema,
  TenantPipelineParams,
  TenantSchema,
  TogglesPatchSchema,
  TogglesSchema,
  type JsonSchema,
} from './schemas.ts';
import { UI_ROUTES } from './ui-routes.ts';
import { DOCTOR_ROUTES } from './doctor-route.ts';

export const ADMIN_PREFIX = '/admin/v1';

/**
 * One admin route: the single source of both the fastify route (validation, serialization) and its
 * OpenAPI operation. `path` is written the OpenAPI way (`/tenants/{tenant}`), under ADMIN_PREFIX.
 */
export interface RouteSpec {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  readonly tag:
    | 'tenants'
    | 'pipelines'
    | 'toggles'
    | 'runs'
    | 'dead letters'
    | 'connections'
    | 'activity'
    | 'users'
    | 'meta';
  readonly summary: string;
  readonly description?: string;
  /** Answered without an API key. */
  readonly public?: boolean;
  readonly params?: JsonSchema;
  readonly querystring?: JsonSchema;
  readonly body?: JsonSchema;
  /** The body may be left out (every field of it is optional). */
  readonly bodyOptional?: boolean;
  /** The success answer; errors (400, 401, 404, 409) are added from what the route takes. */
  readonly status: 200 | 201 | 202;
  readonly response: JsonSchema;
  readonly responseDescription: string;
  /** Error answers beyond the ones every route of its kind has. */
  readonly conflicts?: string;
}

const tenantPath = '/tenants/{tenant}';
const pipelinePath = `${tenantPath}/pipelines/{pipeline}`;

export const ROUTES = [
  {
    operationId: 'listTenants',
    method: 'GET',
    path: '/tenants',
    tag: 'tenants',
    summary: 'Every tenant: from koppla.yaml and from MongoDB',
    status: 200,
    response: TenantListSchema,
    responseDescription: 'The tenants, koppla.yaml order first, then by id.',
  },
  {
    operationId: 'createTenant',
    method: 'POST',
    path: '/tenants',
    tag: 'tenants',
    summary: 'Create a tenant (stored in MongoDB)',
    description:
      'Its pipelines must compile; toggles and params must name packs and rules its pipelines use; secrets are sealed with the master key and never returned.',
    body: TenantInputSchema,
    status: 201,
    response: TenantSchema,
    responseDescription: 'The tenant as created.',
    conflicts: 'A tenant with this id exists (in koppla.yaml or MongoDB).',
  },
  {
    operationId: 'getTenant',
    method: 'GET',
    path: tenantPath,
    tag: 'tenants',
    summary: 'One tenant; secrets show only whether they are set',
    params: TenantParams,
    status: 200,
    response: TenantSchema,
    responseDescription: 'The tenant.',
  },
  {
    operationId: 'updateTenant',
    method: 'PATCH',
    path: tenantPath,
    tag: 'tenants',
    summary: 'Change a tenant (JSON merge patch: null removes)',
    description:
      "For a koppla.yaml tenant the change is stored in MongoDB and wins over the file's value; null returns to the file's value. Takes effect on the next run; schedules are re-synced.",
    params: TenantParams,
    body: TenantPatchSchema,
    status: 200,
    response: TenantSchema,
    responseDescription: 'The tenant after the change.',
  },
  {
    operationId: 'enableTenant',
    method: 'POST',
    path: `${tenantPath}/enable`,
    tag: 'tenants',
    summary: 'Enable a tenant: its pipelines are scheduled again',
    params: TenantParams,
    status: 200,
    response: TenantSchema,
    responseDescription: 'The tenant.',
  },
  {
    operationId: 'disableTenant',
    method: 'POST',
    path: `${tenantPath}/disable`,
    tag: 'tenants',
    summary: 'Disable a tenant: nothing of it runs until it is enabled',
    params: TenantParams,
    status: 200,
    response: TenantSchema,
    responseDescription: 'The tenant.',
  },
  {
    operationId: 'listPipelines',
    method: 'GET',
    path: `${tenantPath}/pipelines`,
    tag: 'pipelines',
    summary: "A tenant's pipelines, whether they are enabled and how often they run",
    params: TenantParams,
    status: 200,
    response: PipelineListSchema,
    responseDescription: 'The pipelines.',
  },
  {
    operationId: 'addPipeline',
    method: 'POST',
    path: `${tenantPath}/pipelines`,
    tag: 'pipelines',
    summary: 'Add a pipeline to a tenant',
    params: TenantParams,
    body: PipelineInputSchema,
    status: 201,
    response: PipelineSchema,
    responseDescription: 'The pipeline as added.',
    conflicts: 'The tenant already has this pipeline.',
  },
  {
    operationId: 'updatePipeline',
    method: 'PATCH',
    path: pipelinePath,
    tag: 'pipelines',
    summary: 'Switch a pipeline on or off, or set its interval',
    params: TenantPipelineParams,
    body: PipelinePatchSchema,
    status: 200,
    response: PipelineSchema,
    responseDescription: 'The pipeline after the change.',
  },
  {
    operationId: 'triggerRun',
    method: 'POST',
    path: `${pipelinePath}/runs`,
    tag: 'pipelines',
    summary: 'Run a pipeline now (a worker picks the run up)',
    params: TenantPipelineParams,
    status: 202,
    response: RunQueuedSchema,
    responseDescription: 'The run is queued; it appears under runs when a worker starts it.',
    conflicts: 'The tenant or the pipeline is disabled.',
  },
  {
    operationId: 'getToggles',
    method: 'GET',
    path: `${tenantPath}/toggles`,
    tag: 'toggles',
    summary: "The rule packs of a tenant's pipelines, each rule, and the tenant's switches and params",
    params: TenantParams,
    status: 200,
    response: TogglesSchema,
    responseDescription: 'Packs with their rules, defaults, switches and params.',
  },
  {
    operationId: 'updateToggles',
    method: 'PATCH',
    path: `${tenantPath}/toggles`,
    tag: 'toggles',
    summary: 'Switch rule packs and single rules on or off, set pack params',
    description: "null removes a switch or a param; params are checked against the pack's params schema.",
    params: TenantParams,
    body: TogglesPatchSchema,
    status: 200,
    response: TogglesSchema,
    responseDescription: 'The packs after the change.',
  },
  {
    operationId: 'listRuns',
    method: 'GET',
    path: `${tenantPath}/runs`,
    tag: 'runs',
    summary: "A tenant's runs, newest first",
    params: TenantParams,
    querystring: RunQuery,
    status: 200,
    response: RunListSchema,
    responseDescription: 'The runs, without traces.',
  },
  {
    operationId: 'getRun',
    method: 'GET',
    path: '/runs/{id}',
    tag: 'runs',
    summary: 'One run: counts, duration, error and rule traces',
    params: IdParams,
    status: 200,
    response: RunSchema,
    responseDescription: 'The run.',
  },
  {
    operationId: 'listDeadLetters',
    method: 'GET',
    path: `${tenantPath}/dead-letters`,
    tag: 'dead letters',
    summary: "A tenant's dead letters, latest failure first",
    params: TenantParams,
    querystring: DeadLetterQuery,
    status: 200,
    response: DeadLetterListSchema,
    responseDescription: 'The dead letters, without their records.',
  },
  {
    operationId: 'getDeadLetter',
    method: 'GET',
    path: '/dead-letters/{id}',
    tag: 'dead letters',
    summary: 'One dead letter with its record and trace',
    params: IdParams,
    status: 200,
    response: DeadLetterSchema,
    responseDescription: 'The dead letter.',
  },
  {
    operationId: 'replayDeadLetter',
    method: 'POST',
    path: '/dead-letters/{id}/replay',
    tag: 'dead letters',
    summary: 'Run a dead-lettered record again',
    description: 'Steps committed before are answered by the effects ledger: only what failed is sent.',
    params: IdParams,
    status: 200,
    response: ReplayResultSchema,
    responseDescription: 'Whether the record went through.',
    conflicts: 'The tenant is disabled, or its pipeline does not compile.',
  },
  {
    operationId: 'replayTenant',
    method: 'POST',
    path: `${tenantPath}/replay`,
    tag: 'dead letters',
    summary: 'Run every open dead letter of a tenant (or of one of its pipelines) again',
    description: 'At most 500 per call; call again while `results` is full.',
    params: TenantParams,
    querystring: ReplayQuery,
    status: 200,
    response: ReplayResultSchema,
    responseDescription: 'Each dead letter and whether it went through.',
    conflicts: 'The tenant is disabled, or its pipeline does not compile.',
  },
  {
    operationId: 'resolveDeadLetter',
    method: 'POST',
    path: `${tenantPath}/dead-letters/{id}/resolve`,
    tag: 'dead letters',
    summary: 'Close a dead letter whose work was done by hand, without running it again',
    description:
      'For a hand-off (a step that stops a record for a person: "credit it in Fortnox by hand, then resolve ' +
      'this dead letter"). Keeps who resolved it, when, and the note. A later failure of the record opens a ' +
      'new dead letter.',
    params: TenantIdParams,
    body: ResolveInputSchema,
    bodyOptional: true,
    status: 200,
    response: DeadLetterSummarySchema,
    responseDescription: 'The dead letter, resolved.',
    conflicts: 'The dead letter was resolved before.',
  },
  {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/openapi.json',
    tag: 'meta',
    summary: 'This API as an OpenAPI 3.1 document',
    public: true,
    status: 200,
    response: OpenApiSchema,
    responseDescription: 'The OpenAPI document (docs/admin-api.openapi.yaml).',
  },
  // the admin page's routes (connections, dry runs, audit trail, health, users)
  ...UI_ROUTES,
  // koppla doctor's checks, for the admin page
  ...DOCTOR_ROUTES,
] as const satisfies readonly RouteSpec[];

export type OperationId = (typeof ROUTES)[number]['operationId'];

/** `/tenants/{tenant}` → `/tenants/:tenant`, as fastify writes it. */
export function fastifyPath(path: string): string {
  return `${ADMIN_PREFIX}${path.replace(/\{([^}]+)\}/g, ':$1')}`;
}
