/**
 * The options of `koppla tenants add|set`, turned into what TenantAdmin takes. Every parser names
 * the option and the value's shape in its error; none ever repeats a secret.
 */
import type { PipelineInput, PipelinePatch } from '../admin/tenant-types.ts';

type Nested<T> = Record<string, Record<string, T>>;

/** `<a>.<b>=<value>` → [a, b, value]; `<a>` and `<b>` non-empty, the first dot splits. */
function dotted(text: string, option: string, shape: string): [string, string, string | undefined] {
  const eq = text.indexOf('=');
  const path = eq < 0 ? text : text.slice(0, eq);
  const dot = path.indexOf('.');
  if (dot <= 0 || dot === path.length - 1) throw new Error(`${option} ${path}: write ${shape}`);
  return [path.slice(0, dot), path.slice(dot + 1), eq < 0 ? undefined : text.slice(eq + 1)];
}

/** A value as JSON when it parses (`true`, `12`, `{"a":1}`), else as the text it is. */
export function valueOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `--toggle <pack>=on|off|default`, `--toggle <pack>/<rule>=on|off|default`; default removes the switch. */
export function parseToggleOptions(values: readonly string[]): {
  packs: Record<string, boolean | null>;
  rules: Record<string, boolean | null>;
} {
  const packs: Record<string, boolean | null> = {};
  const rules: Record<string, boolean | null> = {};
  for (const value of values) {
    const match = /^([^=]+)=(on|off|true|false|default)$/.exec(value);
    if (!match)
      throw new Error(`--toggle ${value}: write <pack>=on|off|default or <pack>/<rule>=on|off|default`);
    const [, key = '', state] = match;
    (key.includes('/') ? rules : packs)[key] =
      state === 'default' ? null : state === 'on' || state === 'true';
  }
  return { packs, rules };
}

/** `--param <pack>.<name>=<value>` (JSON, else text). */
export function parseParamOptions(values: readonly string[]): Nested<unknown> {
  const params: Nested<unknown> = {};
  for (const text of values) {
    const [pack, name, value] = dotted(text, '--param', '<pack>.<name>=<value>');
    if (value === undefined) throw new Error(`--param ${text}: write <pack>.<name>=<value>`);
    (params[pack] ??= {})[name] = valueOf(value);
  }
  return params;
}

/** `--setting <connection>.<key>=<value>` (JSON, else text). */
export function parseSettingOptions(values: readonly string[]): Nested<unknown> {
  const settings: Nested<unknown> = {};
  for (const text of values) {
    const [connection, key, value] = dotted(text, '--setting', '<connection>.<key>=<value>');
    if (value === undefined) throw new Error(`--setting ${text}: write <connection>.<key>=<value>`);
    (settings[connection] ??= {})[key] = valueOf(value);
  }
  return settings;
}

/** `--unset-param <pack>.<name>`, `--unset-setting <connection>.<key>`, `--unset-secret <connection>.<key>`. */
export function parseUnsetOptions(values: readonly string[], option: string): Nested<null> {
  const unset: Nested<null> = {};
  for (const text of values) {
    const [a, b, value] = dotted(text, option, '<name>.<key>');
    if (value !== undefined) throw new Error(`${option} ${text}: write <name>.<key>, without a value`);
    (unset[a] ??= {})[b] = null;
  }
  return unset;
}

export interface SecretSpec {
  readonly connection: string;
  readonly key: string;
  /** Read from this environment variable; absent: from stdin (prompted on a terminal, not echoed). */
  readonly env?: string;
}

/**
 * `--secret <connection>.<key>` (the value is read from stdin) or `--secret <connection>.<key>=env:NAME`.
 * A value on the command line is refused: it would stay in the shell history and the process list.
 */
export function parseSecretOptions(values: readonly string[]): SecretSpec[] {
  return values.map((text) => {
    const [connection, key, value] = dotted(
      text,
      '--secret',
      '<connection>.<key> or <connection>.<key>=env:NAME',
    );
    if (value === undefined) return { connection, key };
    const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value)?.[1];
    if (!env)
      throw new Error(
        `--secret ${connection}.${key}: give no value (it is read from stdin) or =env:NAME; a value on the command line would stay in the shell history`,
      );
    return { connection, key, env };
  });
}

/** `--pipeline <file>[=<every>]` (add). */
export function parsePipelineAdds(values: readonly string[]): PipelineInput[] {
  return values.map((text) => {
    const eq = text.lastIndexOf('=');
    if (eq <= 0) return { pipeline: text };
    return { pipeline: text.slice(0, eq), every: text.slice(eq + 1) };
  });
}

/** `--pipeline-set <id>=on|off|<every>|default` (change). */
export function parsePipelineChanges(
  values: readonly string[],
): { pipeline: string; patch: PipelinePatch }[] {
  return values.map((text) => {
    const eq = text.indexOf('=');
    if (eq <= 0 || eq === text.length - 1)
      throw new Error(`--pipeline-set ${text}: write <pipeline>=on|off|<interval>|default`);
    const pipeline = text.slice(0, eq);
    const value = text.slice(eq + 1);
    if (value === 'on' || value === 'off') return { pipeline, patch: { enabled: value === 'on' } };
    if (value === 'default') return { pipeline, patch: { every: null } };
    return { pipeline, patch: { every: value } };
  });
}

/** Deep-merges nested maps of the same shape (`a` wins nowhere: later keys replace earlier ones). */
export function mergeNested<T>(...maps: readonly Nested<T>[]): Nested<T> {
  const merged: Nested<T> = {};
  for (const map of maps)
    for (const [a, inner] of Object.entries(map)) merged[a] = { ...merged[a], ...inner };
  return merged;
}
