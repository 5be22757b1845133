import type { Command } from 'commander';
import { PipelineRunner, type RunOutcome } from '../../executor/pipeline-runner.ts';
import type { ConnectorRegistry } from '../../registry/connector-registry.ts';
import { RunProgress } from '../progress/run-progress.ts';
import { formatRunSummary } from '../progress/run-summary.ts';
import { TOKENS } from '../../container/tokens.ts';
import type { DeadLetterStore } from '../../dead-letter/dead-letter-store.ts';
import type { RunStore } from '../../store/index.ts';
import type { TenantDirectory } from '../../tenants/tenant-directory.ts';
import { runtimeCommand } from '../runtime-command.ts';
import { withRuntime, type RuntimeCommandOptions } from '../runtime-session.ts';

export function registerRunCommand(program: Command): void {
  runtimeCommand(program, 'run', 'run one tenant pipeline now (needs MONGODB_URI) and print its summary')
    .argument('<pipeline>', 'pipeline id or file, as listed for the tenant')
    .requiredOption('--tenant <id>', 'the tenant')
    .action((pipeline: string, options: RuntimeCommandOptions & { tenant: string }) =>
      withRuntime(options, async (container) => {
        const runContainer = container.createChildContainer();
        // a bar on a terminal only, on stderr: stdout keeps the summary scripts read
        const progress = new RunProgress(process.stderr, `${options.tenant} ${pipeline}`);
        if (progress.enabled)
          runContainer.register(TOKENS.Connectors, {
            useValue: progress.watch(container.resolve<ConnectorRegistry>(TOKENS.Connectors)),
          });
        let outcome: RunOutcome;
        try {
          outcome = await runContainer.resolve(PipelineRunner).run(options.tenant, pipeline, 'manual');
        } finally {
          progress.stop();
        }
        if (outcome.status === 'skipped') {
          process.stdout.write(formatRunSummary({ outcome, deadLetters: [] }));
          return;
        }
        const run = await container.resolve<RunStore>(TOKENS.Runs).get(outcome.runId);
        const deadLetters = run
          ? (
              await container
                .resolve<DeadLetterStore>(TOKENS.DeadLetters)
                .list({ tenant: run.tenant, pipeline: run.pipeline, limit: 1000 })
            ).filter((d) => d.runId === outcome.runId)
          : [];
        process.stdout.write(
          formatRunSummary({
            outcome,
            deadLetters,
            ...(run?.durationMs === undefined ? {} : { durationMs: run.durationMs }),
          }),
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
