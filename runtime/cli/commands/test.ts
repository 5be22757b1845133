import type { Command } from 'commander';
import { formatDiagnostic, formatPosition } from '../../../core/diagnostics/index.ts';
import { findFiles } from '../../project/find-files.ts';
import { runTestFile } from '../../project/run-test-file.ts';
import { openWorkspace, withPluginOption, type WorkspaceOptions } from '../workspace-options.ts';

export function registerTestCommand(program: Command): void {
  withPluginOption(
    program
      .command('test')
      .description('run pipeline and rule-pack tests (*.test.yaml)')
      .argument('[paths...]', 'files or directories', ['.']),
  ).action(async (paths: string[], options: WorkspaceOptions) => {
    const workspace = await openWorkspace(options);
    const files = findFiles(paths, (name) => /\.test\.ya?ml$/.test(name));
    let passed = 0;
    let failed = 0;
    for (const file of files) {
      const result = await runTestFile(workspace, file);
      if (!result) continue;
      if (result.diagnostics.length > 0) {
        failed++;
        process.stdout.write(`FAIL ${result.file}\n`);
        for (const d of result.diagnostics) process.stdout.write(`  ${formatDiagnostic(d)}\n`);
        continue;
      }
      for (const c of result.cases) {
        if (c.passed) passed++;
        else failed++;
        process.stdout.write(`${c.passed ? 'PASS' : 'FAIL'} ${formatPosition(c.position)} ${c.name}\n`);
        for (const failure of c.failures) process.stdout.write(`  ${failure}\n`);
      }
    }
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    if (failed > 0 || passed === 0) process.exitCode = 1;
  });
}
