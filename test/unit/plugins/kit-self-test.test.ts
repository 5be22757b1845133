/**
 * The contract kit is not a rubber stamp: a connector that leaks its key, throws unclassified
 * errors, writes from a lookup and pages forever fails exactly the checks that say so.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const suite = fileURLToPath(new URL('./fixtures/kit-self-test/', import.meta.url));

interface JsonReport {
  testResults: { assertionResults: { title: string; status: string }[] }[];
}

describe('describeConnectorContract on a connector that breaks the contract', () => {
  it('fails the pagination, error, dry-run and secret checks, and passes the declaration', () => {
    const report = join(mkdtempSync(join(tmpdir(), 'koppla-kit-')), 'report.json');
    spawnSync(
      process.execPath,
      [
        join(root, 'node_modules/vitest/vitest.mjs'),
        'run',
        '--root',
        suite,
        '--reporter=json',
        `--outputFile=${report}`,
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    const results = (JSON.parse(readFileSync(report, 'utf8')) as JsonReport).testResults.flatMap(
      (file) => file.assertionResults,
    );
    const status = Object.fromEntries(results.map((r) => [r.title, r.status]));
    expect(status).toEqual({
      'is written for a plugin API that includes 1.0.0': 'passed',
      'has a valid manifest: names, versions, schemas that compile, examples that fit them': 'passed',
      'operation records.post: has input and output schemas and at least one example': 'passed',
      'stream records: pages to an end, with cursors, records that fit recordSchema, and ends again from its last cursor':
        'failed',
      'classifies 401 Unauthorized as auth': 'failed',
      'classifies 503 Service Unavailable as transient': 'failed',
      'classifies 429 Too Many Requests as rate_limited': 'failed',
      'classifies a dropped connection as transient': 'failed',
      'sends no writes in a dry run: streams, checkConnection, lookups and read-only operations only read':
        'failed',
      'never puts a secret in a log line, an error or a recorded request, even when the service echoes it':
        'failed',
    });
  }, 180_000);
});
