/**
 * Broken and hostile tenant files (`koppla.yaml`, kind: Tenants): each must stop the load with a
 * KopplaUserError whose diagnostics are exactly the `# expect: <rule> <line>:<col>` lines at its top,
 * and no secret value given in the file may appear in the error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KopplaUserError } from '../../../core/diagnostics/index.ts';
import { loadTenantsFile } from '../../../runtime/tenants/load-tenants-file.ts';

const corpus = fileURLToPath(new URL('../../fixtures/bad-input/tenants/', import.meta.url));
const files = readdirSync(corpus).filter((f) => f.endsWith('.yaml'));

function expectations(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('# expect: '))
    .map((line) => line.slice('# expect: '.length).trim());
}

describe('the bad-input corpus: tenant files', () => {
  it('has at least 10 files, each with its expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  it.each(files)('%s', (file) => {
    const text = readFileSync(join(corpus, file), 'utf8');
    let error: unknown;
    try {
      loadTenantsFile(join(corpus, file), {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KopplaUserError);
    const diagnostics = (error as KopplaUserError).diagnostics;
    expect(diagnostics.map((d) => `${d.rule} ${d.line}:${d.col}`).sort()).toEqual(expectations(text).sort());
    // the one inline secret of the corpus (t05) is never echoed
    expect(JSON.stringify({ message: (error as Error).message, diagnostics })).not.toContain(
      '987654321987654321',
    );
  });
});
