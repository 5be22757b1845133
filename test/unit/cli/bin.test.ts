/** The installed command: exit codes and output a user sees, stack traces never. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURE_PLUGINS } from '../../helpers/workspace.ts';

const bin = fileURLToPath(new URL('../../../runtime/cli/bin.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const plugins = FIXTURE_PLUGINS.flatMap((p) => ['--plugin', p]);

function koppla(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: fixtures });
}

// each case starts a Node process that compiles Koppla with tsx: seconds on a busy 2-core machine
describe('koppla (the command)', { timeout: 30_000 }, () => {
  it('lint: a valid pipeline passes with exit 0', () => {
    const result = koppla('lint', 'pipelines/orders-example.yaml', ...plugins);
    expect(result.stderr).toContain('1 files, 0 errors');
    expect(result.status).toBe(0);
  });

  it('lint: findings are file:line:col severity rule message, exit 1', () => {
    const result = koppla('lint', 'invalid/p12-unknown-operation.yaml', ...plugins);
    expect(result.stdout.trim()).toBe(
      'invalid/p12-unknown-operation.yaml:11:11 error unknown-operation connector "example-ledger" has no operation "orders.creat" (did you mean "ledger.orders.create"?)',
    );
    expect(result.status).toBe(1);
  });

  it('lint --format json', () => {
    const result = koppla('lint', 'invalid/p03-duplicate-key.yaml', '--format', 'json', ...plugins);
    const report = JSON.parse(result.stdout) as {
      errors: number;
      diagnostics: { rule: string; line: number }[];
    };
    expect(report.errors).toBe(1);
    expect(report.diagnostics[0]).toMatchObject({ rule: 'duplicate-key', line: 4 });
  });

  it('a missing file is a one-line error, not a stack trace', () => {
    const result = koppla('lint', 'no/such/file.yaml');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^koppla: .*no such file/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('test: runs YAML tests and prints the plain summary line', () => {
    const result = koppla('test', 'pipelines', ...plugins);
    expect(result.stdout).toMatch(/^4 passed, 0 failed$/m);
    expect(result.status).toBe(0);
  });

  it("runs from any working directory: tsx gets Koppla's own tsconfig (decorators), not the cwd's", () => {
    // a directory with no tsconfig anywhere above it, as for a globally installed `koppla`
    const elsewhere = mkdtempSync(join(tmpdir(), 'koppla-bin-'));
    try {
      const env = { ...process.env };
      delete env.TSX_TSCONFIG_PATH;
      const result = spawnSync(
        process.execPath,
        [bin, 'lint', join(fixtures, 'pipelines/orders-example.yaml'), ...plugins],
        { encoding: 'utf8', cwd: elsewhere, env },
      );
      expect(result.stderr).not.toContain('decorators');
      expect(result.stderr).toContain('1 files, 0 errors');
      expect(result.status).toBe(0);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
