import { evaluate } from '../../../core/expr/index.ts';

/**
 * Calls one operator the way a pipeline does at run time: each argument is read from the data
 * with `var`, so the operator's own checks run (literal arguments would be caught earlier, by
 * validation, which validate.test.ts covers).
 */
export function call(operator: string, ...args: unknown[]): unknown {
  const data: Record<string, unknown> = {};
  const refs = args.map((arg, index) => {
    data[`a${index}`] = arg;
    return { var: `a${index}` };
  });
  return evaluate({ [operator]: refs }, data);
}

/** A small deterministic PRNG (mulberry32): random cases that replay the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
