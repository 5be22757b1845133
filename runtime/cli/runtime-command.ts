import type { Command } from 'commander';
import { KopplaUserError } from '../../core/diagnostics/index.ts';
import { AdminError } from '../admin/admin-error.ts';
import { withPluginOption } from './workspace-options.ts';
import { DEFAULT_CONFIG } from './runtime-session.ts';

/** A command that talks to services: `-c koppla.yaml` and `--plugin`. */
export function runtimeCommand(program: Command, name: string, description: string): Command {
  return withPluginOption(
    program
      .command(name)
      .description(description)
      .option('-c, --config <file>', 'tenants file', DEFAULT_CONFIG),
  );
}

/** An AdminError as the CLI reports it: its diagnostics (file:line:col) when it has any, else its message. */
export async function asUserErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AdminError)
      throw error.diagnostics.length > 0
        ? new KopplaUserError(error.message, error.diagnostics)
        : new Error(error.message);
    throw error;
  }
}

/** Collects a repeatable option. */
export const repeatable = (value: string, previous: string[] = []): string[] => [...previous, value];
