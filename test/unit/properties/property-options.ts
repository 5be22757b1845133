/**
 * fast-check settings shared by the property tests: a fixed seed unless KOPPLA_PROPERTY_SEED says
 * otherwise (a failure prints its seed and path, so it can be replayed), and KOPPLA_PROPERTY_RUNS
 * for a longer hunt than `npm test` affords.
 */
import type { Parameters } from 'fast-check';

export function propertyOptions<T>(runs = 200): Parameters<T> {
  const seed = Number(process.env.KOPPLA_PROPERTY_SEED ?? 20261129);
  const numRuns = Number(process.env.KOPPLA_PROPERTY_RUNS ?? runs);
  return { seed, numRuns };
}
