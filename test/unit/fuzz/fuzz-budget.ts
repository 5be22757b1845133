/**
 * How long and from where the fuzzers run. In `npm test` each fuzzer gets a few seconds (all of
 * them together stay under 20 s); `KOPPLA_FUZZ_MS=600000 npx vitest run test/unit/fuzz` hunts for
 * ten minutes per fuzzer. `KOPPLA_FUZZ_SEED` replays a run: a failure prints its seed and path.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';

export const FUZZ_MS = Number(process.env.KOPPLA_FUZZ_MS ?? 4_000);
export const FUZZ_SEED = Number(process.env.KOPPLA_FUZZ_SEED ?? 20261129);
/** Vitest's timeout for a fuzzer: its budget plus room for shrinking a failure. */
export const FUZZ_TEST_TIMEOUT = FUZZ_MS + 60_000;
/** What the heap may grow by over a whole fuzzing run, after a full collection. */
export const HEAP_GROWTH_LIMIT = 64 * 1024 * 1024;

export interface FuzzReport {
  readonly iterations: number;
  readonly heapGrowth: number;
}

// a full collection before each heap reading, so the comparison is of what is still reachable
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/**
 * Runs `check` on generated inputs until the budget is spent (at least `minRuns`), seeded; any
 * exception `check` lets through fails the run with fast-check's shrunk counterexample.
 */
export function fuzz<T>(
  name: string,
  input: fc.Arbitrary<T>,
  check: (value: T) => void,
  minRuns = 200,
): FuzzReport {
  let iterations = 0;
  const before = heapUsed();
  const started = Date.now();
  fc.assert(
    fc.property(input, (value) => {
      iterations += 1;
      check(value);
    }),
    {
      seed: FUZZ_SEED,
      numRuns: Number.MAX_SAFE_INTEGER,
      interruptAfterTimeLimit: FUZZ_MS,
      markInterruptAsFailure: false,
    },
  );
  const heapGrowth = heapUsed() - before;
  process.stdout.write(
    `fuzz ${name}: ${iterations} inputs in ${Date.now() - started} ms (seed ${FUZZ_SEED}), heap ${heapGrowth >= 0 ? '+' : ''}${(heapGrowth / 1024 / 1024).toFixed(1)} MiB\n`,
  );
  if (iterations < minRuns && FUZZ_MS >= 1_000)
    throw new Error(
      `fuzz ${name}: only ${iterations} inputs in ${FUZZ_MS} ms (expected at least ${minRuns})`,
    );
  return { iterations, heapGrowth };
}
