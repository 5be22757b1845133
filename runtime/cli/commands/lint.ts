import type { Command } from 'commander';
import { formatDiagnostic, type Diagnostic } from '../../../core/diagnostics/index.ts';
import { findFiles } from '../../project/find-files.ts';
import { lintFile } from '../../project/lint-file.ts';
import { openWorkspace, withPluginOption, type WorkspaceOptions } from '../workspace-options.ts';

export function registerLintCommand(program: Command): void {
  withPluginOption(
    program
      .command('lint')
      .description('check pipelines, rule packs and their tests; prints file:line:col severity rule message')
      .argument('<paths...>', 'files or directories (searched for *.yaml)')
      .option('-f, --format <format>', 'text or json', 'text'),
  ).action(async (paths: string[], options: WorkspaceOptions & { format: string }) => {
    const workspace = await openWorkspace(options);
    const files = findFiles(paths);
    const seen = new Set<string>();
    const diagnostics: Diagnostic[] = [];
    for (const file of files) {
      for (const d of lintFile(workspace, file)) {
        const key = formatDiagnostic(d);
        if (!seen.has(key)) {
          seen.add(key);
          diagnostics.push(d);
        }
      }
    }
    diagnostics.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (options.format === 'json') {
      process.stdout.write(
        `${JSON.stringify({ files: files.length, errors, warnings: diagnostics.length - errors, diagnostics }, null, 2)}\n`,
      );
    } else {
      for (const d of diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
      process.stderr.write(
        `${files.length} files, ${errors} errors, ${diagnostics.length - errors} warnings\n`,
      );
    }
    if (errors > 0) process.exitCode = 1;
  });
}
