import type { Command } from 'commander';
import type { Agenda } from 'agenda';
import type { Db } from 'mongodb';
import { tenantAdminFor, type TenantAdmin } from '../../admin/tenant-admin.ts';
import type { PipelineView, TenantPatch, TenantView } from '../../admin/tenant-types.ts';
import { createAgenda } from '../../scheduler/create-agenda.ts';
import { PipelineScheduler } from '../../scheduler/pipeline-schedule.ts';
import type { ScheduleTarget } from '../../tenants/sync-schedules.ts';
import { asUserErrors, repeatable, runtimeCommand } from '../runtime-command.ts';
import { withRuntime, type RuntimeCommandOptions } from '../runtime-session.ts';
import { TerminalInput } from '../terminal-input.ts';
import {
  mergeNested,
  parseParamOptions,
  parsePipelineAdds,
  parsePipelineChanges,
  parseSecretOptions,
  parseSettingOptions,
  parseToggleOptions,
  parseUnsetOptions,
  type SecretSpec,
} from '../tenant-options.ts';

interface EditOptions extends RuntimeCommandOptions {
  name?: string;
  toggle?: string[];
  param?: string[];
  setting?: string[];
  secret?: string[];
  format?: string;
}

interface AddOptions extends EditOptions {
  pipeline?: string[];
  disabled?: boolean;
}

interface SetOptions extends EditOptions {
  enable?: boolean;
  disable?: boolean;
  addPipeline?: string[];
  pipelineSet?: string[];
  unsetParam?: string[];
  unsetSetting?: string[];
  unsetSecret?: string[];
  connectionReset?: string[];
}

/** Who made a change from the command line, as tenant revisions record it. */
const CLI_ACTOR = 'cli';

export function registerTenantsCommand(program: Command): void {
  const tenants = program
    .command('tenants')
    .description(
      'list, add and change tenants; they are stored in MongoDB (needs MONGODB_URI and KOPPLA_MASTER_KEY)',
    );

  runtimeCommand(tenants, 'list', "every tenant: koppla.yaml's and MongoDB's")
    .option('-f, --format <format>', 'text or json', 'text')
    .action((options: RuntimeCommandOptions & { format: string }) =>
      withRuntime(options, (container) =>
        asUserErrors(async () => {
          const views = await tenantAdminFor(container).list();
          process.stdout.write(
            options.format === 'json'
              ? `${JSON.stringify({ tenants: views }, null, 2)}\n`
              : views.map(renderTenant).join(''),
          );
        }),
      ),
    );

  editOptions(runtimeCommand(tenants, 'add', 'add a tenant to MongoDB'))
    .argument('<id>', 'lower-case letters, digits and dashes')
    .option(
      '--pipeline <file[=every]>',
      "a pipeline file (relative to koppla.yaml's folder), optionally its interval; repeatable",
      repeatable,
    )
    .option('--disabled', 'add it switched off')
    .action((id: string, options: AddOptions) =>
      withTenantAdmin(options, async (admin) => {
        const settings = parseSettingOptions(options.setting ?? []);
        const secrets = await readSecrets(parseSecretOptions(options.secret ?? []));
        const names = new Set([...Object.keys(settings), ...Object.keys(secrets)]);
        const toggles = parseToggleOptions(options.toggle ?? []);
        const view = await admin.create(
          {
            id,
            ...(options.name ? { name: options.name } : {}),
            ...(options.disabled ? { enabled: false } : {}),
            pipelines: parsePipelineAdds(options.pipeline ?? []),
            toggles: {
              packs: definite(toggles.packs, '--toggle'),
              rules: definite(toggles.rules, '--toggle'),
            },
            params: parseParamOptions(options.param ?? []),
            connections: Object.fromEntries(
              [...names].map((name) => [
                name,
                { settings: settings[name] ?? {}, secrets: secrets[name] ?? {} },
              ]),
            ),
          },
          CLI_ACTOR,
        );
        output(view, options, `added tenant ${view.id} (revision ${view.revision})\n`);
      }),
    );

  editOptions(
    runtimeCommand(
      tenants,
      'set',
      "change a tenant (a koppla.yaml tenant's changes are stored in MongoDB and win over the file)",
    ),
  )
    .argument('<id>', 'the tenant')
    .option('--enable', 'switch the tenant on')
    .option('--disable', 'switch the tenant off: nothing of it runs')
    .option('--add-pipeline <file[=every]>', 'add a pipeline; repeatable', repeatable)
    .option(
      '--pipeline-set <id=on|off|every|default>',
      "switch a pipeline, or set its interval (default: koppla.yaml's or the pipeline's); repeatable",
      repeatable,
    )
    .option('--unset-param <pack.name>', 'remove a param: back to the default; repeatable', repeatable)
    .option('--unset-setting <connection.key>', 'remove a setting stored in MongoDB; repeatable', repeatable)
    .option('--unset-secret <connection.key>', 'remove a secret stored in MongoDB; repeatable', repeatable)
    .action((id: string, options: SetOptions) =>
      withTenantAdmin(options, async (admin) => {
        if (options.enable && options.disable) throw new Error('--enable and --disable exclude each other');
        const toggles = parseToggleOptions(options.toggle ?? []);
        const secrets = mergeNested<string | null>(
          await readSecrets(parseSecretOptions(options.secret ?? [])),
          parseUnsetOptions(options.unsetSecret ?? [], '--unset-secret'),
        );
        const settings = mergeNested<unknown>(
          parseSettingOptions(options.setting ?? []),
          parseUnsetOptions(options.unsetSetting ?? [], '--unset-setting'),
        );
        const names = new Set([...Object.keys(settings), ...Object.keys(secrets)]);
        const patch: TenantPatch = {
          ...(options.name ? { name: options.name } : {}),
          ...(options.enable ? { enabled: true } : options.disable ? { enabled: false } : {}),
          ...(Object.keys(toggles.packs).length > 0 ? { packs: toggles.packs } : {}),
          ...(Object.keys(toggles.rules).length > 0 ? { rules: toggles.rules } : {}),
          ...paramsPatch(options),
          ...(names.size > 0
            ? {
                connections: Object.fromEntries(
                  [...names].map((name) => [
                    name,
                    {
                      ...(settings[name] ? { settings: settings[name] } : {}),
                      ...(secrets[name] ? { secrets: secrets[name] } : {}),
                    },
                  ]),
                ),
              }
            : {}),
        };
        const adds = parsePipelineAdds(options.addPipeline ?? []);
        const changes = parsePipelineChanges(options.pipelineSet ?? []);
        if (Object.keys(patch).length === 0 && adds.length === 0 && changes.length === 0)
          throw new Error('nothing to change: see koppla tenants set --help');
        let view: TenantView | undefined;
        if (Object.keys(patch).length > 0) view = await admin.update(id, patch, CLI_ACTOR);
        for (const add of adds) await admin.addPipeline(id, add, CLI_ACTOR);
        for (const { pipeline, patch: change } of changes)
          await admin.updatePipeline(id, pipeline, change, CLI_ACTOR);
        if (adds.length > 0 || changes.length > 0) view = await admin.get(id);
        if (view) output(view, options, `changed tenant ${view.id} (revision ${view.revision})\n`);
      }),
    );
}

function editOptions(command: Command): Command {
  return command
    .option('--name <name>', "the shop's name")
    .option(
      '--toggle <pack[/rule]=on|off|default>',
      'switch a rule pack or a single rule; repeatable',
      repeatable,
    )
    .option('--param <pack.name=value>', 'a rule-pack param (JSON, else text); repeatable', repeatable)
    .option(
      '--setting <connection.key=value>',
      'a connection setting that is not secret (JSON, else text); repeatable',
      repeatable,
    )
    .option(
      '--secret <connection.key[=env:NAME]>',
      'a secret, read from stdin (prompted, not echoed) or from the environment variable NAME; never echoed; repeatable',
      repeatable,
    )
    .option('-f, --format <format>', 'text or json', 'text');
}

/**
 * A TenantAdmin whose changes re-sync the tenant's schedules in the shared Agenda collection (no
 * worker needs to be running), with AdminErrors reported the CLI way.
 */
function withTenantAdmin(
  options: RuntimeCommandOptions,
  work: (admin: TenantAdmin) => Promise<void>,
): Promise<void> {
  return withRuntime(options, (container, setup) =>
    asUserErrors(() =>
      work(tenantAdminFor(container, { schedules: schedulesOn(setup.db, setup.workerName) })),
    ),
  );
}

/**
 * Schedules written through an Agenda that is never started: the workers run them. The Agenda is
 * made on first use, and every use awaits its connection, so none is left connecting at the end.
 */
function schedulesOn(db: Db, workerName: string): () => ScheduleTarget {
  let agenda: Agenda | undefined;
  return () => new PipelineScheduler((agenda ??= createAgenda({ db, workerName })), db);
}

function paramsPatch(options: SetOptions): Pick<TenantPatch, 'params'> {
  const params = mergeNested<unknown>(
    parseParamOptions(options.param ?? []),
    parseUnsetOptions(options.unsetParam ?? [], '--unset-param'),
  );
  return Object.keys(params).length > 0 ? { params } : {};
}

function definite(values: Record<string, boolean | null>, option: string): Record<string, boolean> {
  const result: Record<string, boolean> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value === null) throw new Error(`${option} ${key}=default: a new tenant has no switch to remove`);
    result[key] = value;
  }
  return result;
}

/** Each secret from its environment variable, or from stdin (a terminal prompts and does not echo). */
export async function readSecrets(
  specs: readonly SecretSpec[],
  input = new TerminalInput(process.stdin, process.stderr),
  env: NodeJS.ProcessEnv = process.env,
): Promise<Record<string, Record<string, string>>> {
  const secrets: Record<string, Record<string, string>> = {};
  for (const spec of specs) {
    const value = spec.env
      ? env[spec.env]
      : await input.ask(`${spec.connection}.${spec.key}: `, { hidden: true });
    if (value === undefined || value === '')
      throw new Error(
        `secret ${spec.connection}.${spec.key}: ${spec.env ? `$${spec.env} is not set` : 'empty'}`,
      );
    (secrets[spec.connection] ??= {})[spec.key] = value;
  }
  return secrets;
}

function output(view: TenantView, options: { format?: string }, headline: string): void {
  process.stdout.write(
    options.format === 'json' ? `${JSON.stringify(view, null, 2)}\n` : `${headline}${renderTenant(view)}`,
  );
}

const ORIGINS: Readonly<Record<TenantView['origin'], string>> = {
  file: 'koppla.yaml',
  store: 'MongoDB',
  'file+store': 'koppla.yaml + MongoDB',
};

/** One tenant, a few lines: never a secret value, only whether each is set. */
export function renderTenant(view: TenantView): string {
  const lines = [
    `${view.id} (${view.name}) ${view.enabled ? 'enabled' : 'disabled'}, from ${ORIGINS[view.origin]}${
      view.revision === null ? '' : `, revision ${view.revision} by ${view.updatedBy}`
    }`,
  ];
  for (const p of view.pipelines) lines.push(`  pipeline ${p.id ?? p.file}: ${pipelineState(p)}`);
  const switched = [
    ...Object.entries(view.toggles.packs).map(([k, v]) => `${k}=${v ? 'on' : 'off'}`),
    ...Object.entries(view.toggles.rules).map(([k, v]) => `${k}=${v ? 'on' : 'off'}`),
  ];
  if (switched.length > 0) lines.push(`  toggles ${switched.join(' ')}`);
  for (const [pack, values] of Object.entries(view.params))
    lines.push(`  params ${pack} ${JSON.stringify(values)}`);
  for (const [name, c] of Object.entries(view.connections)) {
    const secrets = Object.entries(c.secrets).map(
      ([k, s]) => `${k} ${s.set ? `set (${s.source === 'store' ? 'MongoDB' : 'koppla.yaml'})` : 'not set'}`,
    );
    const settings = Object.keys(c.settings);
    lines.push(
      `  connection ${name}${c.connector ? ` (${c.connector})` : ''}: settings ${settings.length > 0 ? settings.join(', ') : '-'}; secrets ${secrets.length > 0 ? secrets.join(', ') : '-'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

function pipelineState(p: PipelineView): string {
  if (p.problems.length > 0) return `does not compile: ${p.problems[0]}`;
  if (!p.enabled) return 'disabled';
  if (p.scheduleEveryMs === null)
    return p.events.length > 0
      ? `enabled, on events (${p.events.join(', ')})`
      : 'enabled, runs only when triggered';
  return `enabled, every ${formatMs(p.scheduleEveryMs)}${p.everyMs === null ? " (the pipeline's schedule)" : ''}`;
}

function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${ms / 1000} s`;
}
