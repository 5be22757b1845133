import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_FILE, referenceSources, renderReference } from '../../../scripts/docs/config-reference.ts';

describe('docs/configuration.md', () => {
  it('is what the schemas say today (regenerate: npx tsx scripts/docs/config-reference.ts)', async () => {
    const expected = renderReference(await referenceSources());
    expect(readFileSync(REFERENCE_FILE, 'utf8')).toBe(expected);
    // it covers every kind of file a consultant or shop owner writes
    for (const heading of [
      'koppla.yaml',
      'pipelines/*.yaml',
      'pack.yaml',
      'Connection settings: fortnox',
      'params.se-vat',
    ])
      expect(expected).toContain(heading);
  });
});
