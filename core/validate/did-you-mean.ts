import { nearestName } from '../data/nearest-name.ts';

export { editDistance, nearestName as closest } from '../data/nearest-name.ts';

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const suggestion = nearestName(name, candidates);
  return suggestion ? ` (did you mean "${suggestion}"?)` : '';
}
