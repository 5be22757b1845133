/**
 * The version of the plugin API this Koppla provides. A connector declares the versions it was
 * written for as a semver range (`pluginApi: '^1.0.0'`); the runtime refuses to load it when the
 * range does not include this version. Minor versions add (optional members, new exports); a
 * major version changes or removes something a plugin may rely on.
 */
export const PLUGIN_API_VERSION = '1.0.0';

/** What a connector that declares no `pluginApi` is taken to need: the first major version. */
export const DEFAULT_PLUGIN_API_RANGE = '^1.0.0';

/** A parsed semantic version: `1.2.3-beta.1+build` → [1, 2, 3], ['beta', 1]. */
export interface SemVer {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly (string | number)[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(text: string): SemVer | undefined {
  const match = VERSION.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3]),
    prerelease:
      match[4] === undefined ? [] : match[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id)),
  };
}

/** Semver precedence: negative when `a` comes before `b`. Build metadata is ignored. */
export function compareVersions(a: SemVer, b: SemVer): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return Math.sign(core);
  // a release ranks above its prereleases
  if (a.prerelease.length === 0 || b.prerelease.length === 0)
    return Math.sign(b.prerelease.length - a.prerelease.length);
  for (let i = 0; i < Math.max(a.prerelease.length, b.prerelease.length); i++) {
    const x = a.prerelease[i];
    const y = b.prerelease[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return Math.sign(x - y);
    if (typeof x === 'number') return -1; // numeric identifiers rank below alphanumeric ones
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

type Operator = '<' | '<=' | '>' | '>=' | '=';

interface Comparator {
  readonly operator: Operator;
  readonly version: SemVer;
}

/** A partial version as ranges write it: `1`, `1.2`, `1.x`, `1.2.*`, `*`. Missing parts are wildcards. */
interface PartialVersion {
  readonly major?: number;
  readonly minor?: number;
  readonly patch?: number;
  readonly prerelease: readonly (string | number)[];
}

const PARTIAL =
  /^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

function parsePartial(text: string): PartialVersion | undefined {
  const match = PARTIAL.exec(text);
  if (!match) return undefined;
  const part = (value: string | undefined) =>
    value === undefined || /^[xX*]$/.test(value) ? undefined : Number(value);
  const major = part(match[1]);
  const minor = major === undefined ? undefined : part(match[2]);
  const patch = minor === undefined ? undefined : part(match[3]);
  const prerelease =
    patch === undefined || match[4] === undefined
      ? []
      : match[4].split('.').map((id) => (/^\d+$/.test(id) ? Number(id) : id));
  return {
    ...(major === undefined ? {} : { major }),
    ...(minor === undefined ? {} : { minor }),
    ...(patch === undefined ? {} : { patch }),
    prerelease,
  };
}

const v = (major: number, minor: number, patch: number, prerelease: readonly (string | number)[] = []) => ({
  major,
  minor,
  patch,
  prerelease,
});
/** The lowest version of a major/minor line, so `<2.0.0-0` also excludes 2.0.0's prereleases. */
const floor = (major: number, minor: number, patch = 0) => v(major, minor, patch, [0]);

/** The comparators one range term stands for (`^1.2.3` → `>=1.2.3 <2.0.0-0`). */
function termComparators(term: string): Comparator[] | undefined {
  const operatorMatch = /^(\^|~>?|<=|>=|<|>|=)?\s*(.*)$/.exec(term);
  const prefix = operatorMatch?.[1] ?? '';
  const p = parsePartial(operatorMatch?.[2] ?? '');
  if (!p) return undefined;
  const { major, minor, patch, prerelease } = p;
  const at = (op: Operator, version: SemVer): Comparator => ({ operator: op, version });
  if (major === undefined) return prefix === '<' || prefix === '>' ? [at('<', v(0, 0, 0, [0]))] : [];
  if (prefix === '^') {
    const low = v(major, minor ?? 0, patch ?? 0, prerelease);
    if (major > 0 || minor === undefined) return [at('>=', low), at('<', floor(major + 1, 0))];
    if (minor > 0 || patch === undefined) return [at('>=', low), at('<', floor(0, minor + 1))];
    return [at('>=', low), at('<', floor(0, minor, patch + 1))];
  }
  if (prefix === '~' || prefix === '~>') {
    const low = v(major, minor ?? 0, patch ?? 0, prerelease);
    return minor === undefined
      ? [at('>=', low), at('<', floor(major + 1, 0))]
      : [at('>=', low), at('<', floor(major, minor + 1))];
  }
  if (prefix === '' || prefix === '=') {
    if (minor === undefined) return [at('>=', v(major, 0, 0)), at('<', floor(major + 1, 0))];
    if (patch === undefined) return [at('>=', v(major, minor, 0)), at('<', floor(major, minor + 1))];
    return [at('=', v(major, minor, patch, prerelease))];
  }
  // <, <=, >, >= with a partial version: 1.2 means the 1.2.x line
  const operator = prefix as Operator;
  if (patch !== undefined) return [at(operator, v(major, minor ?? 0, patch, prerelease))];
  if (operator === '>=') return [at('>=', v(major, minor ?? 0, 0))];
  if (operator === '<') return [at('<', floor(major, minor ?? 0))];
  const next = minor === undefined ? floor(major + 1, 0) : floor(major, minor + 1);
  return operator === '>' ? [at('>=', next)] : [at('<', next)];
}

/**
 * A semver range, as npm writes them: `^1.2.3`, `~1.2`, `1.x`, `>=1.0.0 <3`, `1.0.0 - 2.3`,
 * `^1 || ^2`, `*`. Undefined when the text is not a range. A prerelease version matches only a
 * term that names a prerelease of the same major.minor.patch (npm's rule), so `^1.0.0` does not
 * match `2.0.0-beta.1`.
 */
export function parseRange(text: string): Comparator[][] | undefined {
  const alternatives: Comparator[][] = [];
  for (const alternative of text.trim().split('||')) {
    const source = alternative.trim();
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(source);
    if (hyphen) {
      const low = termComparators(`>=${hyphen[1]}`);
      const high = parsePartial(hyphen[2] ?? '');
      if (!low || !high) return undefined;
      alternatives.push([...low, ...upperBound(high)]);
      continue;
    }
    const terms = source === '' ? ['*'] : source.replace(/(\^|~>?|<=|>=|<|>|=)\s+/g, '$1').split(/\s+/);
    const comparators: Comparator[] = [];
    for (const term of terms) {
      const parsed = termComparators(term);
      if (!parsed) return undefined;
      comparators.push(...parsed);
    }
    alternatives.push(comparators);
  }
  return alternatives;
}

/** The upper end of a hyphen range: `- 2.3.4` includes 2.3.4, `- 2.3` the whole 2.3 line, `- *` anything. */
function upperBound(high: PartialVersion): Comparator[] {
  const { major, minor, patch, prerelease } = high;
  if (major === undefined) return [];
  if (patch !== undefined) return [{ operator: '<=', version: v(major, minor ?? 0, patch, prerelease) }];
  return [{ operator: '<', version: minor === undefined ? floor(major + 1, 0) : floor(major, minor + 1) }];
}

function test(comparator: Comparator, version: SemVer): boolean {
  const order = compareVersions(version, comparator.version);
  switch (comparator.operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
  }
}

function allowsPrerelease(comparators: readonly Comparator[], version: SemVer): boolean {
  if (version.prerelease.length === 0) return true;
  return comparators.some(
    ({ version: c }) =>
      c.prerelease.length > 0 &&
      // the [0] floors stand for "below the next line", not for a prerelease the user named
      !(c.prerelease.length === 1 && c.prerelease[0] === 0) &&
      c.major === version.major &&
      c.minor === version.minor &&
      c.patch === version.patch,
  );
}

/** Whether `version` is in `range`. False when either does not parse. */
export function satisfies(version: string, range: string): boolean {
  const parsed = parseVersion(version);
  const alternatives = parseRange(range);
  if (!parsed || !alternatives) return false;
  return alternatives.some(
    (comparators) => comparators.every((c) => test(c, parsed)) && allowsPrerelease(comparators, parsed),
  );
}

export function isValidRange(range: string): boolean {
  return parseRange(range) !== undefined;
}
