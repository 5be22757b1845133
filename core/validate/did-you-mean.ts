import { editDistance, nearestName } from '../data/nearest-name.ts';

export { editDistance };

/** The candidate closest to `name`, if it is close enough to be a plausible typo. */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  return nearestName(name, candidates);
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const suggestion = closest(name, candidates);
  return suggestion ? ` (did you mean "${suggestion}"?)` : '';
}
