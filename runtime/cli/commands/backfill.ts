import type { Command } from 'commander';
import { runBackfill, type BackfillResult } from '../../backfill/backfill.ts';
import { createRuntimeContainer } from '../../container/create-container.ts';
import { timingsFromEnv } from '../../container/timings.ts';
import { BackfillProgress } from '../progress/backfill-progress.ts';
import { runtimeCommand } from '../runtime-command.ts';
import { withServices, type RuntimeCommandOptions } from '../runtime-session.ts';

interface BackfillCommandOptions extends RuntimeCommandOptions {
  tenant: string;
  from: string;
  to?: string;
  pipeline?: string;
  dryRun?: boolean;
  restart?: boolean;
  concurrency: string;
}

export function registerBackfillCommand(program: Command): void {
  const backfill = program
    .command('backfill')
    .description('move historic records into Fortnox once: resumable, within the rate limit, never twice');
  runtimeCommand(
    backfill,
    'orders',
    "send a window of the shop's historic orders through the tenant's orders pipeline (needs MONGODB_URI)",
  )
    .requiredOption('--tenant <id>', 'the tenant')
    .requiredOption('--from <date>', 'orders created on or after (2026-01-01 or an ISO 8601 time, UTC)')
    .option('--to <date>', 'orders created before (default: now)')
    .option('--pipeline <id>', "the pipeline (default: the tenant's one reading WooCommerce orders)")
    .option('--dry-run', 'read the window and count what would be sent; send nothing')
    .option('--concurrency <n>', 'orders in flight at once; the rate limit still sets the pace', '2')
    .option('--restart', "forget this window's checkpoint and read it from the start (nothing is sent twice)")
    .action((options: BackfillCommandOptions) =>
      // KOPPLA_RUN_LEASE, KOPPLA_EFFECT_CLAIM: how soon a killed backfill's lease and writes are taken over
      withServices(options, async (setup) => {
        const container = await createRuntimeContainer({ ...setup, timings: timingsFromEnv() });
        const progress = new BackfillProgress(process.stderr, `${options.tenant} backfill`);
        const result = await runBackfill(container, {
          tenant: options.tenant,
          from: options.from,
          ...(options.to ? { to: options.to } : {}),
          ...(options.pipeline ? { pipeline: options.pipeline } : {}),
          ...(options.dryRun ? { dryRun: true } : {}),
          ...(options.restart ? { restart: true } : {}),
          concurrency: concurrencyOf(options.concurrency),
          progress,
        });
        process.stdout.write(formatBackfillSummary(result));
        if (result.counts.failed > 0 || result.retryLater) process.exitCode = 1;
      }),
    );
}

function concurrencyOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 32)
    throw new Error(`--concurrency ${text}: write a whole number from 1 to 32`);
  return n;
}

export function formatBackfillSummary(result: BackfillResult): string {
  const c = result.counts;
  const window = `${result.from} – ${result.to ?? 'now'}`;
  const seconds = (result.durationMs / 1000).toFixed(1);
  const lines = [
    `backfill ${result.pipeline} for ${result.tenant}, orders created ${window}${result.resumed ? ' (resumed from its checkpoint)' : ''}${result.dryRun ? ' — dry run, nothing sent' : ''}`,
    `  shop: ${result.total ?? '?'} orders in the window; read ${c.read}, left out by the pipeline ${c.skipped}`,
  ];
  if (result.dryRun)
    lines.push(
      `  would send ${c.processed}; already in the ledger ${result.alreadyInLedger ?? 0}; unreadable ${c.failed}`,
    );
  else
    lines.push(
      `  done ${c.processed}, failed ${c.failed} (koppla status lists them; koppla replay --all --tenant ${result.tenant})`,
      `  writes sent ${c.sent}, answered by the ledger ${c.fromLedger}, found in Fortnox (lookup-first) ${c.foundRemotely}; ${c.calls} calls`,
    );
  if (result.retryLater)
    lines.push(`  stopped, to retry later: ${result.retryLater} — run the same command again to go on`);
  lines.push(`  ${seconds} s`);
  return `${lines.join('\n')}\n`;
}
