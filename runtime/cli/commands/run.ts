import type { Command } from 'commander';
import { PipelineRunner } from '../../executor/pipeline-runner.ts';
import { TOKENS } from '../../container/tokens.ts';
import type { DeadLetterStore } from '../../dead-letter/dead-letter-store.ts';
import type { RunStore } from '../../store/index.ts';
import type { TenantDirectory } from '../../tenants/tenant-directory.ts';
import { withPluginOption } from '../workspace-options.ts';
import { withRuntime, type RuntimeCommandOptions } from '../runtime-session.ts';

function runtimeCommand(program: Command, name: string, description: string): Command {
  return withPluginOption(
    program
      .command(name)
      .description(description)
      .option('-c, --config <file>', 'tenants file', 'koppla.yaml'),
  );
}

export function registerRunCommand(program: Command): void {
  runtimeCommand(program, 'run', 'run one tenant pipeline now (needs MONGODB_URI) and print its summary')
    .argument('<pipeline>', 'pipeline id or file, as listed for the tenant')
    .requiredOption('--tenant <id>', 'the tenant')
    .action((pipeline: string, options: RuntimeCommandOptions & { tenant: string }) =>
      withRuntime(options, async (container) => {
        const outcome = await container
          .createChildContainer()
          .resolve(PipelineRunner)
          .run(options.tenant, pipeline, 'manual');
        if (outcome.status === 'skipped') {
          process.stdout.write(`skipped: ${outcome.reason}\n`);
          return;
        }
        const s = outcome.summary;
        process.stdout.write(
          `run ${outcome.runId} ${outcome.status}: ${s.read} read, ${s.processed} processed, ${s.skipped} skipped, ${s.failed} failed (dead letters)` +
            `${s.retryLater ? `; stopped at ${s.retryLater.recordKey} (${s.retryLater.message}), resumes next run` : ''}\n`,
        );
        if (outcome.status !== 'succeeded') process.exitCode = 1;
      }),
    );

  runtimeCommand(
    program,
    'replay',
    'run dead-lettered records again (one by id, or all open ones of a tenant)',
  )
    .argument('[id]', 'dead letter id')
    .option('--tenant <id>', 'with --all: the tenant')
    .option('--all', 'every open dead letter of the tenant')
    .action((id: string | undefined, options: RuntimeCommandOptions & { tenant?: string; all?: boolean }) =>
      withRuntime(options, async (container) => {
        const deadLetters = container.resolve<DeadLetterStore>(TOKENS.DeadLetters);
        if (!id && !(options.all && options.tenant))
          throw new Error('name a dead letter id, or use --all --tenant <id>');
        const ids = id
          ? [id]
          : (await deadLetters.list({ tenant: options.tenant ?? '', status: 'open' })).map((d) => d.id);
        const runner = container.createChildContainer().resolve(PipelineRunner);
        let failed = 0;
        for (const each of ids) {
          const result = await runner.replay(each);
          if (result.status === 'failed') failed++;
          process.stdout.write(`${each} ${result.status}${result.message ? `: ${result.message}` : ''}\n`);
        }
        process.stdout.write(`${ids.length - failed} resolved, ${failed} still failing\n`);
        if (failed > 0) process.exitCode = 1;
      }),
    );

  runtimeCommand(program, 'status', 'per tenant: last runs and open dead letters')
    .option('--tenant <id>', 'only this tenant')
    .action((options: RuntimeCommandOptions & { tenant?: string }) =>
      withRuntime(options, async (container) => {
        const tenants = container.resolve<TenantDirectory>(TOKENS.Tenants);
        const runs = container.resolve<RunStore>(TOKENS.Runs);
        const deadLetters = container.resolve<DeadLetterStore>(TOKENS.DeadLetters);
        for (const tenant of options.tenant ? [tenants.get(options.tenant)] : tenants.all()) {
          process.stdout.write(`${tenant.id} (${tenant.name})\n`);
          for (const run of await runs.list({ tenant: tenant.id, limit: 5 })) {
            const c = run.counts;
            process.stdout.write(
              `  run ${run.startedAt.toISOString()} ${run.pipeline} ${run.status}: ${c.read} read, ${c.processed} processed, ${c.failed} failed\n`,
            );
          }
          for (const d of await deadLetters.list({ tenant: tenant.id, status: 'open' })) {
            process.stdout.write(
              `  dead letter ${d.id} ${d.pipeline} record ${d.recordKey} at step ${d.failedStep} (${d.position.file}:${d.position.line}): ${d.error.message}\n`,
            );
          }
        }
      }),
    );
}
