/** A json-logic-js built-in that Koppla allows, with what lint and docs need to know about it. */
export interface BuiltinOperator {
  readonly name: string;
  readonly description: string;
  readonly signature: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  /**
   * For map/filter/reduce/all/none/some: the second argument runs once per array element, with
   * the element (reduce: `{current, accumulator}`) as its data instead of the root.
   */
  readonly scoped?: boolean;
}

/** No upper bound on the argument count. */
const MANY = Infinity;

/** `builtin('substr(s, start, length?)', [2, 3], '…')`: the name is the signature up to "(". */
function builtin(
  signature: string,
  [minArgs, maxArgs]: readonly [number, number],
  description: string,
  scoped = false,
): BuiltinOperator {
  const name = signature.slice(0, signature.indexOf('('));
  return Object.freeze({ name, signature, minArgs, maxArgs, description, ...(scoped ? { scoped } : {}) });
}

/**
 * The built-ins Koppla allows: logic, comparison, arrays and strings. Arithmetic is not among
 * them (see DISALLOWED_BUILTINS). `<`, `>`, `max` and `min` compare numbers or strings as
 * JavaScript does — fine for counts and codes, wrong for decimal strings ("10.00" < "9.00"):
 * compare money with money.lt and friends, dates with date.before.
 */
export const ALLOWED_BUILTINS: readonly BuiltinOperator[] = Object.freeze([
  builtin(
    'var(path, default?)',
    [0, 2],
    'The value at a dotted path of the data; default (or null) when absent.',
  ),
  builtin('missing(...paths)', [0, MANY], 'The paths whose value is null, absent or "" ([] when none is).'),
  builtin(
    'missing_some(needed, paths)',
    [2, 2],
    'The missing paths, or [] when at least `needed` are present.',
  ),
  builtin(
    'if(cond, then, ...elseIfs, else?)',
    [0, MANY],
    'The branch of the first truthy condition, else the last.',
  ),
  builtin('==(a, b)', [2, 2], 'Loose equality (JavaScript ==); prefer === or money.eq.'),
  builtin('===(a, b)', [2, 2], 'Strict equality.'),
  builtin('!=(a, b)', [2, 2], 'Loose inequality (JavaScript !=).'),
  builtin('!==(a, b)', [2, 2], 'Strict inequality.'),
  builtin('!(a)', [1, 1], 'Logical not (an empty array is falsy).'),
  builtin('!!(a)', [1, 1], 'Truthiness as a boolean (an empty array is falsy).'),
  builtin('or(...values)', [1, MANY], 'The first truthy value, or the last value.'),
  builtin('and(...values)', [1, MANY], 'The first falsy value, or the last value.'),
  builtin('>(a, b)', [2, 2], 'a > b for counts; strings compare as text. Money: money.gt.'),
  builtin('>=(a, b)', [2, 2], 'a ≥ b for counts; strings compare as text. Money: money.gte.'),
  builtin(
    '<(a, b, c?)',
    [2, 3],
    'a < b (or a < b < c) for counts; strings compare as text. Money: money.lt.',
  ),
  builtin(
    '<=(a, b, c?)',
    [2, 3],
    'a ≤ b (or a ≤ b ≤ c) for counts; strings compare as text. Money: money.lte.',
  ),
  builtin(
    'in(needle, haystack)',
    [2, 2],
    'True when the array holds the value, or the string the substring.',
  ),
  builtin('cat(...values)', [0, MANY], 'The values joined into one string.'),
  builtin(
    'substr(s, start, length?)',
    [2, 3],
    'Part of a string; a negative start or length counts from the end.',
  ),
  builtin(
    'map(array, expression)',
    [2, 2],
    'The expression applied to each element (the element is the data).',
    true,
  ),
  builtin('filter(array, condition)', [2, 2], 'The elements for which the condition is truthy.', true),
  builtin(
    'reduce(array, expression, initial?)',
    [2, 3],
    'Folds the array; sees {current, accumulator}.',
    true,
  ),
  builtin(
    'all(array, condition)',
    [2, 2],
    'True when the array is non-empty and every element passes.',
    true,
  ),
  builtin('none(array, condition)', [2, 2], 'True when no element passes the condition.', true),
  builtin('some(array, condition)', [2, 2], 'True when at least one element passes the condition.', true),
  builtin('merge(...arrays)', [0, MANY], 'The arrays (and single values) concatenated into one flat array.'),
  builtin(
    'max(...numbers)',
    [0, MANY],
    'The largest number. For counts: decimal strings are read as floats.',
  ),
  builtin(
    'min(...numbers)',
    [0, MANY],
    'The smallest number. For counts: decimal strings are read as floats.',
  ),
]);

/**
 * Built-ins Koppla refuses, and why. `+ - * / %` work on JavaScript floats: 0.1 + 0.2 is not 0.3,
 * and a VAT return must add up to the öre. They could be allowed "for counts only", but neither
 * lint nor the runtime can tell a count from an amount, so one slip would book a float. The
 * money.* operators take integers too, so counts lose nothing: {"money.add": [{"var": "qty"}, 1]}.
 */
export interface DisallowedBuiltin {
  readonly reason: string;
  /** The operator to use instead, offered as the suggestion. */
  readonly instead?: string;
}

export const DISALLOWED_BUILTINS: ReadonlyMap<string, DisallowedBuiltin> = new Map<string, DisallowedBuiltin>(
  [
    [
      '+',
      {
        reason: 'JSON-Logic arithmetic uses floats; use money.add (exact, takes integers too)',
        instead: 'money.add',
      },
    ],
    [
      '-',
      { reason: 'JSON-Logic arithmetic uses floats; use money.sub (or money.neg)', instead: 'money.sub' },
    ],
    ['*', { reason: 'JSON-Logic arithmetic uses floats; use money.mul', instead: 'money.mul' }],
    ['/', { reason: 'JSON-Logic arithmetic uses floats; use money.div', instead: 'money.div' }],
    ['%', { reason: 'JSON-Logic arithmetic uses floats, and there is no modulo on money' }],
    ['log', { reason: 'log writes to the console, and expressions do no I/O' }],
    ['method', { reason: 'method calls arbitrary JavaScript methods on data' }],
    ['?:', { reason: 'if is the one spelling of a condition', instead: 'if' }],
  ],
);
