/**
 * The settings of a Koppla process, from environment variables or a settings file, checked against
 * schemas/runtime-settings.schema.json before anything starts. Every bad setting is reported at
 * once, each by the name the operator wrote (the variable, or the file and key), with what is wrong.
 *
 * The environment wins over the file. Values from the file are copied into the environment under
 * their variable's name when it is unset, so every reader (MONGODB_URI, KOPPLA_MASTER_KEY, …) sees
 * one source of truth whichever way the operator chose.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { parseDuration } from '../../core/config/index.ts';

const SCHEMA = JSON.parse(
  readFileSync(new URL('../../schemas/runtime-settings.schema.json', import.meta.url), 'utf8'),
) as { properties: Record<string, { 'x-env': string; type?: string; $ref?: string; description?: string }> };

export interface RuntimeSettings {
  readonly mongodbUri?: string;
  readonly masterKey?: string;
  readonly masterKeys?: string;
  readonly adminApiKeys?: string;
  readonly host?: string;
  readonly port?: number;
  readonly processEvery?: string;
  readonly lockLifetime?: string;
  readonly runLease?: string;
  readonly effectClaim?: string;
  readonly shutdownTimeout?: string;
  readonly rateLimits?: string;
  readonly logLevel?: string;
  readonly otelEnabled?: boolean;
}

export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid settings:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'SettingsError';
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
ajv.addKeyword({ keyword: 'x-env' });
ajv.addKeyword({
  keyword: 'x-duration',
  type: 'string',
  validate: (_schema: unknown, value: string) => {
    const ms = parseDuration(value);
    return ms !== undefined && ms > 0;
  },
  error: { message: 'is not a duration (90s, 250 ms, 2 minutes, 1h)' },
});
const validate = ajv.compile(SCHEMA);

/** The environment variable of each setting, from the schema's `x-env`. */
export const SETTING_ENV: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(SCHEMA.properties).map(([key, spec]) => [key, spec['x-env']]),
);

function fromEnv(env: NodeJS.ProcessEnv, problems: string[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(SCHEMA.properties)) {
    const text = env[spec['x-env']];
    if (text === undefined || text === '') continue;
    if (spec.type === 'integer') {
      const n = Number(text);
      if (!Number.isInteger(n)) problems.push(`${spec['x-env']}: "${text}" is not a whole number`);
      else values[key] = n;
    } else if (spec.type === 'boolean') {
      if (!/^(true|false|1|0|yes|no|on|off)$/i.test(text))
        problems.push(`${spec['x-env']}: "${text}" is not true or false`);
      else values[key] = /^(true|1|yes|on)$/i.test(text);
    } else values[key] = text;
  }
  return values;
}

const SECRET_KEYS = new Set(['mongodbUri', 'masterKey', 'masterKeys', 'adminApiKeys']);

function describe(
  error: ErrorObject,
  source: (key: string) => string,
  values: Record<string, unknown>,
): string {
  const key = error.instancePath.split('/')[1] ?? '';
  if (error.keyword === 'additionalProperties') {
    const name = String((error.params as { additionalProperty?: string }).additionalProperty);
    return `${source(name)}: unknown setting (known: ${Object.keys(SCHEMA.properties).join(', ')})`;
  }
  // a secret's value is never repeated in the message
  const shown = SECRET_KEYS.has(key) ? '' : ` "${String(values[key])}"`;
  const hint = SCHEMA.properties[key]?.description;
  return `${source(key)}:${shown} ${error.message ?? 'is invalid'}${hint ? ` — ${hint}` : ''}`;
}

/**
 * Reads and checks the settings: the file named by KOPPLA_SETTINGS_FILE (YAML or JSON, keys as in
 * the schema), then the environment over it. Throws a SettingsError listing every problem.
 */
export function loadRuntimeSettings(env: NodeJS.ProcessEnv = process.env): RuntimeSettings {
  const problems: string[] = [];
  const file = env.KOPPLA_SETTINGS_FILE;
  let fileValues: Record<string, unknown> = {};
  if (file) {
    try {
      const parsed = parse(readFileSync(file, 'utf8')) as unknown;
      if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed)))
        problems.push(`${file}: write a map of settings (mongodbUri: …, port: …)`);
      else fileValues = (parsed ?? {}) as Record<string, unknown>;
    } catch (error) {
      problems.push(`KOPPLA_SETTINGS_FILE ${file}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const envValues = fromEnv(env, problems);
  const merged = { ...fileValues, ...envValues };
  const source = (key: string) =>
    key in envValues || !(key in fileValues) ? (SETTING_ENV[key] ?? key) : `${file}: ${key}`;
  if (!validate(merged))
    for (const error of validate.errors ?? []) problems.push(describe(error, source, merged));
  if (problems.length > 0) throw new SettingsError(problems);
  return merged as RuntimeSettings;
}

/** Copies file-only settings into the environment under their variable names (the environment wins). */
export function applyRuntimeSettings(settings: RuntimeSettings, env: NodeJS.ProcessEnv = process.env): void {
  for (const [key, value] of Object.entries(settings)) {
    const name = SETTING_ENV[key];
    if (name && (env[name] === undefined || env[name] === '') && value !== undefined)
      env[name] = String(value);
  }
}
