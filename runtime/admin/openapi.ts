import { readFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ADMIN_PREFIX, ROUTES, type RouteSpec } from './routes.ts';
import { componentName, ErrorSchema, type JsonSchema } from './schemas.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

type Json = unknown;

/**
 * The admin API as an OpenAPI 3.1 document, made from the same route specs and JSON Schemas fastify
 * validates and serializes with (routes.ts, schemas.ts). docs/admin-api.openapi.yaml is this
 * document, written by `koppla admin openapi --out docs/admin-api.openapi.yaml`.
 */
export function openApiDocument(routes: readonly RouteSpec[] = ROUTES): Record<string, Json> {
  const schemas: Record<string, Json> = {};
  const ref = (schema: unknown): Json => walk(schema, schemas);
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const path = `${ADMIN_PREFIX}${route.path}`;
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, ref);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Koppla admin API',
      version,
      description:
        'Tenants, their pipelines, rule-pack switches and params, runs, dead letters and replays of a Koppla installation. ' +
        'Served by `koppla serve` under /admin/v1. Every call but this document needs `Authorization: Bearer <admin API key>` ' +
        '(keys from KOPPLA_ADMIN_API_KEYS or `koppla admin key create`). Secrets are write-only: answers say which are set, never their values. ' +
        'The admin page (/admin) calls it with its session cookie instead, and sends x-csrf-token with every change; a shop owner signed in there sees only their own tenant.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'tenants', description: 'Shops: from koppla.yaml and from MongoDB.' },
      { name: 'pipelines', description: "A tenant's pipelines: on/off, interval, run now." },
      { name: 'toggles', description: 'Rule packs and single rules on/off, and pack params.' },
      { name: 'runs', description: 'What each run read, processed, skipped and dead-lettered.' },
      { name: 'dead letters', description: 'Records that failed, and replaying them.' },
      { name: 'meta', description: 'This document.' },
    ],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        adminKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An admin API key: KOPPLA_ADMIN_API_KEYS, or made with `koppla admin key create`.',
        },
      },
    },
  };
}

/** The document as YAML, the way docs/admin-api.openapi.yaml holds it. */
export function openApiYaml(): string {
  return `# Generated from runtime/admin/routes.ts and schemas.ts: koppla admin openapi --out docs/admin-api.openapi.yaml\n${stringify(
    openApiDocument(),
    { lineWidth: 0, aliasDuplicateObjects: false },
  )}`;
}

function operation(route: RouteSpec, ref: (schema: unknown) => Json): Record<string, Json> {
  const parameters = [
    ...parametersOf(route.params, 'path', ref),
    ...parametersOf(route.querystring, 'query', ref),
  ];
  const error = (description: string) => ({
    description,
    content: { 'application/json': { schema: ref(ErrorSchema) } },
  });
  const responses: Record<string, Json> = {
    [String(route.status)]: {
      description: route.responseDescription,
      content: { 'application/json': { schema: ref(route.response) } },
    },
  };
  if (route.body || route.querystring)
    responses['400'] = error(
      'The request is invalid; `details` has file:line:col diagnostics when a pipeline or pack is the cause.',
    );
  if (!route.public) responses['401'] = error('No valid admin API key.');
  if (!route.public)
    responses['403'] = error(
      "A session call without its CSRF token, or an operator's route called by a shop owner.",
    );
  if (route.params) responses['404'] = error('No such tenant, pipeline, run or dead letter.');
  if (route.conflicts) responses['409'] = error(route.conflicts);
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.tag],
    security: route.public ? [] : [{ adminKey: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.bodyOptional !== true,
            content: { 'application/json': { schema: ref(route.body) } },
          },
        }
      : {}),
    responses,
  };
}

function parametersOf(
  schema: JsonSchema | undefined,
  place: 'path' | 'query',
  ref: (s: unknown) => Json,
): Json[] {
  const properties = (schema?.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema?.required ?? []) as string[]);
  return Object.entries(properties).map(([name, member]) => {
    const { description, ...rest } = member as { description?: string };
    return {
      name,
      in: place,
      required: place === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: ref(rest),
    };
  });
}

/** A copy of `value` in which every component schema is a `$ref`, its content collected in `into`. */
function walk(value: unknown, into: Record<string, Json>): Json {
  const name = componentName(value);
  if (name !== undefined) {
    if (!(name in into)) {
      into[name] = null; // taken before walking, so a schema that refers to itself ends
      into[name] = copy(value, into);
    }
    return { $ref: `#/components/schemas/${name}` };
  }
  return copy(value, into);
}

function copy(value: unknown, into: Record<string, Json>): Json {
  if (Array.isArray(value)) return value.map((item) => walk(item, into));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, walk(member, into)]));
  return value;
}
