import { describe, expect, it } from 'vitest';
import {
  PLUGIN_API_VERSION,
  compareVersions,
  isValidRange,
  parseVersion,
  satisfies,
} from '../../../core/plugin-api/index.ts';

describe('satisfies (the plugin-API range check)', () => {
  it.each([
    ['1.0.0', '^1.0.0', true],
    ['1.4.2', '^1.0.0', true],
    ['2.0.0', '^1.0.0', false],
    ['0.9.9', '^1.0.0', false],
    ['2.0.0-beta.1', '^1.0.0', false],
    ['0.2.5', '^0.2.3', true],
    ['0.3.0', '^0.2.3', false],
    ['0.0.3', '^0.0.3', true],
    ['0.0.4', '^0.0.3', false],
    ['1.2.9', '~1.2.3', true],
    ['1.3.0', '~1.2.3', false],
    ['1.9.0', '~1', true],
    ['1.2.0', '1.x', true],
    ['2.0.0', '1.x', false],
    ['1.2.7', '1.2.*', true],
    ['1.3.0', '1.2', false],
    ['5.0.0', '*', true],
    ['1.0.0', '', true],
    ['1.5.0', '>=1.2.0 <2', true],
    ['2.0.0', '>=1.2.0 <2', false],
    ['1.1.0', '>= 1.2.0', false],
    ['1.3.0', '>1.2', true],
    ['1.2.9', '>1.2', false],
    ['1.2.9', '<=1.2', true],
    ['1.3.0', '<=1.2', false],
    ['2.3.9', '1.0.0 - 2.3', true],
    ['2.4.0', '1.0.0 - 2.3', false],
    ['2.3.4', '1.0.0 - 2.3.4', true],
    ['3.1.0', '^1.0.0 || ^3.0.0', true],
    ['2.1.0', '^1.0.0 || ^3.0.0', false],
    ['1.0.0', '=1.0.0', true],
    ['1.0.1', '1.0.0', false],
    ['2.0.0-beta.2', '^2.0.0-beta.1', true],
    ['2.0.0', '^2.0.0-beta.1', true],
    ['2.0.0-alpha', '^2.0.0-beta.1', false],
    ['2.1.0-beta.1', '^2.0.0-beta.1', false],
  ])('%s in %s: %s', (version, range, expected) => {
    expect(satisfies(version, range)).toBe(expected);
  });

  it('is false for what does not parse, and says which ranges are valid', () => {
    expect(satisfies('1.0', '^1.0.0')).toBe(false);
    expect(satisfies('1.0.0', 'one')).toBe(false);
    expect(isValidRange('^1.0.0 || 2.x')).toBe(true);
    expect(isValidRange('^one')).toBe(false);
    expect(isValidRange('>=1.0.0 <')).toBe(false);
  });

  it('orders prereleases below their release, numbers below words', () => {
    const order = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0',
    ];
    const parsed = order.map((v) => parseVersion(v)!);
    for (let i = 1; i < parsed.length; i++) expect(compareVersions(parsed[i - 1]!, parsed[i]!)).toBe(-1);
  });

  it('the runtime’s own version is a valid version inside ^1', () => {
    expect(parseVersion(PLUGIN_API_VERSION)).toBeDefined();
    expect(satisfies(PLUGIN_API_VERSION, '^1.0.0')).toBe(true);
  });
});
