/**
 * The chaos suite's short form (`npm run chaos -- --short`) in CI: three `koppla serve` workers,
 * both sandboxes behind fault proxies (20 % of calls), SIGKILLs, database outages and unreliable
 * webhooks, run in a child process on the test database server. Asserts on the JSON result it prints.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import type { ChaosResult } from '../../../scripts/chaos/run-chaos.ts';

const SCRIPT = fileURLToPath(new URL('../../../scripts/chaos/run-chaos.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function runShortChaos(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, '--short'], {
      cwd: ROOT,
      env: { ...process.env, MONGODB_URI: inject('mongoUri'), KOPPLA_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

// about 3½ minutes on 2 cores (settled about 2 minutes after the chaos phase)
describe('chaos, short form', () => {
  it(
    'every order has exactly one Fortnox document set, nothing is lost or duplicated, all converges',
    { timeout: 600_000 },
    async () => {
      const { code, output } = await runShortChaos();
      const line = output.split('\n').find((l) => l.startsWith('CHAOS_RESULT '));
      expect(line, output).toBeDefined();
      const result = JSON.parse(line!.slice('CHAOS_RESULT '.length)) as ChaosResult;
      // the figures, for whoever reads the CI log
      process.stdout.write(
        `${output.slice(output.indexOf('Chaos applied'), output.indexOf('CHAOS_RESULT'))}`,
      );
      const f = result.figures;
      const chaos = result.chaos as { kills: number; databaseOutages: { outages: number } };
      // the chaos really happened
      expect(chaos.kills).toBeGreaterThanOrEqual(10);
      expect(chaos.databaseOutages.outages).toBeGreaterThanOrEqual(1);
      // and changed nothing it must not
      expect({
        duplicated: f.ordersDuplicated,
        missing: f.ordersMissing,
        unsent: f.documentsForUnsentOrders,
        credits: f.creditsWrong,
        customers: f.customersDuplicated,
        stock: f.stockNotConverged,
        names: f.namesNotConverged,
        statuses: f.statusesNotConverged,
        unexpectedDeadLetters: f.deadLettersUnexpected,
        refreshTokensSpentTwice: f.refreshTokensSpentTwice,
        rateLimitFailures: f.rateLimitFailures,
      }).toEqual({
        duplicated: 0,
        missing: 0,
        unsent: 0,
        credits: 0,
        customers: 0,
        stock: 0,
        names: 0,
        statuses: 0,
        unexpectedDeadLetters: 0,
        refreshTokensSpentTwice: 0,
        rateLimitFailures: 0,
      });
      expect(f.ordersWithOneSet).toBe(f.ordersExpected);
      expect(f.deadLettersExpected).toBeGreaterThan(0);
      expect(result.failures).toEqual([]);
      expect(code).toBe(0);
    },
  );
});
