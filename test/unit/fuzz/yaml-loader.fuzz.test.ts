/**
 * Fuzzing the YAML loader (core/config parseYamlSource): random YAML-ish token soup and random
 * mutations of the shipped pipeline. The only error it may throw is KopplaUserError with
 * diagnostics that have a position; what it returns must be plain, acyclic data (JSON.stringify
 * works on it). Bounded in time (KOPPLA_FUZZ_MS), seeded (KOPPLA_FUZZ_SEED), heap growth bounded.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseYamlSource } from '../../../core/config/index.ts';
import { KopplaUserError } from '../../../core/diagnostics/index.ts';
import { FUZZ_TEST_TIMEOUT, fuzz, HEAP_GROWTH_LIMIT } from './fuzz-budget.ts';

// small seeds, so each input parses in well under a millisecond and the budget buys many of them
const seeds = [
  '../../fixtures/pipelines/orders-example.yaml',
  '../../../rules/woo-tax-classes/pack.yaml',
].map((path) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8'));

const TOKENS = [
  '[',
  ']',
  '{',
  '}',
  ':',
  ': ',
  ', ',
  '- ',
  '? ',
  '\n',
  '\n  ',
  '\n    ',
  '\t',
  '#',
  '"',
  "'",
  '\\',
  '&a ',
  '*a',
  '&b ',
  '*b',
  '<<: ',
  '!!str ',
  '!!binary ',
  '!tag ',
  '!!js/function ',
  '|',
  '>',
  '---',
  '...',
  '%YAML 1.2\n',
  'key',
  'kind: Pipeline',
  'apiVersion: koppla/v1',
  '123',
  '1e400',
  '0x1F',
  '.nan',
  'null',
  '~',
  'true',
  '🛒',
  '\u202e',
  '\u200b',
  '\u0000',
  '\uFEFF',
  'Ω',
  '\r\n',
  ' ',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 80 }).map((parts) => parts.join(''));

/** An example pipeline or a shipped pack with a few characters deleted, inserted or replaced. */
const mutated = fc
  .tuple(
    fc.constantFrom(...seeds),
    fc.array(
      fc.record({
        at: fc.nat({ max: 3_000 }),
        remove: fc.nat({ max: 20 }),
        insert: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 5 })),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([seed, edits]) =>
    edits.reduce(
      (text, { at, remove, insert }) => text.slice(0, at) + insert + text.slice(at + remove),
      seed,
    ),
  );

function check(text: string): void {
  try {
    const source = parseYamlSource(text, 'fuzz.yaml');
    JSON.stringify(source.value);
    source.positionOf('/steps/0/with');
  } catch (error) {
    if (!(error instanceof KopplaUserError)) throw error;
    expect(error.diagnostics.length).toBeGreaterThan(0);
    for (const d of error.diagnostics) {
      expect(d.line).toBeGreaterThanOrEqual(1);
      expect(d.col).toBeGreaterThanOrEqual(1);
    }
  }
}

describe('fuzz: YAML loader', () => {
  it(
    'throws only KopplaUserError with positions; returns acyclic data',
    () => {
      const report = fuzz('yaml-loader', fc.oneof(tokenSoup, mutated, fc.string({ maxLength: 200 })), check);
      expect(report.heapGrowth).toBeLessThan(HEAP_GROWTH_LIMIT);
    },
    FUZZ_TEST_TIMEOUT,
  );
});
