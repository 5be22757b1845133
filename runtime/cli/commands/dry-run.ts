import type { Command } from 'commander';
import { tenantAdminFor } from '../../admin/tenant-admin.ts';
import { TOKENS } from '../../container/tokens.ts';
import type { EffectsLedger } from '../../ledger/effects-ledger.ts';
import type { RuntimeLogger } from '../../logging/logger.ts';
import type { ConnectorRegistry } from '../../registry/connector-registry.ts';
import type { CursorStore } from '../../store/index.ts';
import type { TenantDirectory } from '../../tenants/tenant-directory.ts';
import { dryRun, type DryRunResult } from '../dry-run/dry-run.ts';
import { asUserErrors, runtimeCommand } from '../runtime-command.ts';
import { withRuntime, type RuntimeCommandOptions } from '../runtime-session.ts';

interface DryRunOptions extends RuntimeCommandOptions {
  tenant: string;
  limit?: string;
  fromStart?: boolean;
  format: string;
}

export function registerDryRunCommand(program: Command): void {
  runtimeCommand(
    program,
    'dry-run',
    'a real run that sends nothing: reads the source and runs read-only operations, refuses every write and prints the payloads it would send',
  )
    .argument('<pipeline>', 'pipeline id or file, as listed for the tenant (a disabled one too)')
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--limit <n>', 'read at most n records')
    .option('--from-start', "read from the start, not from the tenant's cursor")
    .option('-f, --format <format>', 'text or json', 'text')
    .action((pipeline: string, options: DryRunOptions) =>
      withRuntime(
        options,
        (container) =>
          asUserErrors(async () => {
            const limit = options.limit === undefined ? undefined : Number(options.limit);
            if (limit !== undefined && !(Number.isInteger(limit) && limit >= 0))
              throw new Error(`--limit ${options.limit}: give a whole number`);
            const tenant = container.resolve<TenantDirectory>(TOKENS.Tenants).get(options.tenant);
            const result = await dryRun(
              {
                tenant,
                loaded: tenantAdminFor(container).pipelineOf(tenant, pipeline),
                connectors: container.resolve<ConnectorRegistry>(TOKENS.Connectors),
                cursors: container.resolve<CursorStore>(TOKENS.Cursors),
                ledger: container.resolve<EffectsLedger>(TOKENS.Ledger),
                logger: container.resolve<RuntimeLogger>(TOKENS.Logger),
              },
              {
                ...(limit === undefined ? {} : { limit }),
                ...(options.fromStart ? { fromStart: true } : {}),
              },
            );
            process.stdout.write(
              options.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : renderDryRun(result),
            );
            if (result.summary.failed > 0) process.exitCode = 1;
          }),
        // every connector's ctx.http refuses writes too, whatever an operation declares
        { readOnly: true },
      ),
    );
}

/** The dry run for people: per record, every call with its payload; then the totals. */
export function renderDryRun(result: DryRunResult): string {
  const out = [
    `Dry run of ${result.pipeline} for ${result.tenant}: nothing is sent, no cursor moves, nothing is recorded`,
  ];
  for (const record of result.records) {
    out.push(
      '',
      `record ${record.key}${record.failure ? `: FAILED at step ${record.failure.step}: ${record.failure.message}` : ''}`,
    );
    for (const call of record.calls) {
      if (call.kind === 'refused') {
        out.push(
          `  ✗ ${call.step} → ${call.uses}: refused; would send`,
          `      ${JSON.stringify(call.input)}`,
        );
        out.push(`      (went on with its example answer ${JSON.stringify(call.output)})`);
      } else if (call.kind === 'ledger') {
        out.push(`  = ${call.step} → ${call.uses}: sent before; a real run would not send it again`);
      } else {
        out.push(`  · ${call.step} → ${call.uses}: read ${JSON.stringify(call.input)}`);
      }
    }
  }
  const s = result.summary;
  const sentBefore = result.records.flatMap((r) => r.calls).filter((c) => c.kind === 'ledger').length;
  out.push(
    '',
    `${s.read} read, ${s.processed} processed, ${s.skipped} skipped, ${s.failed} failed; ${result.refused} write(s) refused${
      sentBefore > 0 ? `, ${sentBefore} sent before` : ''
    }`,
  );
  return `${out.join('\n')}\n`;
}
