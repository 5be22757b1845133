import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REFERENCE_FILE, renderPluginApiReference } from '../../../scripts/docs/plugin-api-reference.ts';

describe('docs/plugin-api-reference.md', () => {
  it('is what the plugin API exports today (regenerate: npx tsx scripts/docs/plugin-api-reference.ts)', async () => {
    const generated = await renderPluginApiReference();
    expect(generated).toContain('### `defineConnector`');
    expect(generated).toContain('### `PLUGIN_API_VERSION`');
    expect(generated).toContain('readonly pluginApi?: string;');
    expect(readFileSync(REFERENCE_FILE, 'utf8')).toBe(generated);
  }, 60_000);
});
