import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { TOKENS } from '../../container/tokens.ts';
import type { DeadLetterStore } from '../../dead-letter/dead-letter-store.ts';
import { describeHandResolve, resolveByHand } from '../../dead-letter/resolve-by-hand.ts';
import type { TenantDirectory } from '../../tenants/tenant-directory.ts';
import { runtimeCommand } from '../runtime-command.ts';
import { withRuntime, type RuntimeCommandOptions } from '../runtime-session.ts';

interface ResolveOptions extends RuntimeCommandOptions {
  readonly tenant: string;
  readonly note?: string;
  readonly all?: boolean;
  readonly pipeline?: string;
}

export function registerResolveCommand(program: Command): void {
  runtimeCommand(
    program,
    'resolve',
    'close dead letters whose work was done by hand (in Fortnox, in the shop), without running them again',
  )
    .argument('[id...]', 'dead letter ids')
    .requiredOption('--tenant <id>', 'the tenant the dead letters belong to')
    .option('--note <text>', 'what was done by hand; kept on the dead letter')
    .option('--all', 'every open dead letter of the tenant')
    .option('--pipeline <id>', "with --all: only this pipeline's")
    .action((ids: string[], options: ResolveOptions) =>
      withRuntime(options, async (container) => {
        if (ids.length === 0 && !options.all) throw new Error('name dead letter ids, or use --all');
        if (ids.length > 0 && options.all) throw new Error('name dead letter ids or use --all, not both');
        // an unknown tenant is an error of its own, not a list of unknown ids
        const tenant = container.resolve<TenantDirectory>(TOKENS.Tenants).get(options.tenant).id;
        const store = container.resolve<DeadLetterStore>(TOKENS.DeadLetters);
        const chosen = options.all
          ? (
              await store.list({
                tenant,
                status: 'open',
                ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
                limit: 10_000,
              })
            ).map((d) => d.id)
          : ids;
        const results = await resolveByHand(store, {
          tenant,
          ids: chosen,
          resolvedBy: `cli:${cliUser()}`,
          ...(options.note === undefined ? {} : { note: options.note }),
        });
        let refused = 0;
        for (const result of results) {
          const line = `${describeHandResolve(result, tenant)}\n`;
          if (result.outcome === 'resolved') process.stdout.write(line);
          else {
            refused++;
            process.stderr.write(line);
          }
        }
        process.stdout.write(`${results.length - refused} resolved, ${refused} refused\n`);
        if (refused > 0) process.exitCode = 1;
      }),
    );
}

/** Who resolves: the login name, as the dead letter keeps it; a container may have none. */
function cliUser(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}
