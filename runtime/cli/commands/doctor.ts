import type { Command } from 'commander';
import { doctorForTenant, formatDoctorReport } from '../../doctor/index.ts';
import { runtimeCommand } from '../runtime-command.ts';
import { withRuntime, type RuntimeCommandOptions } from '../runtime-session.ts';

interface DoctorCommandOptions extends RuntimeCommandOptions {
  tenant: string;
  format: string;
}

export function registerDoctorCommand(program: Command): void {
  runtimeCommand(
    program,
    'doctor',
    "check a tenant's prerequisites in Fortnox and WooCommerce (needs MONGODB_URI); exit 1 when one is not met",
  )
    .requiredOption('--tenant <id>', 'the tenant')
    .option('--format <format>', 'text or json', 'text')
    .action((options: DoctorCommandOptions) =>
      withRuntime(options, async (container) => {
        if (options.format !== 'text' && options.format !== 'json')
          throw new Error(`--format ${options.format}: write text or json`);
        const report = await doctorForTenant(container, options.tenant);
        process.stdout.write(
          options.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : formatDoctorReport(report),
        );
        if (!report.ok) process.exitCode = 1;
      }),
    );
}
