/**
 * A `fetch` for the Fortnox client that checks both directions against Fortnox's own OpenAPI document
 * (`../shared/fortnox-reference/openapi.json`): every JSON request body against the operation's
 * request schema, every JSON response against the schema of its status. Mismatches are collected
 * (a throw inside fetch would only look like a network error to the client); the suite asserts none.
 *
 * Requests are checked strictly: no property the schema lacks (Fortnox refuses them with 2001399),
 * `API_BLANK` allowed anywhere (Fortnox's "clear this field"). Responses are checked with the
 * leniencies the 2023 recordings show of real Fortnox: any field may be `null`, numbers may come as
 * numeric strings ("DeliveredQuantity": "1") and fields the document types `string` as numbers
 * ("ContractReference": 0), and extra fields are allowed.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { sharedPath } from '../../helpers/shared.ts';

interface OpenApiOperation {
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: unknown }> };
  readonly responses?: Record<string, { readonly content?: Record<string, { readonly schema?: unknown }> }>;
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components: { readonly schemas: Record<string, unknown> };
}

export interface OpenApiCheck {
  readonly fetch: typeof fetch;
  /** How many request bodies and responses were validated. */
  readonly checked: { requests: number; responses: number };
  readonly mismatches: string[];
}

type Json = Record<string, unknown>;

const NUMERIC = '^-?[0-9]+(\\.[0-9]+)?$';

/** The schema as Fortnox answers in practice (see the module comment). */
function lenient(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lenient);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'enum' ? value : lenient(value);
  const type = out.type;
  if (type === 'number' || type === 'integer') out.type = [type, 'string', 'null'];
  else if (type === 'string') out.type = ['string', 'number', 'null'];
  else if (typeof type === 'string') out.type = [type, 'null'];
  if ((type === 'number' || type === 'integer') && out.pattern === undefined) {
    // A numeric string for a number: the pattern applies to strings only.
    out.pattern = NUMERIC;
  }
  // Unset enum fields come back as "" (recorded: "PaymentWay": "").
  if (Array.isArray(out.enum)) out.enum = [...(out.enum as unknown[]), null, ''];
  delete out.minimum;
  delete out.maximum;
  return out;
}

/**
 * The schema as a request must satisfy: no unknown properties, `API_BLANK` anywhere. A PUT changes
 * only the properties it sends (fortnox-api.md §5.1), so `required` applies to POST only.
 */
function strict(schema: unknown, put = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => strict(item, put));
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required' && put) continue;
    out[key] =
      key === 'properties'
        ? mapValues(value as Json, (member) => strict(member, put))
        : key === 'enum'
          ? value
          : strict(value, put);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined)
    out.additionalProperties = false;
  if (typeof out.type === 'string' && out.type !== 'object' && out.type !== 'array')
    return { anyOf: [out, { const: 'API_BLANK' }] };
  return out;
}

function mapValues(record: Json, fn: (value: unknown) => unknown): Json {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}

interface Route {
  readonly template: string;
  readonly pattern: RegExp;
  readonly parameters: number;
}

let loaded: { document: OpenApiDocument; routes: Route[]; post: Ajv; put: Ajv; response: Ajv } | undefined;

function load() {
  if (loaded) return loaded;
  const document = JSON.parse(
    readFileSync(sharedPath('fortnox-reference', 'openapi.json'), 'utf8'),
  ) as OpenApiDocument;
  const ajvFor = (transform: (schema: unknown) => unknown) => {
    const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: false });
    ajv.addSchema(
      { $id: 'fortnox', components: { schemas: mapValues(document.components.schemas as Json, transform) } },
      'fortnox',
    );
    return ajv;
  };
  const routes = Object.keys(document.paths)
    .filter((template) => template.startsWith('/3/'))
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      parameters: (template.match(/\{/g) ?? []).length,
    }))
    // Static segments win: /3/settings/company before any /3/{x}/{y}.
    .sort((a, b) => a.parameters - b.parameters);
  loaded = {
    document,
    routes,
    post: ajvFor((schema) => strict(schema)),
    put: ajvFor((schema) => strict(schema, true)),
    response: ajvFor(lenient),
  };
  return loaded;
}

const compiled = new Map<string, ValidateFunction>();

function validator(ajv: Ajv, kind: 'post' | 'put' | 'response', schema: unknown): ValidateFunction {
  const key = `${kind}:${JSON.stringify(schema)}`;
  let validate = compiled.get(key);
  if (!validate) {
    const ref = (schema as { $ref?: string }).$ref;
    const inline = kind === 'response' ? lenient(schema) : strict(schema, kind === 'put');
    validate = ajv.compile(ref ? { $ref: `fortnox${ref}` } : (inline as object));
    compiled.set(key, validate);
  }
  return validate;
}

function jsonSchemaOf(content: Record<string, { readonly schema?: unknown }> | undefined): unknown {
  if (!content) return undefined;
  return (content['application/json'] ?? content['*/*'])?.schema;
}

export function openApiCheckedFetch(inner: typeof fetch = (input, init) => fetch(input, init)): OpenApiCheck {
  const { document, routes, post, put, response } = load();
  const checked = { requests: 0, responses: 0 };
  const mismatches: string[] = [];
  const checkedFetch: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = (init?.method ?? 'GET').toLowerCase();
    const result = await inner(input, init);
    if (!url.pathname.startsWith('/3/')) return result;
    const label = `${method.toUpperCase()} ${url.pathname}`;
    const route = routes.find((candidate) => candidate.pattern.test(url.pathname));
    const operation = route ? document.paths[route.template]?.[method] : undefined;
    if (!operation) {
      mismatches.push(`${label}: not in Fortnox's OpenAPI document`);
      return result;
    }
    if (typeof init?.body === 'string') {
      const schema = jsonSchemaOf(operation.requestBody?.content);
      if (schema === undefined) mismatches.push(`${label}: sends a body the OpenAPI document does not take`);
      else {
        const ajv = method === 'put' ? put : post;
        const validate = validator(ajv, method === 'put' ? 'put' : 'post', schema);
        checked.requests++;
        if (!validate(JSON.parse(init.body)))
          mismatches.push(`${label} request: ${ajv.errorsText(validate.errors)}`);
      }
    }
    const text = await result.clone().text();
    const answer = operation.responses?.[String(result.status)] ?? operation.responses?.default;
    const schema = jsonSchemaOf(answer?.content);
    if (schema !== undefined && text.trim() !== '' && result.status !== 401 && result.status !== 429) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        mismatches.push(`${label} → ${result.status}: not JSON`);
        return result;
      }
      const validate = validator(response, 'response', schema);
      checked.responses++;
      if (!validate(body))
        mismatches.push(`${label} → ${result.status}: ${response.errorsText(validate.errors)}`);
    }
    return result;
  };
  return { fetch: checkedFetch, checked, mismatches };
}
