/** The admin page's two message files say the same things, and say everything the page and the API ask for. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import en from '../../../admin-ui/src/i18n/en.json' with { type: 'json' };
import sv from '../../../admin-ui/src/i18n/sv.json' with { type: 'json' };
import { CONNECTOR_ERROR_KINDS } from '../../../core/plugin-api/index.ts';

const src = fileURLToPath(new URL('../../../admin-ui/src/', import.meta.url));
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? files(full) : /\.tsx?$/.test(name) ? [full] : [];
  });

describe('admin page messages', () => {
  it('has the same keys in Swedish and English, none empty, the same {placeholders}', () => {
    expect(Object.keys(sv).sort()).toEqual(Object.keys(en).sort());
    const holes = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, text] of Object.entries(en)) {
      expect(text.trim(), key).not.toBe('');
      expect(holes((sv as Record<string, string>)[key] ?? ''), key).toEqual(holes(text));
    }
  });

  it("has every message the page's code names", () => {
    const used = new Set<string>();
    for (const file of files(src))
      for (const match of readFileSync(file, 'utf8').matchAll(/\bt\('([a-zA-Z0-9_.-]+)'/g))
        used.add(match[1]!);
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((key) => !(key in en))).toEqual([]);
  });

  it('words every notice code the connection checks send, and every kind of failure', () => {
    const checks = readFileSync(
      fileURLToPath(new URL('../../../runtime/admin/connection-check.ts', import.meta.url)),
      'utf8',
    );
    const codes = new Set([...checks.matchAll(/notice\(\s*'([a-z_]+)'/g)].map((m) => m[1]!));
    codes.add('consent_failed');
    expect(codes.size).toBeGreaterThan(15);
    expect([...codes].filter((code) => !(`notice.${code}` in en))).toEqual([]);
    const kinds = CONNECTOR_ERROR_KINDS.filter((kind) => kind !== 'unknown');
    expect(kinds.filter((kind) => !(`failure.${kind}` in en))).toEqual([]);
  });
});
