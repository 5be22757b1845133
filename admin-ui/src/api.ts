/** The admin API as the page calls it: same origin, the session cookie, the CSRF token on every change. */

export interface SessionInfo {
  readonly kind: 'operator' | 'owner';
  readonly name: string;
  readonly tenant: string | null;
  readonly csrf: string;
  readonly expiresAt: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly { message: string }[] = [],
  ) {
    super(message);
  }
}

let csrf = '';
let onSignedOut: () => void = () => undefined;

export function setSession(session: SessionInfo | undefined): void {
  csrf = session?.csrf ?? '';
}

export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const response = await fetch(path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed ?? {}) as { error?: string; message?: string; details?: { message: string }[] };
    if (response.status === 401 && !path.endsWith('/session')) onSignedOut();
    throw new ApiError(response.status, error.error ?? 'error', error.message ?? text, error.details ?? []);
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string) => call<T>('GET', `/admin/v1${path}`),
  post: <T>(path: string, body: unknown = {}) => call<T>('POST', `/admin/v1${path}`, body),
  patch: <T>(path: string, body: unknown) => call<T>('PATCH', `/admin/v1${path}`, body),
  session: () => call<SessionInfo>('GET', '/admin/session'),
  signIn: (credentials: { apiKey: string } | { username: string; password: string }) =>
    call<SessionInfo>('POST', '/admin/session', credentials),
  signOut: () => call<void>('POST', '/admin/session/sign-out', {}),
};

export const enc = encodeURIComponent;

// ---- the shapes the page reads (a subset of docs/admin-api.openapi.yaml) -------------------------

export interface SecretState {
  readonly set: boolean;
  readonly source: 'file' | 'store' | null;
}
export interface ConnectionView {
  readonly connector: string | null;
  readonly settings: Readonly<Record<string, unknown>>;
  readonly secrets: Readonly<Record<string, SecretState>>;
}
export interface PipelineView {
  readonly id: string | null;
  readonly title: string | null;
  readonly file: string;
  readonly enabled: boolean;
  readonly everyMs: number | null;
  readonly scheduleEveryMs: number | null;
  readonly events: readonly string[];
  readonly problems: readonly string[];
}
export interface TenantView {
  readonly id: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly revision: number | null;
  readonly updatedAt: string | null;
  readonly updatedBy: string | null;
  readonly pipelines: readonly PipelineView[];
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly connections: Readonly<Record<string, ConnectionView>>;
}
export interface Notice {
  readonly code: string;
  readonly message: string;
  readonly values?: Readonly<Record<string, string>>;
}
export interface ConnectionCheck {
  readonly connection: string;
  readonly connector: string | null;
  readonly ok: boolean;
  readonly account: string | null;
  readonly problems: readonly Notice[];
  readonly warnings: readonly Notice[];
  readonly saved: boolean;
}
export interface RuleView {
  readonly id: string;
  readonly key: string;
  readonly description: string | null;
  readonly default: boolean;
  readonly toggle: boolean | null;
  readonly enabled: boolean;
}
export interface PackView {
  readonly id: string;
  readonly title: string | null;
  readonly description: string | null;
  readonly version: string;
  readonly pipelines: readonly string[];
  readonly default: boolean;
  readonly toggle: boolean | null;
  readonly enabled: boolean;
  readonly params: Readonly<Record<string, unknown>>;
  readonly paramsSchema: JsonSchema | null;
  readonly rules: readonly RuleView[];
}
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly description?: string;
  readonly title?: string;
  readonly default?: unknown;
  readonly $ref?: string;
  readonly $defs?: Readonly<Record<string, JsonSchema>>;
  readonly pattern?: string;
}
export interface RunRow {
  readonly id: string;
  readonly pipeline: string;
  readonly trigger: string;
  readonly status: string;
  readonly startedAt: string;
  readonly durationMs: number | null;
  readonly counts: Readonly<Record<string, number>>;
  /** HTTP requests over all connections; the run's writes when it kept no counts (`apiCallsFrom`). */
  readonly apiCalls: number;
  readonly apiCallsFrom: 'requests' | 'writes';
  readonly writes: number;
  readonly calls: readonly RunCalls[];
  readonly error: string | null;
}
export interface RunCalls {
  readonly connection: string;
  readonly connector: string | null;
  readonly requests: number;
  readonly operations: number;
  readonly pages: number;
  readonly ms: number;
}
export interface StockPoint {
  readonly code: string;
  readonly name: string;
  readonly active: boolean;
}
export interface DeadLetterView {
  readonly id: string;
  readonly tenant: string;
  readonly pipeline: string;
  readonly recordKey: string;
  readonly failedStep: string;
  readonly position: { file: string; line: number; col: number };
  readonly error: { message: string; kind: string; field?: string; code?: string };
  readonly attempts: number;
  readonly failures: number;
  readonly status: 'open' | 'replayed' | 'resolved';
  readonly lastFailedAt: string;
  readonly replays: number;
}
export interface ReplayResult {
  readonly resolved: number;
  readonly failed: number;
  readonly results: readonly { id: string; status: 'resolved' | 'failed'; message?: string }[];
}
export interface TrailEffect {
  readonly step: string;
  readonly operation: string;
  readonly attempt: number;
  readonly state: 'claimed' | 'committed' | 'failed';
  readonly at: string;
  readonly remoteId: string | null;
  readonly link: string | null;
  readonly document: string | null;
  readonly error: string | null;
}
export interface RecordTrail {
  readonly tenant: string;
  readonly key: string;
  readonly pipelines: readonly {
    pipeline: string;
    record: unknown;
    trace: unknown;
    decisions: unknown;
    traceFrom: 'run' | 'failure' | null;
    traceRun: { id: string; at: string; status: 'processed' | 'failed' | 'retry' } | null;
    traceTruncated: number | null;
    effects: readonly TrailEffect[];
    deadLetters: readonly DeadLetterView[];
  }[];
}
export interface DryRunCall {
  readonly step: string;
  readonly uses: string;
  readonly kind: 'read' | 'refused' | 'ledger';
  readonly input: unknown;
}
export interface DryRunResult {
  readonly pipeline: string;
  readonly summary: Readonly<Record<string, number>>;
  readonly refused: number;
  readonly records: readonly {
    key: string;
    calls: readonly DryRunCall[];
    failure?: { step: string; message: string };
  }[];
}
export interface Health {
  readonly connections: readonly {
    connection: string;
    connector: string | null;
    ok: boolean;
    account: string | null;
    problem: string | null;
  }[];
  readonly pipelines: readonly {
    pipeline: string;
    enabled: boolean;
    lastRunAt: string | null;
    lastStatus: string | null;
    lastSuccessAt: string | null;
    openDeadLetters: number;
  }[];
  readonly queue: { due: number; running: number };
  readonly rateLimits: readonly { connection: string; used: number; limit: number; windowMs: number }[];
}
export interface Change {
  readonly revision: number;
  readonly at: string;
  readonly by: string;
  readonly what: readonly { path: string; before?: unknown; after?: unknown }[];
}
